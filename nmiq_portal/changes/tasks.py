"""Celery tasks of the change feed."""

from celery import shared_task

from . import compaction


@shared_task(acks_late=True)
def compact_change_feed() -> int:
    """Delete the events that later events of the same objects supersede."""
    return compaction.compact()
