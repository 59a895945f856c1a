"""Handing work to Celery after the transaction that created it commits."""

import logging

from django.db import transaction
from kombu.exceptions import KombuError

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Queue ``task`` once the current transaction commits; never fail the caller.

    The work a task stands for is always a row written in the same transaction (an outbox), so a
    broker outage only delays it: the periodic sweeper for that row type picks it up later.
    """

    def publish():
        try:
            task.apply_async(args=args, kwargs=kwargs)
        except (KombuError, OSError) as exc:
            logger.warning(
                "Broker unavailable, %s left for the periodic sweeper: %s", task.name, exc
            )

    transaction.on_commit(publish, robust=True)
