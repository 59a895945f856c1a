"""Every project transition and participation change notifies exactly the people it concerns."""

import pytest
from django.core import mail

from capabilities.models import Membership
from collaborations import services
from collaborations.enums import ProjectStatus
from nmiq_portal import workflow
from nmiq_portal.notifications.models import Notification
from tests.collaborations.factories import ROLES, cast, member
from tests.factories import InstituteFactory, StaffFactory

pytestmark = pytest.mark.django_db

S = ProjectStatus
LEAD = {"proposer", "lead_editor"}
#: The conflicted coordinator belongs to the partner institute: told what its members are told.
PARTNER = {"partner_member", "conflicted_coordinator"}
EVERYONE_INVOLVED = LEAD | {"partner_member", "coordinator", "conflicted_coordinator"}

#: (state, action, actor role) → (notification type, the roles notified).
PROJECT_MOVES = [
    (S.DRAFT, "submit", "proposer", "project_submitted", {"lead_editor", "coordinator"}),
    (S.SUBMITTED, "start_review", "coordinator", "project_review_started", LEAD),
    (S.IN_REVIEW, "approve", "coordinator", "project_approved", LEAD | PARTNER),
    (S.IN_REVIEW, "reject", "staff", "project_rejected", LEAD | PARTNER),
    (S.IN_REVIEW, "request_changes", "coordinator", "project_changes_requested", LEAD),
    (
        S.APPROVED,
        "activate",
        "lead_editor",
        "project_activated",
        EVERYONE_INVOLVED - {"lead_editor"},
    ),
    (S.ACTIVE, "complete", "proposer", "project_completed", EVERYONE_INVOLVED - {"proposer"}),
    (S.DRAFT, "withdraw", "proposer", "project_withdrawn", {"lead_editor"} | PARTNER),
    (
        S.IN_REVIEW,
        "withdraw",
        "lead_editor",
        "project_withdrawn",
        {"proposer", "partner_member", "coordinator", "conflicted_coordinator"},
    ),
]


def _notified(world, verb):
    """The roles that got ``verb`` (the partner's conflicted coordinator counted once)."""
    recipients = set(
        Notification.objects.filter(verb=f"collaborations.{verb}").values_list(
            "recipient_id", flat=True
        )
    )
    roles = {role for role in ROLES if getattr(world[role], "pk", None) in recipients}
    known = {world[role].pk for role in roles}
    assert recipients <= known, "someone outside the cast was notified"
    return roles


@pytest.mark.parametrize(("state", "action", "actor", "verb", "expected"), PROJECT_MOVES)
def test_a_project_move_notifies_exactly_who_it_concerns(state, action, actor, verb, expected):
    world = cast(state)
    if action == "complete":
        services.project_link_final_report(
            actor=world["proposer"], project=world.project, final_report_url="https://e.org/r"
        )
    Notification.objects.all().delete()
    workflow.transition(world.project, action, actor=world[actor], comment="Reasons.")
    assert _notified(world, verb) == expected
    assert not Notification.objects.exclude(verb=f"collaborations.{verb}").exists()


def test_a_decision_carries_the_coordinators_comment_and_a_link_to_the_project(
    django_capture_on_commit_callbacks,
):
    world = cast(S.IN_REVIEW)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(
            world.project, "reject", actor=world["coordinator"], comment="Out of scope."
        )
    notification = Notification.objects.get(
        recipient=world["proposer"], verb="collaborations.project_rejected"
    )
    assert notification.title == f"{world.project.acronym} is rejected"
    assert notification.data["comment"] == "Out of scope."
    assert notification.url == world.project.get_absolute_url()
    message = next(m for m in mail.outbox if m.to == [world["proposer"].email])
    assert "Out of scope." in message.body


def test_a_submission_with_every_coordinator_conflicted_goes_to_staff():
    world = cast(S.DRAFT)
    member(world.project.lead_institute, user=world["coordinator"])
    staff = world["staff"]
    Notification.objects.all().delete()
    workflow.transition(world.project, "submit", actor=world["proposer"])
    recipients = set(
        Notification.objects.filter(verb="collaborations.project_submitted").values_list(
            "recipient", flat=True
        )
    )
    assert staff.pk in recipients
    assert world["conflicted_coordinator"].pk not in recipients


def test_someone_who_may_no_longer_see_the_project_is_not_told_about_it():
    world = cast(S.IN_REVIEW)
    proposer = world["proposer"]
    Membership.objects.filter(user=proposer).delete()
    Notification.objects.all().delete()
    workflow.transition(world.project, "reject", actor=world["coordinator"], comment="No.")
    assert not Notification.objects.filter(recipient=proposer).exists()


def test_inactive_people_are_not_notified():
    world = cast(S.IN_REVIEW)
    world["lead_editor"].is_active = False
    world["lead_editor"].save()
    Notification.objects.all().delete()
    workflow.transition(world.project, "approve", actor=world["coordinator"], comment="Approved.")
    assert not Notification.objects.filter(recipient=world["lead_editor"]).exists()


def _participation_world():
    world = cast(S.APPROVED)
    institute = InstituteFactory(economy="JP")
    newcomer, colleague = member(institute), member(institute)
    return world, institute, newcomer, colleague


def _recipients(verb):
    return set(
        Notification.objects.filter(verb=f"collaborations.{verb}").values_list(
            "recipient", flat=True
        )
    )


def test_a_request_to_join_tells_the_lead_and_its_answer_tells_the_institute():
    world, institute, newcomer, colleague = _participation_world()
    Notification.objects.all().delete()
    participation = services.participation_request(
        actor=newcomer, project=world.project, institute=institute
    )
    assert _recipients("participation_requested") == {
        world["proposer"].pk,
        world["lead_editor"].pk,
    }
    services.participation_transition(
        actor=world["lead_editor"], participation=participation, action="accept"
    )
    assert _recipients("participation_request_accepted") == {newcomer.pk, colleague.pk}


def test_an_invitation_tells_the_institute_and_its_answer_tells_the_lead():
    world, institute, newcomer, colleague = _participation_world()
    Notification.objects.all().delete()
    participation = services.participation_invite(
        actor=world["proposer"], project=world.project, institute=institute
    )
    assert _recipients("participation_invited") == {newcomer.pk, colleague.pk}
    services.participation_transition(actor=newcomer, participation=participation, action="decline")
    assert _recipients("participation_invitation_declined") == {
        world["proposer"].pk,
        world["lead_editor"].pk,
    }


def test_leaving_tells_the_lead_only():
    world = cast(S.ACTIVE)
    partner = world.project.participations.exclude(role="lead").get()
    Notification.objects.all().delete()
    services.participation_transition(
        actor=world["partner_member"], participation=partner, action="leave"
    )
    assert _recipients("participation_left") == {world["proposer"].pk, world["lead_editor"].pk}
    assert Notification.objects.count() == 2


def test_drafting_a_proposal_notifies_nobody():
    world = cast()
    before = Notification.objects.count()
    services.project_create(
        actor=world["lead_editor"],
        twa=world.project.twa,
        lead_institute=world.project.lead_institute,
        kind="research",
        title="Quiet draft",
        acronym="QD",
        summary="Nobody hears of this yet.",
    )
    assert Notification.objects.count() == before


def test_staff_deciding_on_a_proposal_are_not_notified_of_their_own_decision():
    world = cast(S.IN_REVIEW)
    staff = StaffFactory()
    workflow.transition(world.project, "approve", actor=staff, comment="Approved.")
    assert not Notification.objects.filter(recipient=staff).exists()
