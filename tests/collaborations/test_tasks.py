"""Reminders and the weekly digest, on a frozen clock: sent once, to exactly the right people."""

import datetime
from datetime import UTC, timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from collaborations import services, tasks
from collaborations.enums import ProjectStatus
from nmiq_portal.notifications.enums import Delivery
from nmiq_portal.notifications.models import Notification, OutgoingEmail
from tests.collaborations.factories import (
    ProjectFactory,
    TechnicalWorkingAreaFactory,
    cast,
    member,
)
from tests.factories import InstituteFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

S = ProjectStatus
#: A Monday morning, before the reminder jobs run.
MONDAY = datetime.datetime(2027, 3, 1, 6, 0, tzinfo=UTC)


def reminded(verb: str) -> list:
    """(recipient, project acronym) of every reminder of type ``verb``, in order."""
    return [
        (n.recipient, n.data["project"])
        for n in Notification.objects.filter(verb=f"collaborations.{verb}").order_by("pk")
    ]


def at(moment, **delta):
    return time_machine.travel(moment + timedelta(**delta), tick=False)


# --- Proposals waiting for review ---------------------------------------------------------------


@pytest.mark.parametrize("state", [S.SUBMITTED, S.IN_REVIEW])
def test_a_proposal_waiting_too_long_reminds_its_deciding_coordinator_once_a_period(state):
    with at(MONDAY):
        scene = cast(state)
    days = settings.PROPOSAL_REVIEW_DAYS
    with at(MONDAY, days=days, hours=23):
        assert tasks.remind_overdue_reviews() == 0
    with at(MONDAY, days=days + 1):
        assert tasks.remind_overdue_reviews() == 1
        assert tasks.remind_overdue_reviews() == 0
    with at(MONDAY, days=2 * days):
        assert tasks.remind_overdue_reviews() == 0
    with at(MONDAY, days=2 * days + 1):
        assert tasks.remind_overdue_reviews() == 1
        assert tasks.remind_overdue_reviews() == 0
    acronym = scene.project.acronym
    assert reminded("review_overdue") == [(scene["coordinator"], acronym)] * 2
    first = Notification.objects.filter(verb="collaborations.review_overdue").earliest("pk")
    assert str(days + 1) in first.title
    assert first.url == reverse("collaborations:review_queue")


def test_when_every_coordinator_has_a_conflict_staff_are_reminded():
    with at(MONDAY):
        scene = cast(S.SUBMITTED)
        member(scene.project.lead_institute, user=scene["coordinator"])
        staff = [scene["staff"], StaffFactory()]
        StaffFactory(is_active=False)
    with at(MONDAY, days=settings.PROPOSAL_REVIEW_DAYS + 1):
        services.project_review_remind_all()
    assert {person for person, _ in reminded("review_overdue")} == set(staff)


@pytest.mark.parametrize(
    "state", [S.DRAFT, S.CHANGES_REQUESTED, S.APPROVED, S.REJECTED, S.WITHDRAWN, S.ACTIVE]
)
def test_proposals_not_waiting_for_review_are_never_reminded(state):
    with at(MONDAY):
        cast(state)
    with at(MONDAY, days=60):
        assert services.project_review_remind_all() == 0
    assert reminded("review_overdue") == []


def test_a_resubmitted_proposal_waits_afresh():
    with at(MONDAY):
        scene = cast(S.IN_REVIEW)
    days = settings.PROPOSAL_REVIEW_DAYS
    with at(MONDAY, days=days - 1):
        project = services.project_transition(
            actor=scene["coordinator"],
            project=scene.project,
            action="request_changes",
            comment="More partners.",
        )
        services.project_transition(actor=scene["proposer"], project=project, action="submit")
    with at(MONDAY, days=days + 1):
        assert services.project_review_remind_all() == 0
    with at(MONDAY, days=2 * days):
        assert services.project_review_remind_all() == 1


def test_each_overdue_proposal_is_reminded_to_its_own_area():
    with at(MONDAY):
        first, second = cast(S.SUBMITTED), cast(S.SUBMITTED)
    with at(MONDAY, days=settings.PROPOSAL_REVIEW_DAYS + 1):
        assert services.project_review_remind_all() == 2
    assert sorted(reminded("review_overdue"), key=lambda r: r[1]) == sorted(
        [
            (first["coordinator"], first.project.acronym),
            (second["coordinator"], second.project.acronym),
        ],
        key=lambda r: r[1],
    )


# --- Deliverables --------------------------------------------------------------------------------


def deliverables(today: datetime.date) -> list[dict]:
    window = settings.DELIVERABLE_REMINDER_DAYS
    return [
        {"title": "Due today", "due_date": today},
        {"title": "Due at the edge", "due_date": today + timedelta(days=window)},
        {"title": "Due later", "due_date": today + timedelta(days=window + 1)},
        {"title": "Overdue", "due_date": today - timedelta(days=1)},
        {"title": "Done already", "due_date": today + timedelta(days=1), "done": True},
    ]


@pytest.mark.parametrize("state", [S.APPROVED, S.ACTIVE])
def test_deliverables_due_soon_remind_the_lead_institutes_members_once(state):
    today = MONDAY.date()
    with at(MONDAY, days=-30):
        scene = cast(state, deliverables=deliverables(today))
        UserFactory()
    with at(MONDAY):
        assert tasks.remind_due_deliverables() == 2
        assert tasks.remind_due_deliverables() == 0
    with at(MONDAY, days=1):
        assert tasks.remind_due_deliverables() == 1  # "Due later" entered the window
    titles = [n.data["deliverable"] for n in Notification.objects.filter(verb__endswith="_due")]
    assert sorted(set(titles)) == ["Due at the edge", "Due later", "Due today"]
    people = {person for person, _ in reminded("deliverable_due")}
    assert people == {scene["proposer"], scene["lead_editor"]}
    assert len(titles) == 3 * len(people)


