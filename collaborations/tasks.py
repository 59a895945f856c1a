"""Celery tasks of the collaborations: thin, repeatable; each calls one service."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def remind_overdue_reviews() -> int:
    """Daily: remind the coordinators of proposals waiting past PROPOSAL_REVIEW_DAYS."""
    return services.project_review_remind_all()


@shared_task(acks_late=True)
def remind_due_deliverables() -> int:
    """Daily: remind lead institutes of deliverables due within DELIVERABLE_REMINDER_DAYS."""
    return services.deliverable_remind_all()


@shared_task(acks_late=True)
def send_review_digests() -> int:
    """Weekly: e-mail each coordinator their review queue."""
    return services.review_digest_send_all()


@shared_task(acks_late=True)
def remind_unanswered_needs() -> int:
    """Daily: remind coordinators of industry needs unanswered after NEEDS_REMINDER_DAYS."""
    return services.need_remind_all()
