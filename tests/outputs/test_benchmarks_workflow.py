"""Every (state, action, role) of the benchmark result table: allowed moves move and record one
event; everything else is refused and changes nothing. And who may see a result in each state."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from nmiq_portal import workflow
from nmiq_portal.notifications.models import Notification, OutgoingEmail
from nmiq_portal.workflow.models import WorkflowEvent
from outputs import services
from outputs.enums import ResultStatus
from outputs.models import BenchmarkResult
from tests.outputs.benchmarks_world import AUTHORS, RESULT_ROLES, REVIEWERS, result_world
from tests.support import shared_data

pytestmark = pytest.mark.django_db

S = ResultStatus

#: The contract, written out by hand (not read from outputs/workflows.py):
#: action → (states it leaves, roles allowed, state it reaches).
RESULT_TABLE = {
    "submit": ({S.DRAFT}, AUTHORS, S.IN_REVIEW),
    "send_back": ({S.IN_REVIEW}, REVIEWERS, S.DRAFT),
    "publish": ({S.IN_REVIEW}, REVIEWERS, S.PUBLISHED),
    "withdraw": ({S.PUBLISHED}, REVIEWERS | AUTHORS, S.WITHDRAWN),
}
#: Who sees a result in each state (page, API, chart: the same rule).
SEEN_BY = {
    S.DRAFT: AUTHORS | {"staff"},
    S.IN_REVIEW: AUTHORS | REVIEWERS,
    S.PUBLISHED: set(RESULT_ROLES),
    S.WITHDRAWN: AUTHORS | {"staff"},
}


def test_the_table_under_test_is_the_registered_one():
    registered = set(workflow.engine.workflow_for(BenchmarkResult).actions) - {"create"}
    assert registered == set(RESULT_TABLE)


def _footprint(result):
    return (
        BenchmarkResult.objects.get(pk=result.pk).status,
        WorkflowEvent.objects.count(),
        Notification.objects.count(),
        OutgoingEmail.objects.count(),
    )


def _last_pk(model):
    return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.fixture(scope="class", params=S.values)
def _world(request, django_db_setup, django_db_blocker):
    with shared_data(django_db_blocker):
        yield result_world(request.param)


@pytest.fixture
def world(_world, db):
    return _world.copy()


class TestResultTable:
    @pytest.mark.parametrize("action", sorted(RESULT_TABLE))
    def test_every_state_action_and_role_of_the_result_table(self, world, action):
        sources, allowed_roles, target = RESULT_TABLE[action]
        result = world.result
        for role in RESULT_ROLES:
            allowed = result.status in sources and role in allowed_roles
            actor = world[role]
            with transaction.atomic():
                status, events, notifications, emails = _footprint(result)
                last_notification, last_event = _last_pk(Notification), _last_pk(WorkflowEvent)
                if allowed:
                    moved = workflow.transition(result, action, actor=actor, comment="Because.")
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
                    refusal = PermissionDenied if result.status in sources else ValidationError
                    with pytest.raises(refusal):
                        workflow.transition(result, action, actor=actor, comment="Because.")
                    assert _footprint(result) == (status, events, notifications, emails), role
                transaction.set_rollback(True)

    def test_who_sees_the_result_in_this_state(self, world):
        from django.contrib.auth.models import AnonymousUser

        for role in RESULT_ROLES:
            user = world[role] or AnonymousUser()
            seen = BenchmarkResult.objects.visible_to(user).filter(pk=world.result.pk).exists()
            assert seen == (role in SEEN_BY[world.result.status]), role
            assert user.has_perm("outputs.view_benchmark_result", world.result) == seen, role


def test_withdrawing_needs_a_reason_and_keeps_it():
    world = result_world(S.PUBLISHED)
    with pytest.raises(ValidationError) as refused:
        services.benchmark_result_transition(
            actor=world["coordinator"], result=world.result, action="withdraw"
        )
    assert "comment" in refused.value.message_dict
    moved = services.benchmark_result_transition(
        actor=world["author"],
        result=world.result,
        action="withdraw",
        comment="The cryostat's thermometer was out of calibration.",
    )
    assert moved.status == S.WITHDRAWN
    assert BenchmarkResult.objects.get(pk=moved.pk).withdrawal_reason.startswith("The cryostat")


def test_submitting_tells_the_unconflicted_reviewers_and_publishing_tells_the_institute():
    world = result_world(S.DRAFT)
    result = services.benchmark_result_transition(
        actor=world["author"], result=world.result, action="submit"
    )
    told = set(Notification.objects.values_list("recipient__name", flat=True))
    assert told == {"Cora Coordinator"}
    Notification.objects.all().delete()
    services.benchmark_result_transition(
        actor=world["coordinator"], result=result, action="publish"
    )
    told = set(Notification.objects.values_list("recipient_id", flat=True))
    assert told == {world["author"].pk, world["colleague"].pk, world["conflicted coordinator"].pk}