@pytest.mark.parametrize("state", [S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.COMPLETED, S.WITHDRAWN])
def test_deliverables_of_projects_not_running_are_never_reminded(state):
    today = MONDAY.date()
    with at(MONDAY, days=-30):
        cast(
            state,
            deliverables=deliverables(today),
            final_report_url="https://example.org/report.pdf",
        )
    with at(MONDAY):
        assert services.deliverable_remind_all() == 0
    assert reminded("deliverable_due") == []


def test_an_inactive_member_is_not_reminded():
    today = MONDAY.date()
    with at(MONDAY, days=-30):
        scene = cast(S.ACTIVE, deliverables=[{"title": "Report", "due_date": today}])
        scene["lead_editor"].is_active = False
        scene["lead_editor"].save()
    with at(MONDAY):
        services.deliverable_remind_all()
    assert reminded("deliverable_due") == [(scene["proposer"], scene.project.acronym)]


# --- The weekly digest ---------------------------------------------------------------------------


def digests(user=None):
    messages = OutgoingEmail.objects.filter(subject__contains="Your review queue this week")
    return messages.filter(to=user.email) if user is not None else messages


@pytest.fixture
def queue():
    """A coordinator's area with proposals of every age, and ones that are not theirs to see."""
    coordinator, colleague = UserFactory(), UserFactory()
    twa = TechnicalWorkingAreaFactory(coordinators=[coordinator, colleague])
    made = {}
    for name, age in (("OLD", 20), ("MID", 10), ("NEW", 2)):
        with at(MONDAY, days=-age):
            made[name] = ProjectFactory(twa=twa, acronym=name, state=S.SUBMITTED)
    with at(MONDAY, days=-3):
        conflicted = ProjectFactory(twa=twa, acronym="MINE", state=S.IN_REVIEW)
        member(conflicted.lead_institute, user=coordinator)
        ProjectFactory(twa=twa, acronym="DRAFT")
        ProjectFactory(twa=twa, acronym="DONE", state=S.APPROVED)
        ProjectFactory(acronym="ELSEWHERE", state=S.SUBMITTED)
    return {"coordinator": coordinator, "colleague": colleague, **made}


def test_the_weekly_digest_lists_new_waiting_and_overdue_proposals_once(queue):
    coordinator = queue["coordinator"]
    with at(MONDAY, hours=1, minutes=30):
        assert tasks.send_review_digests() == 2
        assert tasks.send_review_digests() == 0
    (message,) = digests(coordinator)
    assert message.subject.endswith("Your review queue this week: 3 proposals")
    body = message.body
    overdue, new, waiting = (body.index(h) for h in ("Overdue (1)", "New this week (1)", "Waiting"))
    assert overdue < body.index("OLD:") < new < body.index("NEW:") < waiting < body.index("MID:")
    for hidden in ("MINE", "DRAFT", "DONE", "ELSEWHERE"):
        assert f"{hidden}:" not in body
    assert queue["OLD"].get_absolute_url() in message.html_body
    colleague = digests(queue["colleague"]).get()
    assert "MINE:" in colleague.body
    with at(MONDAY, days=7):
        assert tasks.send_review_digests() == 2


def test_no_digest_for_an_empty_queue_or_with_email_turned_off(queue):
    queue["colleague"].notification_delivery = Delivery.OFF
    queue["colleague"].save()
    idle = UserFactory()
    TechnicalWorkingAreaFactory(coordinators=[idle])
    with at(MONDAY):
        assert services.review_digest_send_all() == 1
    assert [message.to for message in digests()] == [queue["coordinator"].email]


def test_a_digest_costs_the_same_queries_however_many_proposals_it_lists():
    def queries_for(count: int) -> int:
        coordinator = UserFactory()
        twa = TechnicalWorkingAreaFactory(coordinators=[coordinator])
        for age in range(count):
            with at(MONDAY, days=-(3 + 4 * age)):  # new, waiting and overdue ones
                ProjectFactory(twa=twa, state=S.SUBMITTED if age % 2 else S.IN_REVIEW)
        with at(MONDAY), CaptureQueriesContext(connection) as queries:
            assert services.review_digest_send(coordinator=coordinator) is not None
        return len(queries)

    assert queries_for(2) == queries_for(8)


def test_coordinators_of_inactive_areas_get_no_digest():
    coordinator = UserFactory()
    twa = TechnicalWorkingAreaFactory(coordinators=[coordinator])
    with at(MONDAY, days=-3):
        ProjectFactory(twa=twa, state=S.SUBMITTED)
    twa.active = False
    twa.save()
    with at(MONDAY):
        assert services.review_digest_send_all() == 0


def test_the_jobs_are_scheduled():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "collaborations.tasks.remind_overdue_reviews",
        "collaborations.tasks.remind_due_deliverables",
        "collaborations.tasks.send_review_digests",
    } <= scheduled


def test_an_unrelated_institute_hears_nothing():
    today = MONDAY.date()
    outsider = member(InstituteFactory())
    with at(MONDAY, days=-30):
        cast(S.ACTIVE, deliverables=[{"title": "Report", "due_date": today}])
        cast(S.SUBMITTED)
    with at(MONDAY):
        services.deliverable_remind_all()
        services.project_review_remind_all()
        services.review_digest_send_all()
    assert not Notification.objects.filter(recipient=outsider).exists()
    assert not OutgoingEmail.objects.filter(to=outsider.email).exists()
