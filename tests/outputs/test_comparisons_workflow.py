"""Every (state, action, role) of the comparison table, the permissions around it, and who is
notified: allowed moves move and record one event; everything else is refused and changes
nothing."""

import copy

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from collaborations.enums import ProjectKind, ProjectStatus
from nmiq_portal import workflow
from nmiq_portal.notifications.models import Notification
from nmiq_portal.workflow.models import WorkflowEvent
from outputs import services
from outputs.enums import ComparisonStatus
from outputs.models import Comparison
from tests.collaborations.factories import ROLES, ProjectFactory, cast, member
from tests.outputs.factories import comparison_fields, comparison_world
from tests.support import shared_data

pytestmark = pytest.mark.django_db

C = ComparisonStatus
LEAD = {"proposer", "lead_editor"}
REVIEWERS = {"coordinator", "staff"}

#: The contract, by hand: action → (states it leaves, roles allowed, state it reaches).
TABLE = {
    "submit": ({C.DRAFT}, LEAD, C.IN_REVIEW),
    "publish": ({C.IN_REVIEW}, REVIEWERS, C.PUBLISHED),
    "send_back": ({C.IN_REVIEW}, REVIEWERS, C.DRAFT),
    "withdraw": ({C.PUBLISHED}, LEAD | REVIEWERS, C.WITHDRAWN),
}
#: Who sees a comparison in each state (published: everyone).
VIEWERS = {
    C.DRAFT: {"proposer", "lead_editor", "partner_member", "conflicted_coordinator", "staff"},
    C.IN_REVIEW: {
        "proposer",
        "lead_editor",
        "partner_member",
        "conflicted_coordinator",
        "coordinator",
        "staff",
    },
    C.PUBLISHED: set(ROLES),
}
VIEWERS[C.WITHDRAWN] = VIEWERS[C.IN_REVIEW]


def test_the_table_under_test_is_the_registered_one():
    assert set(workflow.engine.workflow_for(Comparison).actions) - {"create"} == set(TABLE)


@pytest.fixture(scope="class", params=C.values)
def _world(request, django_db_setup, django_db_blocker):
    with shared_data(django_db_blocker):
        yield comparison_world(request.param)


@pytest.fixture
def world(_world, db):
    return copy.deepcopy(_world)


class TestComparisonTable:
    @pytest.mark.parametrize("action", sorted(TABLE))
    def test_every_state_action_and_role(self, world, action):
        sources, allowed_roles, target = TABLE[action]
        comparison = world.comparison
        for role in ROLES:
            allowed = comparison.status in sources and role in allowed_roles
            actor = world[role]
            with transaction.atomic():
                last = Notification.objects.order_by("-pk").values_list("pk", flat=True).first()
                before = (
                    Comparison.objects.get(pk=comparison.pk).status,
                    WorkflowEvent.objects.count(),
                    Notification.objects.count(),
                )
                if allowed:
                    moved = workflow.transition(comparison, action, actor=actor, comment="Why.")
                    assert Comparison.objects.get(pk=comparison.pk).status == target, role
                    event = WorkflowEvent.objects.order_by("-pk").first()
                    assert (event.action, event.from_state, event.to_state) == (
                        action,
                        before[0],
                        target,
                    ), role
                    assert event.actor == actor, role
                    assert moved.status == target
                    mine = Notification.objects.filter(recipient=actor, pk__gt=last or 0)
                    assert not mine.exists(), f"{role} was notified of their own move"
                else:
                    refusal = PermissionDenied if comparison.status in sources else ValidationError
                    with pytest.raises(refusal):
                        workflow.transition(comparison, action, actor=actor, comment="Why.")
                    after = (
                        Comparison.objects.get(pk=comparison.pk).status,
                        WorkflowEvent.objects.count(),
                        Notification.objects.count(),
                    )
                    assert after == before, role
                transaction.set_rollback(True)

    def test_who_sees_it_in_each_state(self, world):
        comparison = world.comparison
        for role in ROLES:
            user = world[role]
            expected = role in VIEWERS[comparison.status]
            assert user.has_perm("outputs.view_comparison", comparison) is expected, role
            listed = Comparison.objects.visible_to(user).filter(pk=comparison.pk).exists()
            assert listed is expected, role

    def test_only_the_leads_members_edit_and_only_a_draft(self, world):
        comparison = world.comparison
        for role in ROLES:
            expected = role in LEAD and comparison.status == C.DRAFT
            assert world[role].has_perm("outputs.change_comparison", comparison) is expected


def test_send_back_and_withdraw_need_a_comment():
    world = comparison_world(C.IN_REVIEW)
    with pytest.raises(ValidationError):
        services.comparison_transition(
            actor=world["staff"], comparison=world.comparison, action="send_back"
        )
    assert Comparison.objects.get(pk=world.comparison.pk).status == C.IN_REVIEW


def test_a_coordinator_whose_institute_reported_a_result_never_publishes():
    world = comparison_world(C.IN_REVIEW)
    coordinator = world["coordinator"]
    member(world.third, user=coordinator)
    with pytest.raises(PermissionDenied):
        services.comparison_transition(
            actor=coordinator, comparison=world.comparison, action="publish"
        )


def test_submission_is_refused_while_the_reference_value_cannot_be_computed():
    world = comparison_world(C.DRAFT, results=[(2.0, 0.2, 2.0)])
    with pytest.raises(ValidationError, match="at least two included results; 1 is included"):
        services.comparison_transition(
            actor=world["proposer"], comparison=world.comparison, action="submit"
        )


def test_submission_is_refused_before_the_project_is_approved():
    crew = cast(ProjectStatus.DRAFT, kind=ProjectKind.COMPARISON)
    comparison = services.comparison_create(
        actor=crew["proposer"], project=crew.project, **comparison_fields()
    )
    with pytest.raises(ValidationError, match="not approved"):
        services.comparison_transition(
            actor=crew["proposer"], comparison=comparison, action="submit"
        )


@pytest.mark.parametrize("role", ROLES)
def test_only_a_member_of_the_lead_institute_enters_a_comparison(role):
    crew = cast(ProjectStatus.APPROVED, kind=ProjectKind.COMPARISON)
    if role in LEAD:
        comparison = services.comparison_create(
            actor=crew[role], project=crew.project, **comparison_fields()
        )
        assert comparison.status == C.DRAFT
    else:
        with pytest.raises(PermissionDenied):
            services.comparison_create(
                actor=crew[role], project=crew.project, **comparison_fields()
            )
        assert not Comparison.objects.exists()


def test_a_project_of_another_kind_has_no_comparison():
    project = ProjectFactory(state=ProjectStatus.APPROVED, kind=ProjectKind.RESEARCH)
    lead = member(project.lead_institute)
    with pytest.raises(PermissionDenied):
        services.comparison_create(actor=lead, project=project, **comparison_fields())


def test_submitting_notifies_the_reviewers_and_publishing_the_lead():
    world = comparison_world(C.DRAFT)
    comparison = services.comparison_transition(
        actor=world["proposer"], comparison=world.comparison, action="submit"
    )
    submitted = Notification.objects.filter(verb="outputs.comparison_submitted")
    notified = set(submitted.values_list("recipient", flat=True))
    assert world["coordinator"].pk in notified
    assert world["conflicted_coordinator"].pk not in notified
    assert world["proposer"].pk not in notified
    services.comparison_transition(actor=world["staff"], comparison=comparison, action="publish")
    published = Notification.objects.filter(verb="outputs.comparison_published")
    assert set(published.values_list("recipient", flat=True)) >= {
        world["proposer"].pk,
        world["lead_editor"].pk,
    }
