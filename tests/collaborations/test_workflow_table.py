"""Every (state, action, role) of the project and participation tables: allowed moves move and
record one event; everything else is refused and changes nothing."""

import copy

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from capabilities.models import Institute
from collaborations import services
from collaborations.enums import ParticipationStatus, ProjectStatus
from collaborations.models import Participation, Project
from nmiq_portal import workflow
from nmiq_portal.notifications.models import Notification, OutgoingEmail
from nmiq_portal.workflow.models import WorkflowEvent
from tests.collaborations.factories import ROLES, cast, member
from tests.factories import InstituteFactory, StaffFactory, UserFactory
from tests.support import shared_data

pytestmark = pytest.mark.django_db

S = ProjectStatus
REVIEWERS = {"coordinator", "staff"}
LEAD = {"proposer", "lead_editor"}

#: The contract, written out by hand (not read from collaborations/workflows.py):
#: action → (states it leaves, roles allowed, state it reaches).
PROJECT_TABLE = {
    "submit": ({S.DRAFT, S.CHANGES_REQUESTED}, LEAD, S.SUBMITTED),
    "start_review": ({S.SUBMITTED}, REVIEWERS, S.IN_REVIEW),
    "approve": ({S.IN_REVIEW}, REVIEWERS, S.APPROVED),
    "reject": ({S.IN_REVIEW}, REVIEWERS, S.REJECTED),
    "request_changes": ({S.IN_REVIEW}, REVIEWERS, S.CHANGES_REQUESTED),
    "activate": (
        {S.APPROVED},
        LEAD | {"coordinator", "conflicted_coordinator", "staff"},
        S.ACTIVE,
    ),
    "complete": ({S.ACTIVE}, LEAD, S.COMPLETED),
    "withdraw": ({S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED}, LEAD, S.WITHDRAWN),
}


def test_the_table_under_test_is_the_registered_one():
    """The hand-written contract names every action the engine knows (``create`` aside)."""
    registered = set(workflow.engine.workflow_for(Project).actions) - {"create"}
    assert registered == set(PROJECT_TABLE)


def _footprint(obj):
    model = type(obj)
    return (
        model._base_manager.get(pk=obj.pk).status,
        WorkflowEvent.objects.count(),
        Notification.objects.count(),
        OutgoingEmail.objects.count(),
    )


def _last_pk(model):
    return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.fixture(scope="class", params=ProjectStatus.values)
def _world(request, django_db_setup, django_db_blocker):
    state = request.param
    with shared_data(django_db_blocker):
        world = cast(state)
        if state in (S.APPROVED, S.ACTIVE):
            world.project = services.project_link_final_report(
                actor=world["proposer"],
                project=world.project,
                final_report_url="https://example.org/final-report.pdf",
            )
        yield world


@pytest.fixture
def world(_world, db):
    """A project in each state with a person in every role: made once for the state's actions,
    a copy for each test."""
    return copy.deepcopy(_world)


class TestProjectTable:
    """Each state's world serves all the actions tried from it."""

    @pytest.mark.parametrize("action", sorted(PROJECT_TABLE))
    def test_every_state_action_and_role_of_the_project_table(self, world, action):
        sources, allowed_roles, target = PROJECT_TABLE[action]
        project = world.project
        for role in ROLES:
            allowed = project.status in sources and role in allowed_roles
            actor = world[role]
            # Each role tries on the same project; its attempt is rolled back afterwards.
            with transaction.atomic():
                status, events, notifications, emails = _footprint(project)
                last_notification, last_event = _last_pk(Notification), _last_pk(WorkflowEvent)
                if allowed:
                    moved = workflow.transition(project, action, actor=actor, comment="Because.")
                    assert moved.status == target, role
                    assert Project.objects.get(pk=project.pk).status == target, role
                    new = list(WorkflowEvent.objects.filter(pk__gt=last_event))
                    assert len(new) == 1, role
                    assert (new[0].action, new[0].from_state, new[0].to_state) == (
                        action,
                        status,
                        target,
                    ), role
                    assert new[0].actor == actor, role
                    assert new[0].comment == "Because.", role
                    assert not Notification.objects.filter(
                        recipient=actor, pk__gt=last_notification
                    ).exists(), f"{role} was notified of their own move"
                else:
                    # Not from this state: a validation error; from it, but not this role: denied.
                    refusal = PermissionDenied if project.status in sources else ValidationError
                    with pytest.raises(refusal):
                        workflow.transition(project, action, actor=actor, comment="Because.")
                    assert _footprint(project) == (status, events, notifications, emails), role
                transaction.set_rollback(True)


