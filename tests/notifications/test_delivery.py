"""Delivery through a real Celery worker: Redis when REDIS_URL is set, else in-memory transport."""

import time
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone

from nmiq_portal.notifications import services, tasks
from nmiq_portal.notifications.enums import EmailState
from nmiq_portal.notifications.models import OutgoingEmail
from nmiq_portal.notifications.registry import NotificationType, register
from tests.conftest import running_worker
from tests.factories import UserFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

DELIVERED = register(NotificationType(key="tests.delivered", title="%(what)s is ready"))


def test_worker_delivers_a_notification_email_after_commit(celery_worker, task_waiter):
    user = UserFactory()
    with transaction.atomic():
        services.notify(recipient=user, verb=DELIVERED.key, data={"what": "Your report"})
        assert OutgoingEmail.objects.get().state == EmailState.PENDING
    task_waiter.wait_for(tasks.deliver_email.name)
    assert [message.subject for message in mail.outbox] == ["[NMI-Q] Your report is ready"]
    assert OutgoingEmail.objects.get().state == EmailState.SENT


def test_rolled_back_change_sends_nothing_through_the_worker(celery_worker, task_waiter):
    user = UserFactory()

    def failing_change():
        with transaction.atomic():
            services.notify(recipient=user, verb=DELIVERED.key, data={"what": "A draft"})
            raise RuntimeError("the change that caused it failed")

    with pytest.raises(RuntimeError):
        failing_change()
    services.email_enqueue(to="marker@example.org", subject="Marker", body="Sent after.")
    task_waiter.wait_for(tasks.deliver_email.name)
    assert [message.to for message in mail.outbox] == [["marker@example.org"]]
    assert OutgoingEmail.objects.count() == 1


def test_nothing_is_lost_while_the_broker_is_down(broker, task_waiter):
    user = UserFactory()
    broker.stop()

    started = time.monotonic()
    with transaction.atomic():
        services.notify(recipient=user, verb=DELIVERED.key, data={"what": "The comparison"})
    assert time.monotonic() - started < 10, "a dead broker must not hang the request"
    message = OutgoingEmail.objects.get()
    assert message.state == EmailState.PENDING
    assert mail.outbox == []

    broker.start()
    with (
        time_machine.travel(timezone.now() + timedelta(minutes=2)),
        running_worker(),
    ):
        tasks.deliver_pending_emails.delay()
        task_waiter.wait_for(tasks.deliver_pending_emails.name)

    message.refresh_from_db()
    assert message.state == EmailState.SENT
    assert [m.subject for m in mail.outbox] == ["[NMI-Q] The comparison is ready"]
