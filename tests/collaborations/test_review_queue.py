"""The coordinators' review queue: what waits in their working areas, its age, overdue ones,
conflicts of interest, and constant queries."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from capabilities.enums import MemberRole
from collaborations.enums import ProjectStatus
from tests.collaborations.factories import (
    ProjectFactory,
    TechnicalWorkingAreaFactory,
    member,
    move_to,
    participation_accepted,
)
from tests.factories import InstituteFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

QUEUE_URL = reverse("collaborations:review_queue")
START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def coordinator():
    return UserFactory(name="Cora Coordinator")


@pytest.fixture
def twa(coordinator):
    return TechnicalWorkingAreaFactory(coordinators=[coordinator])


def _acronyms(response) -> list[str]:
    return [entry.project.acronym for entry in response.context["entries"]]


def test_the_queue_holds_submitted_and_in_review_proposals_of_my_areas_oldest_first(
    client, twa, coordinator
):
    with time_machine.travel(START, tick=False) as clock:
        ProjectFactory(twa=twa, acronym="OLDER", state=ProjectStatus.IN_REVIEW)
        clock.shift(timedelta(days=1))
        ProjectFactory(twa=twa, acronym="NEWER", state=ProjectStatus.SUBMITTED)
        for state in (ProjectStatus.DRAFT, ProjectStatus.APPROVED, ProjectStatus.REJECTED):
            ProjectFactory(twa=twa, acronym=f"NOT-{state}", state=state)
        ProjectFactory(acronym="ELSEWHERE", state=ProjectStatus.SUBMITTED)
        client.force_login(coordinator)
        response = client.get(QUEUE_URL)
    assert _acronyms(response) == ["OLDER", "NEWER"]
    page = response.content.decode()
    assert "ELSEWHERE" not in page
    assert "NOT-draft" not in page


def test_age_is_counted_in_days_and_overdue_is_marked_past_the_review_period(
    client, twa, coordinator, settings
):
    settings.PROPOSAL_REVIEW_DAYS = 14
    with time_machine.travel(START, tick=False) as clock:
        ProjectFactory(twa=twa, acronym="LATE", state=ProjectStatus.IN_REVIEW)
        clock.shift(timedelta(days=10))
        ProjectFactory(twa=twa, acronym="FRESH", state=ProjectStatus.SUBMITTED)
        clock.shift(timedelta(days=5))  # LATE waits 15 days, FRESH 5
        client.force_login(coordinator)
        response = client.get(QUEUE_URL)
    entries = {e.project.acronym: (e.age_days, e.overdue) for e in response.context["entries"]}
    assert entries == {"LATE": (15, True), "FRESH": (5, False)}
    page = response.content.decode()
    assert page.count(">overdue<") == 1
    assert "15 days" in page


def test_fourteen_days_exactly_is_not_yet_overdue(client, twa, coordinator, settings):
    settings.PROPOSAL_REVIEW_DAYS = 14
    with time_machine.travel(START, tick=False) as clock:
        ProjectFactory(twa=twa, state=ProjectStatus.SUBMITTED)
        clock.shift(timedelta(days=14, hours=1))
        client.force_login(coordinator)
        (entry,) = client.get(QUEUE_URL).context["entries"]
    assert (entry.age_days, entry.overdue) == (14, False)


def test_a_proposal_my_institute_takes_part_in_is_marked_as_a_conflict(client, twa, coordinator):
    mine = InstituteFactory(acronym="MINE", economy="FR")
    member(mine, user=coordinator)
    involved = ProjectFactory(twa=twa, acronym="INVOLVED", partners=0)
    participation_accepted(involved, mine)
    move_to(involved, ProjectStatus.SUBMITTED, lead_user=member(involved.lead_institute))
    ProjectFactory(twa=twa, acronym="CLEAR", state=ProjectStatus.SUBMITTED)
    client.force_login(coordinator)
    response = client.get(QUEUE_URL)
    conflicts = {e.project.acronym: e.conflicted for e in response.context["entries"]}
    assert conflicts == {"INVOLVED": True, "CLEAR": False}
    assert "conflict: your institute takes part" in response.content.decode()


def test_staff_see_every_waiting_proposal(client):
    ProjectFactory(acronym="ONE", state=ProjectStatus.SUBMITTED)
    ProjectFactory(acronym="TWO", state=ProjectStatus.IN_REVIEW)
    client.force_login(StaffFactory())
    assert sorted(_acronyms(client.get(QUEUE_URL))) == ["ONE", "TWO"]


@pytest.mark.parametrize("role", ["plain user", "institute editor", "institute admin"])
def test_someone_who_coordinates_nothing_is_refused_the_queue_with_an_explanation(client, role):
    ProjectFactory(state=ProjectStatus.SUBMITTED, acronym="HIDDEN")
    people = {
        "plain user": UserFactory,
        "institute editor": lambda: member(InstituteFactory()),
        "institute admin": lambda: member(InstituteFactory(), role=MemberRole.ADMIN),
    }
    client.force_login(people[role]())
    response = client.get(QUEUE_URL)
    assert response.status_code == 403
    page = response.content.decode()
    assert "You coordinate no technical working area." in page
    assert "HIDDEN" not in page


def test_a_coordinator_whose_areas_wait_for_nothing_is_told_so(client, twa, coordinator):
    client.force_login(coordinator)
    response = client.get(QUEUE_URL)
    assert response.status_code == 200
    assert "No proposal is waiting for a decision." in response.content.decode()


def test_the_queue_asks_to_sign_in(client):
    response = client.get(QUEUE_URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_queue_queries_do_not_grow_with_proposals(client, twa, coordinator):
    member(InstituteFactory(), user=coordinator)
    ProjectFactory(twa=twa, state=ProjectStatus.SUBMITTED)
    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as few:
        client.get(QUEUE_URL)
    for state in (ProjectStatus.SUBMITTED, ProjectStatus.IN_REVIEW):
        for _ in range(4):
            ProjectFactory(twa=twa, state=state, partners=2)
    with CaptureQueriesContext(connection) as many:
        response = client.get(QUEUE_URL)
    assert len(response.context["entries"]) == 9
    assert len(many.captured_queries) == len(few.captured_queries)
