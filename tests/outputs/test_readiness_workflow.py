"""Every (state, action, role) of the assessment table: allowed moves move and record one event;
everything else is refused and changes nothing. Nobody of the author's institute decides."""

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
from outputs.enums import AssessmentStatus
from outputs.models import ReadinessAssessment
from tests.collaborations.factories import TechnicalWorkingAreaFactory
from tests.factories import AssessmentFactory, InstituteFactory, StaffFactory, UserFactory
from tests.support import shared_data

pytestmark = pytest.mark.django_db

S = AssessmentStatus
REVIEWERS = {"coordinator", "staff"}
UNPUBLISHED = (S.DRAFT, S.IN_REVIEW, S.RETURNED)

#: The contract, written out by hand (not read from outputs/workflows.py):
#: action → (state it reaches, {state it leaves: roles allowed from there}).
ASSESSMENT_TABLE = {
    "submit": (S.IN_REVIEW, {S.DRAFT: {"author"}, S.RETURNED: {"author"}}),
    "publish": (S.PUBLISHED, {S.IN_REVIEW: REVIEWERS}),
    "return": (S.RETURNED, {S.IN_REVIEW: REVIEWERS}),
    "withdraw": (
        S.WITHDRAWN,
        {**{state: {"author"} for state in UNPUBLISHED}, S.PUBLISHED: REVIEWERS},
    ),
}

ROLES = (
    "anonymous",
    "plain_user",
    "author",
    "colleague",
    "conflicted_coordinator",
    "coordinator",
    "other_twa_coordinator",
    "other_member",
    "staff",
    "conflicted_staff",
)


def _member(institute, user=None):
    user = user or UserFactory()
    Membership.objects.create(user=user, institute=institute, role=MemberRole.EDITOR)
    return user


def cast(state):
    """An assessment by a coordinator of PTB in ``state``, and a person per role: a colleague
    at PTB, a coordinator of the working area from PTB (conflicted) and one from elsewhere, a
    coordinator of another working area, a member of another institute, staff, staff who belong
    to PTB, a signed-in user with no institute, an anonymous visitor."""
    ptb, other = InstituteFactory(acronym="PTB"), InstituteFactory()
    author, conflicted, coordinator = _member(ptb), _member(ptb), _member(other)
    twa = TechnicalWorkingAreaFactory(coordinators=[conflicted, coordinator])
    elsewhere = _member(other)
    TechnicalWorkingAreaFactory(coordinators=[elsewhere])
    staff = StaffFactory()
    assessment = AssessmentFactory(twa=twa, author=author, reviewer=staff, state=state)
    people = {
        "anonymous": AnonymousUser(),
        "plain_user": UserFactory(),
        "author": author,
        "colleague": _member(ptb),
        "conflicted_coordinator": conflicted,
        "coordinator": coordinator,
        "other_twa_coordinator": elsewhere,
        "other_member": _member(other),
        "staff": staff,
        "conflicted_staff": _member(ptb, StaffFactory()),
    }
    return {"assessment": assessment, "people": people}


def test_the_table_under_test_is_the_registered_one():
    registered = workflow.engine.workflow_for(ReadinessAssessment)
    assert set(registered.actions) - {"create"} == set(ASSESSMENT_TABLE)
    for action, (target, sources) in ASSESSMENT_TABLE.items():
        row = next(row for row in registered.transitions if row.action == action)
        assert (row.target, set(row.sources)) == (target, set(sources))


def _footprint(assessment):
    return (
        ReadinessAssessment.objects.get(pk=assessment.pk).status,
        WorkflowEvent.objects.count(),
        Notification.objects.count(),
    )


def _last_pk(model):
    return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.fixture(scope="class", params=S.values)
def _world(request, django_db_setup, django_db_blocker):
    with shared_data(django_db_blocker):
        yield cast(request.param)


@pytest.fixture
def world(_world, db):
    return copy.deepcopy(_world)


class TestAssessmentTable:
    """Each state's world serves all the actions tried from it."""

    @pytest.mark.parametrize("action", sorted(ASSESSMENT_TABLE))
    def test_every_state_action_and_role_of_the_assessment_table(self, world, action):
        target, sources = ASSESSMENT_TABLE[action]
        assessment = world["assessment"]
        for role in ROLES:
            allowed = role in sources.get(assessment.status, ())
            actor = world["people"][role]
            with transaction.atomic():
                status, _events, _notifications = before = _footprint(assessment)
                last_event = _last_pk(WorkflowEvent)
                last_notification = _last_pk(Notification)
                run = {
                    "actor": actor,
                    "assessment": assessment,
                    "action": action,
                    "comment": "Because.",
                }
                if allowed:
                    moved = services.assessment_transition(**run)
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
                    # From a state the row does not leave, the engine refuses everyone with a
                    # validation error; from one it leaves, a role without the permission is
                    # denied.
                    refusal = PermissionDenied if assessment.status in sources else ValidationError
                    with pytest.raises(refusal):
                        services.assessment_transition(**run)
                    assert _footprint(assessment) == before, role
                transaction.set_rollback(True)


def test_returning_needs_a_comment_and_resubmitting_goes_back_to_review():
    world = cast(S.IN_REVIEW)
    coordinator, assessment = world["people"]["coordinator"], world["assessment"]
    with pytest.raises(ValidationError) as error:
        services.assessment_transition(actor=coordinator, assessment=assessment, action="return")
    assert "comment" in error.value.message_dict
    returned = services.assessment_transition(
        actor=coordinator, assessment=assessment, action="return", comment="Cite the comparison."
    )
    again = services.assessment_transition(
        actor=world["people"]["author"], assessment=returned, action="submit"
    )
    assert again.status == S.IN_REVIEW


def test_a_submission_reaches_reviewers_outside_the_authors_institute_a_decision_the_author():
    world = cast(S.DRAFT)
    people, assessment = world["people"], world["assessment"]
    assessment = services.assessment_transition(
        actor=people["author"], assessment=assessment, action="submit"
    )
    told = set(
        Notification.objects.filter(verb="outputs.assessment_submitted").values_list(
            "recipient", flat=True
        )
    )
    assert told == {people["coordinator"].pk}
    services.assessment_transition(
        actor=people["coordinator"], assessment=assessment, action="publish"
    )
    published = Notification.objects.get(verb="outputs.assessment_published")
    assert published.recipient == people["author"]


def test_publishing_stamps_the_time_and_earlier_published_ones_stay_published():
    world = cast(S.PUBLISHED)
    people, first = world["people"], world["assessment"]
    second = AssessmentFactory(
        twa=first.twa, author=people["author"], reviewer=people["coordinator"], state=S.PUBLISHED
    )
    assert second.published_at is not None
    assert set(ReadinessAssessment.objects.public()) == {first, second}
