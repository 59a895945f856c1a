"""Load model instances with PostgreSQL's COPY: one stream per table instead of INSERTs.

Django's ``bulk_create`` compiles one parameterised INSERT per batch, which for the 50-column
record tables is most of the generator's time. Here the instances are built as usual (so the
models' Python defaults apply), their primary keys are assigned from the table's sequence in one
call, and their columns go to ``COPY … FROM STDIN`` in PostgreSQL's text format.

pghistory's insert triggers would write one history row per row, each through a PL/pgSQL call
(most of the load's time at 100,000 services): they are disabled for the COPY and the same
history rows ("insert" events, no context) are written afterwards with one INSERT … SELECT.
"""

import io
import json
import uuid
from datetime import date, datetime
from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.db import connection, models


def _array(values) -> str:
    """A PostgreSQL array literal of text-like values."""
    items = []
    for value in values:
        text = str(value).replace("\\", "\\\\").replace('"', '\\"')
        items.append(f'"{text}"')
    return "{" + ",".join(items) + "}"


def _text(field: models.Field, value) -> str:
    """``value`` of ``field`` as a COPY text-format column."""
    if value is None:
        return r"\N"
    if isinstance(field, models.JSONField):
        text = json.dumps(value)
    elif isinstance(field, ArrayField):
        text = _array(value)
    elif isinstance(value, bool):
        text = "t" if value else "f"
    elif isinstance(value, datetime | date):
        text = value.isoformat()
    elif isinstance(value, uuid.UUID | Decimal | int | float):
        text = str(value)
    elif isinstance(field, models.FileField):
        text = str(value.name if hasattr(value, "name") else value)
    else:
        text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _columns(model) -> list[models.Field]:
    """The columns COPY writes: every concrete local field but database-computed ones."""
    return [
        field
        for field in model._meta.local_concrete_fields
        if field.db_default is models.NOT_PROVIDED and not isinstance(field, models.GeneratedField)
    ]


def _value(obj, field: models.Field):
    """What an INSERT would write: ``auto_now`` dates are set on save, as ``save()`` does."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return field.pre_save(obj, add=True)
    return getattr(obj, field.attname)


def reserve_ids(model, count: int) -> list[int]:
    """``count`` fresh primary keys from the table's sequence, in one round trip."""
    if not count:
        return []
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "select nextval(pg_get_serial_sequence(%s, %s)) from generate_series(1, %s)",
            [table, column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def copy(model, objects: list, chunk: int = 20000) -> list:
    """Insert ``objects`` (unsaved instances of ``model``) with COPY; sets their primary keys."""
    if not objects:
        return objects
    for obj, pk in zip(objects, reserve_ids(model, len(objects)), strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = "default"
    fields = _columns(model)
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    sql = f"COPY {table} ({names}) FROM STDIN"
    with connection.cursor() as cursor:
        cursor.execute(
            "select tgname from pg_trigger where tgrelid = %s::regclass and not tgisinternal "
            "and tgname like 'pgtrigger_insert_%%' and tgenabled <> 'D'",
            [model._meta.db_table],
        )
        triggers = [connection.ops.quote_name(row[0]) for row in cursor.fetchall()]
        for trigger in triggers:
            cursor.execute(f"alter table {table} disable trigger {trigger}")
        for start in range(0, len(objects), chunk):
            buffer = io.StringIO()
            for obj in objects[start : start + chunk]:
                buffer.write("\t".join(_text(field, _value(obj, field)) for field in fields))
                buffer.write("\n")
            buffer.seek(0)
            # psycopg2's COPY; the Django cursor wraps it.
            cursor.cursor.copy_expert(sql, buffer)
        for trigger in triggers:
            cursor.execute(f"alter table {table} enable trigger {trigger}")
        if triggers:
            _write_history(cursor, model, [obj.pk for obj in objects])
    return objects


def _write_history(cursor, model, pks: list[int]) -> None:
    """The "insert" history rows the disabled trigger would have written, in one statement."""
    event = model.history.field.model
    columns = [
        connection.ops.quote_name(field.column)
        for field in event._meta.concrete_fields
        if not field.column.startswith("pgh_")
    ]
    names = ", ".join(columns)
    cursor.execute(
        f"insert into {connection.ops.quote_name(event._meta.db_table)} "  # noqa: S608
        f"({names}, pgh_context_id, pgh_created_at, pgh_label, pgh_obj_id) "
        f"select {names}, null, now(), 'insert', id "
        f"from {connection.ops.quote_name(model._meta.db_table)} where id = any(%s)",
        [pks],
    )


def copy_rows(table: str, columns: list[str], rows) -> int:
    """COPY plain tuples into ``table`` (through tables of many-to-many fields); how many."""
    buffer = io.StringIO()
    count = 0
    for row in rows:
        buffer.write("\t".join(r"\N" if value is None else str(value) for value in row))
        buffer.write("\n")
        count += 1
    buffer.seek(0)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN", buffer
        )
    return count
