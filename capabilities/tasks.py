"""Celery tasks of the directory: thin, repeatable, each loads by id and calls a service."""

from celery import shared_task

from . import services
from .models import ImportJob


@shared_task(acks_late=True)
def remind_unanswered_access_requests() -> int:
    """Daily: remind the contacts of access requests left unanswered (once each)."""
    return services.access_request_remind_all()


@shared_task(acks_late=True)
def expire_held_access_requests() -> int:
    """Drop the access requests held for addresses never confirmed."""
    return services.held_access_requests_expire()


@shared_task(acks_late=True)
def send_saved_search_alerts() -> int:
    """Daily: e-mail each saved search's owner what newly matches it."""
    return services.saved_search_alert_all()


@shared_task(acks_late=True)
def apply_import(job_id: int) -> str:
    """Apply one checked import (all rows or none); a job already applied is left alone."""
    job = ImportJob.objects.filter(pk=job_id).first()
    return services.import_apply(job=job).status if job is not None else "gone"


@shared_task(acks_late=True)
def sweep_imports() -> int:
    """Queue again the imports a broker outage left waiting."""
    return services.import_sweep()


@shared_task(acks_late=True)
def refresh_search_words() -> int:
    """After a record changed: the words "did you mean" suggests from, read again."""
    return services.search_words_refresh()
