"""Writes of the notification system: notify someone, put an e-mail in the outbox, send it."""

import logging
import smtplib
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.template.loader import render_to_string
from django.utils import timezone, translation

from nmiq_portal.core import user_facts
from nmiq_portal.core.permissions import require
from nmiq_portal.core.queue import enqueue_on_commit

from . import tasks
from .enums import Delivery, EmailState, NotificationEmail
from .models import Notification, OutgoingEmail
from .registry import is_registered, notification_type

logger = logging.getLogger(__name__)

MAX_EMAIL_ATTEMPTS = 8
SWEEP_GRACE = timedelta(minutes=1)


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}" if path.startswith("/") else path


def email_enqueue(*, to: str, subject: str, body: str, html_body: str = "") -> OutgoingEmail:
    """Put a rendered e-mail in the outbox; Celery sends it once the transaction commits."""
    message = OutgoingEmail.objects.create(
        to=to, subject=subject[:255], body=body, html_body=html_body
    )
    enqueue_on_commit(tasks.deliver_email, message.pk)
    return message


def email_render_enqueue(*, to: str, template: str, context: dict, language: str) -> OutgoingEmail:
    """Render an e-mail in ``language`` and put it in the outbox.

    ``template`` names three templates: ``<template>_subject.txt``, ``.txt`` and ``.html``.
    """
    with translation.override(language):
        context = {"site_url": settings.SITE_URL, **context}
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        return email_enqueue(
            to=to,
            subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
            body=render_to_string(f"{template}.txt", context),
            html_body=render_to_string(f"{template}.html", context),
        )


def notify(*, recipient, verb: str, actor=None, target=None, data=None, url: str = ""):
    """Notify ``recipient`` in the current transaction; e-mail them as their preference says.

    Callers must only notify people who may see ``target``: what a notification says reaches
    the inbox and the mailbox with no further check.
    """
    if not is_registered(verb):
        raise ValueError(f"Unknown notification type {verb!r}; register it first.")
    notification = Notification(
        recipient=recipient, actor=actor, verb=verb, data=data or {}, url=url
    )
    if target is not None:
        notification.target = target
    if not recipient.is_active:
        notification.email = NotificationEmail.NONE
    elif recipient.notification_delivery == Delivery.IMMEDIATE:
        ntype = notification_type(verb)
        with translation.override(recipient.language):
            title = ntype.render_title(notification.data)
            body = ntype.render_body(notification.data)
        notification.email = NotificationEmail.QUEUED
        notification.email_message = email_render_enqueue(
            to=recipient.email,
            template="notifications/email/notification",
            context={
                "recipient": recipient,
                "title": title,
                "body": body,
                "link": absolute_url(url) if url else "",
            },
            language=recipient.language,
        )
    elif recipient.notification_delivery == Delivery.DAILY:
        notification.email = NotificationEmail.DIGEST
    else:
        notification.email = NotificationEmail.NONE
    notification.save()
    return notification


def settle(*, target, verbs) -> int:
    """Mark read the unread ``verbs`` notifications about ``target`` (and take them out of the
    digest they wait for): a request for action ("… submitted for review") that someone has
    answered is no longer news to anyone."""
    return Notification.objects.filter(
        target_type=ContentType.objects.get_for_model(target),
        target_id=str(target.pk),
        verb__in=list(verbs),
        read_at__isnull=True,
    ).update(
        read_at=timezone.now(),
        email=Case(
            When(email=NotificationEmail.DIGEST, then=Value(NotificationEmail.NONE)),
            default=F("email"),
        ),
    )


def withdraw(*, target, seen_by) -> int:
    """Take the notifications about ``target`` away from every recipient outside ``seen_by``
    (a queryset of the users who may still see it, e.g. once it is made members-only): out of
    their inbox, out of the digest they wait for, and their own e-mail out of the outbox while
    it is unsent (one sent cannot be recalled). Returns how many were taken away."""
    gone = Notification.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk)
    ).exclude(recipient__in=seen_by)
    OutgoingEmail.objects.filter(
        pk__in=gone.filter(email=NotificationEmail.QUEUED).values("email_message_id"),
        state=EmailState.PENDING,
    ).delete()
    return gone.delete()[0]