@pytest.mark.parametrize("role", ROLES)
def test_only_a_member_of_the_lead_institute_drafts_a_proposal_for_it(role):
    world = cast()
    expected = role in LEAD
    before = Project.objects.count(), WorkflowEvent.objects.count()
    fields = {"kind": "research", "title": "Another one", "acronym": "AO", "summary": "S."}
    if expected:
        project = services.project_create(
            actor=world[role],
            twa=world.project.twa,
            lead_institute=world.project.lead_institute,
            **fields,
        )
        assert project.status == S.DRAFT
    else:
        with pytest.raises(PermissionDenied):
            services.project_create(
                actor=world[role],
                twa=world.project.twa,
                lead_institute=world.project.lead_institute,
                **fields,
            )
        assert (Project.objects.count(), WorkflowEvent.objects.count()) == before


P = ParticipationStatus
PARTICIPATION_ROLES = ("lead_member", "institute_member", "other_member", "staff", "plain_user")
#: action → {state it leaves: roles allowed}; the target state of each action is fixed.
PARTICIPATION_TABLE = {
    "accept": {P.REQUESTED: {"lead_member"}, P.INVITED: {"institute_member"}},
    "decline": {P.REQUESTED: {"lead_member"}, P.INVITED: {"institute_member"}},
    "leave": {P.ACCEPTED: {"institute_member"}},
    "request": {P.DECLINED: {"institute_member"}, P.LEFT: {"institute_member"}},
    "invite": {P.DECLINED: {"lead_member"}, P.LEFT: {"lead_member"}},
    "lead": {},
}
PARTICIPATION_TARGETS = {
    "accept": P.ACCEPTED,
    "decline": P.DECLINED,
    "leave": P.LEFT,
    "request": P.REQUESTED,
    "invite": P.INVITED,
}


def _participation_in(state, project, institute, *, lead_member, institute_member):
    if state == P.REQUESTED:
        return services.participation_request(
            actor=institute_member, project=project, institute=institute
        )
    participation = services.participation_invite(
        actor=lead_member, project=project, institute=institute
    )
    steps = {
        P.INVITED: [],
        P.ACCEPTED: ["accept"],
        P.DECLINED: ["decline"],
        P.LEFT: ["accept", "leave"],
    }
    for step in steps[state]:
        participation = services.participation_transition(
            actor=institute_member, participation=participation, action=step
        )
    return participation


@pytest.mark.parametrize("state", P.values)
@pytest.mark.parametrize("action", sorted(PARTICIPATION_TABLE))
def test_every_state_action_and_role_of_the_participation_table(state, action):
    world = cast(S.APPROVED)
    institute = InstituteFactory(economy="JP")
    people = {
        "lead_member": world["proposer"],
        "institute_member": member(institute),
        "other_member": member(
            Institute.objects.exclude(pk=institute.pk)
            .exclude(pk=world.project.lead_institute_id)
            .first()
        ),
        "staff": StaffFactory(),
        "plain_user": UserFactory(),
    }
    participation = _participation_in(
        state,
        world.project,
        institute,
        lead_member=people["lead_member"],
        institute_member=people["institute_member"],
    )
    assert participation.status == state
    for role in PARTICIPATION_ROLES:
        allowed = role in PARTICIPATION_TABLE[action].get(state, set())
        with transaction.atomic():
            before = _footprint(participation)
            last_notification = _last_pk(Notification)
            if allowed:
                moved = workflow.transition(participation, action, actor=people[role])
                assert moved.status == PARTICIPATION_TARGETS[action], role
                assert WorkflowEvent.objects.count() == before[1] + 1, role
                assert not Notification.objects.filter(
                    recipient=people[role], pk__gt=last_notification
                ).exists(), role
            else:
                refusal = (
                    PermissionDenied if state in PARTICIPATION_TABLE[action] else ValidationError
                )
                with pytest.raises(refusal):
                    workflow.transition(participation, action, actor=people[role])
                assert _footprint(participation) == before, role
            transaction.set_rollback(True)
    assert Participation.objects.get(pk=participation.pk).status == state
