import smtplib
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from nmiq_portal.notifications import services
from nmiq_portal.notifications.enums import Delivery, EmailState, NotificationEmail
from nmiq_portal.notifications.models import Notification, OutgoingEmail
from nmiq_portal.notifications.registry import NotificationType, register
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TEST_TYPE = register(
    NotificationType(
        key="tests.something_happened",
        title="%(what)s happened to %(where)s",
        body="Details: %(what)s.",
    )
)


def notify(recipient, **data):
    return services.notify(
        recipient=recipient,
        verb=TEST_TYPE.key,
        data={"what": "A calibration", "where": "NPL", **data},
        url="/institutes/npl/",
    )


def test_immediate_preference_queues_one_email_after_commit(django_capture_on_commit_callbacks):
    user = UserFactory(notification_delivery=Delivery.IMMEDIATE)
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(user)
    assert notification.email == NotificationEmail.QUEUED
    assert notification.title == "A calibration happened to NPL"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject == "[NMI-Q] A calibration happened to NPL"
    assert "http://127.0.0.1:8000/institutes/npl/" in message.body
    assert "Details: A calibration." in message.body
    assert message.alternatives[0][1] == "text/html"
    assert OutgoingEmail.objects.get().state == EmailState.SENT


def test_nothing_is_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    user = UserFactory()

    def failing_change():
        with transaction.atomic():
            notify(user)
            raise RuntimeError("the change that caused it failed")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        failing_change()
    assert callbacks == []
    assert not Notification.objects.exists()
    assert not OutgoingEmail.objects.exists()
    assert mail.outbox == []


def test_daily_preference_waits_for_the_digest(django_capture_on_commit_callbacks):
    user = UserFactory(notification_delivery=Delivery.DAILY)
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(user)
    assert notification.email == NotificationEmail.DIGEST
    assert mail.outbox == []


def test_off_preference_keeps_it_in_the_inbox_only(django_capture_on_commit_callbacks):
    user = UserFactory(notification_delivery=Delivery.OFF)
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(user)
    assert notification.email == NotificationEmail.NONE
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=user, read_at__isnull=True).count() == 1


def test_inactive_people_get_no_email(django_capture_on_commit_callbacks):
    user = UserFactory(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify(user)
    assert mail.outbox == []


def test_unregistered_type_is_refused():
    with pytest.raises(ValueError, match="Unknown notification type"):
        services.notify(recipient=UserFactory(), verb="tests.never_registered")


def test_email_is_rendered_in_the_recipients_language(django_capture_on_commit_callbacks):
    user = UserFactory(language="fr", name="Marie Curie")
    with django_capture_on_commit_callbacks(execute=True):
        notify(user)
    assert mail.outbox[0].body.startswith("Bonjour Marie,")


def test_old_rows_missing_data_render_without_crashing():
    user = UserFactory()
    notification = Notification.objects.create(recipient=user, verb=TEST_TYPE.key, data={})
    assert notification.title == "… happened to …"
    unknown = Notification.objects.create(recipient=user, verb="gone.app_type", data={})
    assert unknown.title == "A notification"


def test_digest_gathers_everything_waiting_into_one_email(django_capture_on_commit_callbacks):
    reader = UserFactory(notification_delivery=Delivery.DAILY)
    other = UserFactory(notification_delivery=Delivery.DAILY)
    with django_capture_on_commit_callbacks(execute=True):
        notify(reader, what="A comparison")
        notify(reader, what="A round robin")
        notify(other)
    with (
        time_machine.travel(timezone.now() + timedelta(hours=20)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sent = services.digest_send_all()
    assert sent == 2
    digest = next(message for message in mail.outbox if message.to == [reader.email])
    assert digest.subject == "[NMI-Q] Your daily digest: 2 notifications"
    assert "A comparison happened to NPL" in digest.body
    assert "A round robin happened to NPL" in digest.body
    assert not Notification.objects.filter(email=NotificationEmail.DIGEST).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.digest_send_all() == 0
    assert len(mail.outbox) == 2


def test_an_email_is_sent_at_most_once():
    message = services.email_enqueue(to="a@example.org", subject="Hello", body="Body")
    assert services.email_send(message_id=message.pk) is True
    assert services.email_send(message_id=message.pk) is False
    assert len(mail.outbox) == 1


def test_mail_server_failure_is_recorded_and_retried_with_backoff(monkeypatch):
    message = services.email_enqueue(to="a@example.org", subject="Hello", body="Body")

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("connection unexpectedly closed")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        with pytest.raises(services.DeliveryFailed) as failure:
            services.email_send(message_id=message.pk)
        assert failure.value.retry_in == timedelta(minutes=1)
        message.refresh_from_db()
        assert message.state == EmailState.PENDING
        assert message.attempts == 1
        assert message.next_attempt_at == now + timedelta(minutes=1)
        assert "SMTPServerDisconnected" in message.last_error
        with pytest.raises(services.DeliveryFailed) as failure:
            services.email_send(message_id=message.pk)
        assert failure.value.retry_in == timedelta(minutes=2)


def test_mail_server_failure_gives_up_after_the_last_attempt(monkeypatch):
    message = services.email_enqueue(to="a@example.org", subject="Hello", body="Body")
    OutgoingEmail.objects.filter(pk=message.pk).update(attempts=services.MAX_EMAIL_ATTEMPTS - 1)

    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    assert services.email_send(message_id=message.pk) is False
    message.refresh_from_db()
    assert message.state == EmailState.FAILED
    assert services.pending_email_ids() == []


def test_sweeper_sends_what_was_never_handed_to_a_worker():
    fresh = services.email_enqueue(to="fresh@example.org", subject="Fresh", body="Body")
    stale = services.email_enqueue(to="stale@example.org", subject="Stale", body="Body")
    OutgoingEmail.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - timedelta(minutes=5)
    )
    assert services.pending_email_ids() == [stale.pk]
    assert services.pending_email_sweep() == 1
    assert [message.to for message in mail.outbox] == [["stale@example.org"]]
    fresh.refresh_from_db()
    assert fresh.state == EmailState.PENDING


def test_sweeper_retries_only_when_the_backoff_has_passed():
    message = services.email_enqueue(to="a@example.org", subject="Hello", body="Body")
    later = timezone.now() + timedelta(minutes=4)
    OutgoingEmail.objects.filter(pk=message.pk).update(attempts=3, next_attempt_at=later)
    assert services.pending_email_ids() == []
    with time_machine.travel(later + timedelta(seconds=1)):
        assert services.pending_email_ids() == [message.pk]


def test_people_mark_only_their_own_notifications_read():
    owner, other = UserFactory(), UserFactory()
    notification = Notification.objects.create(recipient=owner, verb=TEST_TYPE.key)
    with pytest.raises(PermissionDenied):
        services.notification_mark_read(actor=other, notification=notification)
    services.notification_mark_read(actor=owner, notification=notification)
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_all_read_touches_only_the_actors_notifications():
    owner, other = UserFactory(), UserFactory()
    for _ in range(3):
        Notification.objects.create(recipient=owner, verb=TEST_TYPE.key)
    Notification.objects.create(recipient=other, verb=TEST_TYPE.key)
    assert services.notification_mark_all_read(actor=owner) == 3
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).count() == 1
