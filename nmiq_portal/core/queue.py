"""Handing work to Celery after the transaction that created it commits."""

import logging
import threading

from django.db import connections, transaction
from kombu.exceptions import KombuError

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *args, background: bool = False, **kwargs) -> None:
    """Queue ``task`` once the current transaction commits; never fail the caller.

    The work a task stands for is always a row written in the same transaction (an outbox), so a
    broker outage only delays it: the periodic sweeper for that row type picks it up later.

    ``background``: when tasks run eagerly (the quick start, without a broker), run this one in
    a thread of its own rather than inside the request, so that the page answers at once and
    shows the work's progress. Only for a task that claims its row itself (a lock and a state
    check in the database), so that a second web process, or the sweeper, never runs it twice.
    """

    def publish():
        if background and task.app.conf.task_always_eager:
            thread = threading.Thread(
                target=_run_detached, args=(task, args, kwargs), name=f"task-{task.name}"
            )
            thread.daemon = True  # a stopped server rolls its transaction back; the row stays
            thread.start()
            return
        try:
            task.apply_async(args=args, kwargs=kwargs)
        except (KombuError, OSError) as exc:
            logger.warning(
                "Broker unavailable, %s left for the periodic sweeper: %s", task.name, exc
            )

    transaction.on_commit(publish, robust=True)


def _run_detached(task, args, kwargs) -> None:
    try:
        task.apply(args=args, kwargs=kwargs)
    finally:
        connections.close_all()  # this thread's own connections, which nobody else closes
