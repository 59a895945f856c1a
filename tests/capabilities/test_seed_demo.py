import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from capabilities.management.commands.seed_demo import DEMO_PASSWORD, INSTITUTES
from capabilities.models import Institute, Membership

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_marks_its_data(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    counts = (Institute.objects.count(), Membership.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Institute.objects.count(), Membership.objects.count()) == counts
    assert counts[0] == len(INSTITUTES)
    assert Institute.objects.filter(demo=True, verified=True).count() == len(INSTITUTES)
    nist = Institute.objects.get(acronym="NIST")
    assert (nist.economy.code, nist.rmo, nist.kind) == ("US", "SIM", "nmi")
    assert Institute.objects.get(acronym="QED-C").rmo == ""


@pytest.mark.parametrize(
    "email",
    [
        "staff@demo.nmi-q.example",
        "admin.npl@demo.nmi-q.example",
        "editor.ptb@demo.nmi-q.example",
        "user@demo.nmi-q.example",
    ],
)
def test_every_demo_account_signs_in(settings, email):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    client = Client()
    response = client.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.content


def test_seed_demo_refuses_a_production_site(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="published password"):
        call_command("seed_demo")
    assert not Institute.objects.exists()
