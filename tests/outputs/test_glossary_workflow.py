"""Every (state, action, role) of the term table: allowed moves move and record one event;
everything else is refused and changes nothing."""

import copy

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from capabilities.enums import MemberRole
from capabilities.models import Membership
from nmiq_portal import workflow
from nmiq_portal.notifications.models import Notification
from nmiq_portal.workflow.models import WorkflowEvent
from outputs import services
from outputs.enums import TermStatus
from outputs.models import Term
from tests.collaborations.factories import TechnicalWorkingAreaFactory
from tests.factories import InstituteFactory, StaffFactory, TermFactory, UserFactory
from tests.support import shared_data

pytestmark = pytest.mark.django_db

S = TermStatus
REVIEWERS = {"coordinator", "staff"}

#: The contract, written out by hand (not read from outputs/workflows.py):
#: action → (states it leaves, roles allowed, state it reaches).
TERM_TABLE = {
    "agree": ({S.PROPOSED}, REVIEWERS, S.AGREED),
    "reject": ({S.PROPOSED}, REVIEWERS, S.REJECTED),
    "withdraw": ({S.PROPOSED}, {"proposer"}, S.WITHDRAWN),
    "supersede": ({S.AGREED}, REVIEWERS, S.SUPERSEDED),
}

ROLES = (
    "anonymous",
    "plain_user",
    "proposer",
    "colleague",
    "other_member",
    "coordinator",
    "conflicted_coordinator",
    "other_twa_coordinator",
    "staff",
    "conflicted_staff",
)


def _member(institute, user=None):
    user = user or UserFactory()
    Membership.objects.create(user=user, institute=institute, role=MemberRole.EDITOR)
    return user


def cast(state, *, twa=True):
    """A term of PTB in ``state`` (in a working area unless ``twa=False``) and a person per
    role: its proposer and a colleague at PTB, a member of another institute, the working
    area's coordinator, a coordinator from PTB (conflicted), a coordinator of another area,
    staff, staff who belong to PTB, a signed-in user with no institute, an anonymous visitor."""
    ptb, other = InstituteFactory(acronym="PTB"), InstituteFactory()
    coordinator, conflicted, elsewhere = _member(other), _member(ptb), UserFactory()
    area = TechnicalWorkingAreaFactory(coordinators=[coordinator, conflicted])
    TechnicalWorkingAreaFactory(coordinators=[elsewhere])
    proposer, staff = _member(ptb), StaffFactory()
    term = TermFactory(
        institute=ptb, proposer=proposer, twa=area if twa else None, state=state, decider=staff
    )
    people = {
        "anonymous": AnonymousUser(),
        "plain_user": UserFactory(),
        "proposer": proposer,
        "colleague": _member(ptb),
        "other_member": _member(other),
        "coordinator": coordinator,
        "conflicted_coordinator": conflicted,
        "other_twa_coordinator": elsewhere,
        "staff": staff,
        "conflicted_staff": _member(ptb, StaffFactory()),
    }
    successor = TermFactory(state=S.AGREED, decider=staff)
    return {"term": term, "successor": successor, "people": people}


def test_the_table_under_test_is_the_registered_one():
    registered = set(workflow.engine.workflow_for(Term).actions) - {"create"}
    assert registered == set(TERM_TABLE)


def _footprint(term):
    return (
        Term.objects.get(pk=term.pk).status,
        WorkflowEvent.objects.count(),
        Notification.objects.count(),
    )


def _last_pk(model):
    return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _run(world, action, actor):
    term = world["term"]
    if action == "supersede":
        return services.term_supersede(actor=actor, term=term, successor=world["successor"])
    return services.term_transition(actor=actor, term=term, action=action, comment="Because.")


@pytest.fixture(scope="class", params=S.values)
def _world(request, django_db_setup, django_db_blocker):
    with shared_data(django_db_blocker):
        yield cast(request.param)


@pytest.fixture
def world(_world, db):
    return copy.deepcopy(_world)


class TestTermTable:
    """Each state's world serves all the actions tried from it."""

    @pytest.mark.parametrize("action", sorted(TERM_TABLE))
    def test_every_state_action_and_role_of_the_term_table(self, world, action):
        sources, allowed_roles, target = TERM_TABLE[action]
        term = world["term"]
        for role in ROLES:
            allowed = term.status in sources and role in allowed_roles
            actor = world["people"][role]
            with transaction.atomic():
                status, _events, _notifications = before = _footprint(term)
                last_event = _last_pk(WorkflowEvent)
                last_notification = _last_pk(Notification)
                if allowed:
                    moved = _run(world, action, actor)
                    assert moved.status == target, role
                    new = list(WorkflowEvent.objects.filter(pk__gt=last_event))
                    assert [(e.action, e.from_state, e.to_state) for e in new] == [
                        (action, status, target)
                    ], role
                    assert new[0].actor == actor, role
                    assert not Notification.objects.filter(
                        recipient=actor, pk__gt=last_notification
                    ).exists(), f"{role} was notified of their own move"
                else:
                    # A role without the permission is denied; with it, from another state,
                    # the table refuses (the engine reads the state first, so an unlisted
                    # state is a validation error for everyone).
                    may = role in allowed_roles
                    if action == "supersede":
                        refusal = ValidationError if may else PermissionDenied
                    else:
                        refusal = PermissionDenied if term.status in sources else ValidationError
                    with pytest.raises(refusal):
                        _run(world, action, actor)
                    assert _footprint(term) == before, role
                    assert Term.objects.get(pk=term.pk).superseded_by_id is None or (
                        term.status == S.SUPERSEDED
                    ), role
                transaction.set_rollback(True)


@pytest.mark.parametrize("role", ROLES)
def test_any_coordinator_decides_on_a_term_of_no_working_area(role):
    world = cast(S.PROPOSED, twa=False)
    actor = world["people"][role]
    allowed = role in {"coordinator", "other_twa_coordinator", "staff"}
    if allowed:
        term = services.term_transition(actor=actor, term=world["term"], action="agree")
        assert term.status == S.AGREED
    else:
        with pytest.raises(PermissionDenied):
            services.term_transition(actor=actor, term=world["term"], action="agree")
        assert Term.objects.get(pk=world["term"].pk).status == S.PROPOSED


def test_a_rejection_needs_a_comment():
    world = cast(S.PROPOSED)
    with pytest.raises(ValidationError) as error:
        services.term_transition(
            actor=world["people"]["coordinator"], term=world["term"], action="reject"
        )
    assert "comment" in error.value.message_dict
    assert Term.objects.get(pk=world["term"].pk).status == S.PROPOSED


def test_a_term_is_superseded_only_by_another_agreed_term():
    world = cast(S.AGREED)
    coordinator, term = world["people"]["coordinator"], world["term"]
    proposal = TermFactory()
    for successor in (term, proposal):
        with pytest.raises(ValidationError):
            services.term_supersede(actor=coordinator, term=term, successor=successor)
    stored = Term.objects.get(pk=term.pk)
    assert (stored.status, stored.superseded_by_id) == (S.AGREED, None)
    with pytest.raises(ValidationError):
        services.term_transition(actor=coordinator, term=term, action="supersede")


def test_agreeing_stamps_the_time_and_superseding_links_the_successor():
    world = cast(S.PROPOSED)
    coordinator = world["people"]["coordinator"]
    term = services.term_transition(actor=coordinator, term=world["term"], action="agree")
    assert term.agreed_at is not None
    term = services.term_supersede(actor=coordinator, term=term, successor=world["successor"])
    assert (term.status, term.superseded_by) == (S.SUPERSEDED, world["successor"])
