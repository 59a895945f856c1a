"""The demo working areas and projects: seeded through the services, in the states they claim,
and safe to seed again."""

import io

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from capabilities.demo import DEMO_PASSWORD, demo_email
from collaborations.demo import PROJECTS, TWAS
from collaborations.enums import ProjectStatus
from collaborations.models import Participation, Project, TechnicalWorkingArea
from nmiq_portal.workflow import events_for
from tests.support import shared_data

pytestmark = pytest.mark.django_db

STATES = {
    "QRR-mK": ProjectStatus.ACTIVE,
    "CRYO-ATT": ProjectStatus.IN_REVIEW,
    "SPD-CAL": ProjectStatus.DRAFT,
    "CLOCK-X": ProjectStatus.CHANGES_REQUESTED,
    "SPS-SCHOOL": ProjectStatus.COMPLETED,
}


@pytest.fixture(scope="module")
def _seeded(django_db_setup, django_db_blocker):
    """The demo data, seeded once for the module and rolled back after it."""
    with shared_data(django_db_blocker):
        with override_settings(DEBUG=True):
            call_command("seed_demo", stdout=io.StringIO())
        yield


@pytest.fixture
def seeded(_seeded, settings):
    settings.DEBUG = True


def test_demo_projects_reach_their_states_through_the_workflow(seeded):
    # Other apps' demos (outputs' comparisons) add areas and projects of their own.
    areas = TechnicalWorkingArea.objects.filter(number__in=[number for number, *_ in TWAS])
    projects = Project.objects.filter(twa__in=areas)
    assert areas.count() == len(TWAS)
    assert {p.acronym: p.status for p in projects} == STATES
    for project in projects:
        events = list(events_for(project))
        assert events[0].action == "create"
        assert events[-1].to_state == project.status, "every state was reached by an event"
    school = Project.objects.get(acronym="SPS-SCHOOL")
    assert school.final_report_url
    assert all(d.done for d in school.deliverables.all())
    invited = Participation.objects.get(project__acronym="SPD-CAL", institute__acronym="LNE")
    assert invited.status == "invited"


def test_seeding_again_changes_nothing(seeded):
    before = (Project.objects.count(), Participation.objects.count())
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert (Project.objects.count(), Participation.objects.count()) == before
    assert f"projects 0 created ({len(PROJECTS)} already there)" in out.getvalue()


def test_the_demo_coordinator_signs_in_and_finds_a_proposal_to_review(seeded):
    client = Client()
    response = client.post(
        "/accounts/login/",
        {"login": demo_email("coordinator.nist"), "password": DEMO_PASSWORD},
    )
    assert response.status_code == 302
    page = client.get("/review/").content.decode()
    assert "CRYO-ATT" in page
    qrr = Project.objects.get(acronym="QRR-mK")
    deciders = {
        d.coordinator.email: d.may_decide
        for d in client.get(qrr.get_absolute_url()).context["deciders"]
    }
    assert deciders == {
        demo_email("coordinator.nist"): False,  # NIST takes part in QRR-mK
        demo_email("coordinator.nmij"): True,
    }


def test_the_public_sees_only_the_public_demo_projects(seeded):
    page = Client().get("/projects/").content.decode()
    for acronym, state in STATES.items():
        assert (f"<strong>{acronym}</strong>" in page) == (
            state in (ProjectStatus.ACTIVE, ProjectStatus.COMPLETED)
        ), acronym
