"""Who sees and who decides: visibility of projects, conflicts of interest, audit."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from collaborations import services
from collaborations.enums import ProjectStatus
from collaborations.models import Project, TechnicalWorkingArea
from collaborations.permissions import has_conflict, project_deciders
from nmiq_portal import workflow
from tests.collaborations.factories import (
    ROLES,
    TechnicalWorkingAreaFactory,
    cast,
    member,
    participation_accepted,
)
from tests.factories import InstituteFactory, StaffFactory

pytestmark = pytest.mark.django_db

S = ProjectStatus
INVOLVED = {"proposer", "lead_editor", "partner_member", "conflicted_coordinator", "staff"}
PUBLIC = set(ROLES)

#: state → the roles that see a project in it.
VISIBLE = {
    S.DRAFT: INVOLVED,
    S.SUBMITTED: INVOLVED | {"coordinator"},
    S.IN_REVIEW: INVOLVED | {"coordinator"},
    S.CHANGES_REQUESTED: INVOLVED | {"coordinator"},
    S.REJECTED: INVOLVED | {"coordinator"},
    S.WITHDRAWN: INVOLVED | {"coordinator"},
    S.APPROVED: PUBLIC,
    S.ACTIVE: PUBLIC,
    S.COMPLETED: PUBLIC,
}


@pytest.mark.parametrize("state", S.values)
def test_who_sees_a_project_in_each_state_pages_and_querysets_agree(state):
    world = cast(state)
    for role in ROLES:
        user = world[role]
        expected = role in VISIBLE[state]
        assert user.has_perm("collaborations.view_project", world.project) is expected, role
        in_queryset = Project.objects.visible_to(user).filter(pk=world.project.pk).exists()
        assert in_queryset is expected, role
    assert Project.objects.public().filter(pk=world.project.pk).exists() is (
        VISIBLE[state] == PUBLIC
    )


def test_visible_to_lists_each_project_once():
    world = cast(S.SUBMITTED)
    TechnicalWorkingArea.objects.get(pk=world.project.twa_id).coordinators.add(world["lead_editor"])
    for role in ("coordinator", "conflicted_coordinator", "lead_editor"):
        assert Project.objects.visible_to(world[role]).count() == 1, role


def test_an_invited_institute_sees_the_draft_it_is_invited_to():
    world = cast()
    institute = InstituteFactory()
    guest = member(institute)
    assert not guest.has_perm("collaborations.view_project", world.project)
    services.participation_invite(
        actor=world["proposer"], project=world.project, institute=institute
    )
    assert guest.has_perm("collaborations.view_project", world.project)
    assert Project.objects.visible_to(guest).filter(pk=world.project.pk).exists()


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("coordinator", True),
        ("staff", True),
        ("conflicted_coordinator", False),
        ("other_twa_coordinator", False),
        ("proposer", False),
        ("partner_member", False),
        ("plain_user", False),
        ("anonymous", False),
    ],
)
def test_only_an_unconflicted_coordinator_or_staff_reviews(role, allowed):
    world = cast(S.IN_REVIEW)
    assert world[role].has_perm("collaborations.review_project", world.project) is allowed


def test_an_institute_that_left_before_the_submission_leaves_no_conflict():
    world = cast(S.DRAFT)
    partner = world.project.participations.exclude(role="lead").get()
    conflicted = world["conflicted_coordinator"]
    services.participation_transition(
        actor=world["partner_member"], participation=partner, action="leave"
    )
    third = InstituteFactory(economy="JP")
    participation_accepted(world.project, third, lead_user=world["proposer"])
    workflow.transition(world.project, "submit", actor=world["proposer"])
    assert not has_conflict(conflicted, world.project)
    assert conflicted.has_perm("collaborations.review_project", world.project)


def test_leaving_during_the_review_round_does_not_clear_the_conflict():
    """Regression: a coordinator's institute left a submitted proposal, the coordinator
    approved it, and the institute could come back."""
    world = cast(S.IN_REVIEW)
    partner = world.project.participations.exclude(role="lead").get()
    conflicted = world["conflicted_coordinator"]
    services.participation_transition(
        actor=world["partner_member"], participation=partner, action="leave"
    )
    world.project.refresh_from_db()
    assert has_conflict(conflicted, world.project)
    assert conflicted.pk not in {person.pk for person in project_deciders(world.project)}
    with pytest.raises(PermissionDenied):
        workflow.transition(world.project, "approve", actor=conflicted, comment="Fine.")


def test_an_invitation_declined_during_the_round_is_still_a_conflict():
    world = cast(S.IN_REVIEW)
    coordinator = world["coordinator"]
    institute = InstituteFactory()
    member(institute, user=coordinator)
    invitation = services.participation_invite(
        actor=world["proposer"], project=world.project, institute=institute
    )
    services.participation_transition(
        actor=member(institute), participation=invitation, action="decline"
    )
    assert has_conflict(coordinator, world.project)
    assert not coordinator.has_perm("collaborations.review_project", world.project)


def test_a_resubmission_starts_a_new_round():
    world = cast(S.IN_REVIEW)
    partner = world.project.participations.exclude(role="lead").get()
    services.participation_transition(
        actor=world["partner_member"], participation=partner, action="leave"
    )
    participation_accepted(
        world.project, InstituteFactory(economy="JP"), lead_user=world["proposer"]
    )
    project = workflow.transition(
        world.project, "request_changes", actor=world["coordinator"], comment="More detail."
    )
    assert has_conflict(world["conflicted_coordinator"], project)
    project = workflow.transition(project, "submit", actor=world["proposer"])
    assert not has_conflict(world["conflicted_coordinator"], project)


def test_approval_checks_the_submission_guards_again():
    """Regression: the only partner left during the review and the proposal was approved
    with the lead alone."""
    world = cast(S.IN_REVIEW)
    partner = world.project.participations.exclude(role="lead").get()
    services.participation_transition(
        actor=world["partner_member"], participation=partner, action="leave"
    )
    world.project.refresh_from_db()
    with pytest.raises(ValidationError, match="at least 2 accepted institutes"):
        workflow.transition(world.project, "approve", actor=world["coordinator"], comment="Good.")
    world.project.refresh_from_db()
    assert world.project.status == S.IN_REVIEW


def test_a_pending_request_or_invitation_is_a_conflict_too():
    world = cast(S.APPROVED)
    coordinator = world["coordinator"]
    institute = InstituteFactory()
    member(institute, user=coordinator)
    assert not has_conflict(coordinator, world.project)
    services.participation_invite(
        actor=world["proposer"], project=world.project, institute=institute
    )
    assert has_conflict(coordinator, world.project)


@pytest.mark.parametrize("institute", ["lead", "partner"])
def test_staff_whose_institute_takes_part_may_not_decide_either(institute):
    world = cast(S.IN_REVIEW)
    staff = world["staff"]
    assert staff.has_perm("collaborations.review_project", world.project)
    engaged = (
        world.project.lead_institute
        if institute == "lead"
        else world.project.participations.exclude(role="lead").get().institute
    )
    member(engaged, user=staff)
    assert not staff.has_perm("collaborations.review_project", world.project)
    with pytest.raises(PermissionDenied):
        workflow.transition(world.project, "approve", actor=staff, comment="Approved.")


def test_the_deciders_are_the_coordinators_without_a_conflict_else_such_staff():
    world = cast(S.SUBMITTED)
    assert project_deciders(world.project) == [world["coordinator"]]
    member(world.project.lead_institute, user=world["coordinator"])
    conflicted_staff = StaffFactory()
    member(world.project.lead_institute, user=conflicted_staff)
    assert project_deciders(world.project) == [world["staff"]]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("proposer", True),
        ("partner_member", True),
        ("coordinator", True),
        ("conflicted_coordinator", True),
        ("staff", True),
        ("other_twa_coordinator", False),
        ("plain_user", False),
        ("anonymous", False),
    ],
)
def test_the_audit_trail_is_for_participants_coordinators_and_staff(role, allowed):
    world = cast(S.ACTIVE)
    assert world[role].has_perm("collaborations.view_project_audit", world.project) is allowed


@pytest.mark.parametrize("role", ROLES)
def test_only_the_lead_manages_participation(role):
    world = cast(S.APPROVED)
    expected = role in ("proposer", "lead_editor")
    assert world[role].has_perm("collaborations.manage_participation", world.project) is expected


def test_an_institute_member_may_propose_and_someone_without_one_may_not():
    world = cast()
    assert world["partner_member"].has_perm("collaborations.add_project")
    assert not world["plain_user"].has_perm("collaborations.add_project")
    assert not world["anonymous"].has_perm("collaborations.add_project")


def test_every_working_area_is_public_and_staff_see_inactive_ones():
    active, inactive = TechnicalWorkingAreaFactory(), TechnicalWorkingAreaFactory(active=False)
    world = cast()
    assert set(TechnicalWorkingArea.objects.public()) >= {active}
    assert inactive not in TechnicalWorkingArea.objects.visible_to(world["plain_user"])
    assert inactive in TechnicalWorkingArea.objects.visible_to(world["staff"])
