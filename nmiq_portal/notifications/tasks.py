"""Celery tasks of the notification system: thin, idempotent, safe to run twice."""

from celery import shared_task

from . import services


@shared_task(bind=True, acks_late=True, max_retries=None)
def deliver_email(self, message_id: int) -> bool:
    """Send one e-mail of the outbox; on a mail-server failure retry with backoff.

    The outbox row counts the attempts and gives up after MAX_EMAIL_ATTEMPTS, so the retries
    here are unbounded on purpose.
    """
    try:
        return services.email_send(message_id=message_id)
    except services.DeliveryFailed as failure:
        if self.request.is_eager:
            return False  # in-process: no worker to wait on; the sweeper retries it
        raise self.retry(countdown=failure.retry_in.total_seconds()) from failure


@shared_task(acks_late=True)
def deliver_pending_emails() -> int:
    """Sweep the outbox: send what was never handed to a worker (broker down) or is due again."""
    return services.pending_email_sweep()


@shared_task(acks_late=True)
def send_daily_digests() -> int:
    """Send each daily-digest reader one e-mail with what waited for them."""
    return services.digest_send_all()