def withdraw_unseen(*, user) -> int:
    """Take from ``user`` the notifications about records they may no longer see, once they
    left an institute or it lost its verification: as ``withdraw`` does, out of their inbox,
    their waiting digest and their unsent e-mail. A target is judged by its model's
    ``visible_to(user)``, the door every page reads through; notifications about a model without
    one are kept. One query for the notifications, one per kind of target they name, one to
    withdraw. Returns how many were taken away."""
    by_type = defaultdict(list)
    for pk, type_id, target_id in Notification.objects.filter(
        recipient=user, target_type__isnull=False
    ).values_list("pk", "target_type", "target_id"):
        by_type[type_id].append((pk, target_id))
    unseen = []
    for type_id, about in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        records = model._default_manager.all() if model is not None else None
        if not hasattr(records, "visible_to"):
            continue
        to_python = model._meta.pk.to_python
        seen = records.visible_to(user).filter(pk__in={to_python(target) for _, target in about})
        kept = {str(value) for value in seen.values_list("pk", flat=True)}
        unseen += [pk for pk, target in about if target not in kept]
    if not unseen:
        return 0
    gone = Notification.objects.filter(pk__in=unseen)
    OutgoingEmail.objects.filter(
        pk__in=gone.filter(email=NotificationEmail.QUEUED).values("email_message_id"),
        state=EmailState.PENDING,
    ).delete()
    return gone.delete()[0]


def _retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 1, 2, 4 … minutes, at most 6 hours."""
    return timedelta(minutes=min(2 ** (attempts - 1), 360))


class DeliveryFailed(Exception):
    """Sending failed for a reason worth retrying; the outbox row records it."""

    def __init__(self, retry_in: timedelta):
        super().__init__(f"retry in {retry_in}")
        self.retry_in = retry_in


def email_send(*, message_id: int) -> bool:
    """Send one pending e-mail of the outbox. Safe to call twice: it is sent at most once.

    Returns True when this call sent it. Raises DeliveryFailed when the mail server failed and
    another attempt is due later (recorded on the row, so the sweeper retries it too).
    """
    with transaction.atomic():
        message = (
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, state=EmailState.PENDING)
            .first()
        )
        if message is None:
            return False
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to],
        )
        if message.html_body:
            email.attach_alternative(message.html_body, "text/html")
        try:
            email.send()
        except (smtplib.SMTPException, OSError) as exc:
            message.attempts += 1
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if message.attempts >= MAX_EMAIL_ATTEMPTS:
                message.state = EmailState.FAILED
                message.next_attempt_at = None
                logger.error("Giving up on e-mail %s to %s: %s", message.pk, message.to, exc)
            else:
                message.next_attempt_at = timezone.now() + _retry_delay(message.attempts)
            message.save(update_fields=["attempts", "last_error", "state", "next_attempt_at"])
            failed = message.state == EmailState.PENDING
        else:
            message.state = EmailState.SENT
            message.sent_at = timezone.now()
            message.attempts += 1
            message.save(update_fields=["state", "sent_at", "attempts"])
            return True
    if failed:
        raise DeliveryFailed(retry_in=_retry_delay(message.attempts))
    return False


def pending_email_ids(*, limit: int = 500) -> list[int]:
    """E-mails the sweeper should send now: not handed over in time, or due for a retry."""
    now = timezone.now()
    return list(
        OutgoingEmail.objects.filter(state=EmailState.PENDING)
        .filter(
            Q(next_attempt_at__isnull=True, created_at__lte=now - SWEEP_GRACE)
            | Q(next_attempt_at__lte=now)
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def pending_email_sweep() -> int:
    """Send every e-mail that is overdue in the outbox; returns how many were sent."""
    sent = 0
    for message_id in pending_email_ids():
        try:
            sent += email_send(message_id=message_id)
        except DeliveryFailed:
            continue
    return sent


def digest_send(*, recipient) -> OutgoingEmail | None:
    """Gather ``recipient``'s notifications waiting for the digest into one e-mail."""
    with transaction.atomic():
        waiting = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(recipient=recipient, email=NotificationEmail.DIGEST)
            .order_by("created_at", "pk")
        )
        if not waiting:
            return None
        with translation.override(recipient.language):
            items = [
                {
                    "title": notification_type(n.verb).render_title(n.data),
                    "link": absolute_url(n.url) if n.url else "",
                    "created_at": n.created_at,
                }
                for n in waiting
            ]
        message = email_render_enqueue(
            to=recipient.email,
            template="notifications/email/digest",
            context={"recipient": recipient, "items": items},
            language=recipient.language,
        )
        Notification.objects.filter(pk__in=[n.pk for n in waiting]).update(
            email=NotificationEmail.DIGESTED, email_message=message
        )
        return message


def digest_send_all() -> int:
    """Send the daily digest to everyone who has notifications waiting for it."""
    recipients = (
        get_user_model()
        .objects.filter(
            is_active=True,
            notifications__email=NotificationEmail.DIGEST,
        )
        .distinct()
    )
    return sum(digest_send(recipient=user) is not None for user in recipients)


def notification_mark_read(*, actor, notification: Notification) -> Notification:
    """Mark one of ``actor``'s notifications read."""
    require(actor, "notifications.mark_read", notification)
    user_facts.forget(actor)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notification_mark_all_read(*, actor) -> int:
    """Mark every unread notification of ``actor`` read; returns how many."""
    user_facts.forget(actor)
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
