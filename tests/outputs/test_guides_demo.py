"""The demo guide: two versions reached through the services and the engine, the first
superseded by the second, each a real PDF; seeding again changes nothing."""

import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from pypdf import PdfReader

from nmiq_portal.workflow import events_for
from outputs.demo import GUIDE_TITLE
from outputs.enums import GuideVersionStatus as S
from outputs.models import Guide, GuideVersion
from tests.outputs.guides_world import guide_media  # noqa: F401
from tests.support import shared_data

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, guide_media):  # noqa: F811
    with shared_data(django_db_blocker):
        with override_settings(DEBUG=True):
            call_command("seed_demo", stdout=io.StringIO())
        yield


def test_the_demo_guide_has_a_superseded_and_a_published_version(seeded, db):
    guide = Guide.objects.get(title=GUIDE_TITLE)
    versions = list(guide.versions.order_by("major", "minor", "patch"))
    assert [(v.number, v.status) for v in versions] == [
        ("1.0.0", S.SUPERSEDED),
        ("1.1.0", S.PUBLISHED),
    ]
    assert [e.action for e in events_for(versions[0])] == [
        "create",
        "submit",
        "publish",
        "supersede",
    ]
    for version in versions:
        with version.file.open("rb") as pdf:
            text = PdfReader(pdf).pages[0].extract_text()
        assert GUIDE_TITLE in text
        assert f"Version {version.number}" in text


def test_seeding_again_changes_nothing(seeded, db, settings):
    settings.DEBUG = True
    before = GuideVersion.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert GuideVersion.objects.count() == before
