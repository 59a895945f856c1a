"""Keeping the change feed short: only an object's last event carries anything.

An event hands out its object's state when the feed is read, not when it was written, so an
event with a later one for the same object tells a client nothing the later one will not. Such
events are deleted; a client at any cursor still reaches the later event, and so the same copy.
The feed then holds one event per object that was ever public, however often it changes.
"""

from django.db import connection, transaction

from .models import ChangeEvent

BATCH = 5000

_SUPERSEDED = """
DELETE FROM {events} WHERE id IN (
    SELECT e.id FROM {events} AS e
    WHERE EXISTS (
        SELECT 1 FROM {events} AS later
        WHERE later.type_key = e.type_key AND later.uuid = e.uuid
        AND (later.txid, later.id) > (e.txid, e.id)
    )
    LIMIT %s
)
"""


def compact(*, batch: int = BATCH) -> int:
    """Delete every event that a later event of the same object supersedes, ``batch`` rows a
    transaction; returns how many. Only committed events are seen, so an event a running
    transaction is about to supersede stays until the next run."""
    sql = _SUPERSEDED.format(events=connection.ops.quote_name(ChangeEvent._meta.db_table))
    deleted = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [batch])
            count = cursor.rowcount
        deleted += count
        if count < batch:
            return deleted
