"""The change feed's events for the bench rows, and the indexes dropped during the load (used by
generate.py)."""

# ruff: noqa: S608 - the SQL below is built from this file's constants, never from input.

from django.db import connection

from nmiq_portal.changes import registry
from nmiq_portal.changes.models import Action, ChangeEvent, ChangeState


# --- The change feed ----------------------------------------------------------------------------
#
def fill_feed() -> int:
    """An upsert event for every public object the feed never handed out, with its state row:
    what ``nmiq_portal.changes.capture.backfill`` does after ``migrate``, in one statement per
    type instead of 73 s of ORM rounds at the large scale."""
    events = connection.ops.quote_name(ChangeEvent._meta.db_table)
    states = connection.ops.quote_name(ChangeState._meta.db_table)
    total = 0
    with connection.cursor() as cursor:
        for registration in registry.registrations():
            told = ChangeState.objects.filter(
                type_key=registration.type_key, action=Action.UPSERT
            ).values("uuid")
            missing = (
                registration.public().exclude(uuid__in=told).order_by("pk").values_list("uuid")
            )
            sql, params = missing.query.sql_with_params()
            cursor.execute(
                f"with new as (insert into {events} (type_key, uuid, action, changed_at) "
                f"select %s, m.uuid, %s, now() from ({sql}) as m (uuid) returning id, uuid) "
                f"insert into {states} (type_key, uuid, action, before, event_id, txid) "
                "select %s, uuid, %s, '', id, pg_current_xact_id() from new "
                "on conflict (type_key, uuid) do update set action = excluded.action, "
                "before = excluded.before, event_id = excluded.event_id, txid = excluded.txid",
                [
                    registration.type_key,
                    Action.UPSERT,
                    *params,
                    registration.type_key,
                    Action.UPSERT,
                ],
            )
            total += cursor.rowcount
    return total


# --- Indexes dropped during the load ------------------------------------------------------------
#
DEFERRED_TABLES = ["capabilities_testbed", "capabilities_service", "notifications_notification"]


def drop_secondary_indexes() -> list[str]:
    """Drop the record tables' indexes that no constraint needs (full-text, trigram, sort
    indexes): building each once after the load is several times faster than updating it row by
    row. Returns their definitions, to create them again."""
    with connection.cursor() as cursor:
        cursor.execute(
            "select i.indexname, i.indexdef from pg_indexes i "
            "where i.schemaname = current_schema() and i.tablename = any(%s) "
            "and not exists (select 1 from pg_constraint c where c.conname = i.indexname)",
            [DEFERRED_TABLES],
        )
        found = cursor.fetchall()
        for name, _definition in found:
            cursor.execute(f"drop index {connection.ops.quote_name(name)}")
    return [definition for _name, definition in found]


def create_indexes(definitions: list[str]) -> None:
    with connection.cursor() as cursor:
        # More memory for the sorts of the index builds (this session only).
        cursor.execute("set local maintenance_work_mem = '256MB'")
        for definition in definitions:
            cursor.execute(definition)
