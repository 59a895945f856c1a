"""Every (state, action, role) of the guide version table: allowed moves move and record one
event; everything else is refused and changes nothing. Publishing supersedes the version
published before, by an engine move with an event of its own."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from nmiq_portal import workflow
from nmiq_portal.notifications.models import Notification, OutgoingEmail
from nmiq_portal.workflow.models import WorkflowEvent
from outputs import services
from outputs.enums import GuideVersionStatus
from outputs.models import GuideVersion
from outputs.workflows import PORTAL
from tests.factories import GuideVersionFactory
from tests.outputs.guides_world import GUIDE_ROLES, guide_media, guide_world  # noqa: F401
from tests.support import shared_data

pytestmark = pytest.mark.django_db

S = GuideVersionStatus
REVIEWERS = {"coordinator", "staff"}
INSTITUTE = {"author", "colleague", "conflicted coordinator"}

#: The contract, written out by hand (not read from outputs/workflows.py):
#: action → (states it leaves, roles allowed, state it reaches).
GUIDE_VERSION_TABLE = {
    "submit": ({S.DRAFT}, {"author", "staff"}, S.IN_REVIEW),
    "send_back": ({S.IN_REVIEW}, REVIEWERS, S.DRAFT),
    "publish": ({S.IN_REVIEW}, REVIEWERS, S.PUBLISHED),
    # Nobody: the portal supersedes (see the tests below).
    "supersede": ({S.PUBLISHED}, set(), S.SUPERSEDED),
    "withdraw": ({S.PUBLISHED}, REVIEWERS | INSTITUTE, S.WITHDRAWN),
}


def test_the_table_under_test_is_the_registered_one():
    registered = set(workflow.engine.workflow_for(GuideVersion).actions) - {"create"}
    assert registered == set(GUIDE_VERSION_TABLE)


def _footprint(version):
    return (
        GuideVersion.objects.get(pk=version.pk).status,
        WorkflowEvent.objects.count(),
        Notification.objects.count(),
        OutgoingEmail.objects.count(),
    )


def _last_pk(model):
    return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.fixture(scope="class", params=S.values)
def _world(request, django_db_setup, django_db_blocker, guide_media):  # noqa: F811
    with shared_data(django_db_blocker):
        yield guide_world(request.param)


@pytest.fixture
def world(_world, db):
    return _world.copy()


class TestGuideVersionTable:
    @pytest.mark.parametrize("action", sorted(GUIDE_VERSION_TABLE))
    def test_every_state_action_and_role_of_the_guide_version_table(self, world, action):
        sources, allowed_roles, target = GUIDE_VERSION_TABLE[action]
        version = world.version
        for role in GUIDE_ROLES:
            allowed = version.status in sources and role in allowed_roles
            actor = world[role]
            with transaction.atomic():
                status, events, notifications, emails = _footprint(version)
                last_notification, last_event = _last_pk(Notification), _last_pk(WorkflowEvent)
                if allowed:
                    moved = workflow.transition(version, action, actor=actor, comment="Because.")
                    assert moved.status == target, role
                    assert GuideVersion.objects.get(pk=version.pk).status == target, role
                    new = list(WorkflowEvent.objects.filter(pk__gt=last_event))
                    assert [(e.action, e.from_state, e.to_state) for e in new] == [
                        (action, status, target)
                    ], role
                    assert new[0].actor == actor, role
                    assert not Notification.objects.filter(
                        recipient=actor, pk__gt=last_notification
                    ).exists(), f"{role} was notified of their own move"
                else:
                    refusal = PermissionDenied if version.status in sources else ValidationError
                    with pytest.raises(refusal):
                        workflow.transition(version, action, actor=actor, comment="Because.")
                    assert _footprint(version) == (status, events, notifications, emails), role
                transaction.set_rollback(True)


def test_publishing_a_later_version_supersedes_the_published_one_with_an_event():
    first = GuideVersionFactory(state=S.PUBLISHED, number="1.0.0")
    second = GuideVersionFactory(
        guide=first.guide, author=first.author, state=S.IN_REVIEW, number="1.1.0"
    )
    coordinator = first.reviewer
    services.guide_version_transition(actor=coordinator, guide_version=second, action="publish")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (S.SUPERSEDED, S.PUBLISHED)
    event = workflow.events_for(first).last()
    assert (event.action, event.from_state, event.to_state, event.actor) == (
        "supersede",
        S.PUBLISHED,
        S.SUPERSEDED,
        None,
    )
    assert "1.1.0" in event.comment


def test_only_the_portal_may_supersede():
    version = GuideVersionFactory(state=S.PUBLISHED)
    offered = [action.name for action in workflow.available_actions(version, version.reviewer)]
    assert offered == ["withdraw"]
    moved = workflow.transition(version, "supersede", actor=PORTAL)
    assert moved.status == S.SUPERSEDED


def test_an_earlier_version_is_not_published_over_a_later_one():
    later = GuideVersionFactory(state=S.PUBLISHED, number="2.0.0")
    earlier = GuideVersionFactory(
        guide=later.guide, author=later.author, state=S.IN_REVIEW, number="1.5.0"
    )
    with pytest.raises(ValidationError, match=r"2\.0\.0"):
        services.guide_version_transition(
            actor=later.reviewer, guide_version=earlier, action="publish"
        )
    earlier.refresh_from_db()
    assert earlier.status == S.IN_REVIEW


def test_supersede_is_not_an_action_people_run():
    version = GuideVersionFactory(state=S.PUBLISHED)
    with pytest.raises(ValidationError):
        services.guide_version_transition(
            actor=version.reviewer, guide_version=version, action="supersede"
        )


def test_withdrawing_needs_a_reason_and_keeps_it():
    version = GuideVersionFactory(state=S.PUBLISHED)
    with pytest.raises(ValidationError) as refused:
        services.guide_version_transition(
            actor=version.reviewer, guide_version=version, action="withdraw"
        )
    assert "comment" in refused.value.message_dict
    moved = services.guide_version_transition(
        actor=version.reviewer,
        guide_version=version,
        action="withdraw",
        comment="An error in the uncertainty budget of section 4.",
    )
    assert moved.status == S.WITHDRAWN
    assert GuideVersion.objects.get(pk=version.pk).withdrawal_reason.startswith("An error")
