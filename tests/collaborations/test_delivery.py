"""Notifications of project moves reach people through a real Celery worker, after the commit;
a move that is rolled back sends nothing."""

import pytest
from django.core import mail
from django.db import transaction

from collaborations import services
from collaborations.enums import ProjectStatus
from nmiq_portal.notifications import tasks
from nmiq_portal.notifications.enums import EmailState
from nmiq_portal.notifications.models import Notification, OutgoingEmail
from nmiq_portal.notifications.services import email_enqueue
from tests.collaborations.factories import cast
from tests.factories import InstituteFactory, UserFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scene(transactional_db):
    """A proposal in review, made (in-process) before the worker starts."""
    scene = cast(ProjectStatus.IN_REVIEW)
    mail.outbox.clear()
    return scene


def emails_since(pk: int):
    return OutgoingEmail.objects.filter(pk__gt=pk).order_by("pk")


def last_email_pk() -> int:
    return OutgoingEmail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_a_decision_is_emailed_by_the_worker_after_commit(scene, celery_worker, task_waiter):
    start = last_email_pk()
    with transaction.atomic():
        services.project_transition(
            actor=scene["coordinator"], project=scene.project, action="approve", comment="Approved."
        )
        queued = list(emails_since(start))
        assert queued
        assert {message.state for message in queued} == {EmailState.PENDING}
    task_waiter.wait_for(tasks.deliver_email.name, count=len(queued))

    told = {"proposer", "lead_editor", "partner_member", "conflicted_coordinator"}
    expected = sorted(scene[role].email for role in told)
    assert sorted(address for message in mail.outbox for address in message.to) == expected
    assert all("is approved" in message.subject for message in mail.outbox)
    assert set(emails_since(start).values_list("state", flat=True)) == {EmailState.SENT}
    recipients = Notification.objects.filter(verb="collaborations.project_approved")
    assert sorted(recipients.values_list("recipient__email", flat=True)) == expected


def test_an_invitation_reaches_the_invited_institute_through_the_worker(
    scene, celery_worker, task_waiter
):
    invited = InstituteFactory(acronym="INV")
    person = UserFactory()
    invited.memberships.create(user=person, role="editor")
    services.participation_invite(actor=scene["proposer"], project=scene.project, institute=invited)
    task_waiter.wait_for(tasks.deliver_email.name)
    (message,) = mail.outbox
    assert message.to == [person.email]
    assert "INV is invited to join" in message.subject


def test_a_rolled_back_move_sends_nothing_through_the_worker(scene, celery_worker, task_waiter):
    start = last_email_pk()

    def failing_decision():
        with transaction.atomic():
            services.project_transition(
                actor=scene["coordinator"],
                project=scene.project,
                action="approve",
                comment="Approved.",
            )
            raise RuntimeError("what followed the decision failed")

    with pytest.raises(RuntimeError):
        failing_decision()
    email_enqueue(to="marker@example.org", subject="Marker", body="Sent after.")
    task_waiter.wait_for(tasks.deliver_email.name)
    assert [message.to for message in mail.outbox] == [["marker@example.org"]]
    assert list(emails_since(start).values_list("to", flat=True)) == ["marker@example.org"]
    assert not Notification.objects.filter(verb="collaborations.project_approved").exists()
    scene.project.refresh_from_db()
    assert scene.project.status == ProjectStatus.IN_REVIEW
