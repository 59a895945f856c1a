"""Capture: in the writer's own transaction, an event for each registered object whose public
state may have changed, from the model signals of the object and of what it depends on.

An object gets an upsert when it is public after the change, and a delete when it is not but the
feed last said upsert; a draft that was never public leaves no event at all. Each object's
ChangeState row is locked (INSERT … ON CONFLICT DO UPDATE) before its public state is read, so
two transactions that each make half of a change (one verifies the institute, one publishes the
testbed) are ordered: the second reads what the first committed. One transaction writes at most
one event per object, changed in place when the object changes again before the commit.
"""

import logging

from django.db import DatabaseError, connection, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.utils import timezone

from . import registry
from .models import Action, ChangeEvent, ChangeState

logger = logging.getLogger(__name__)

_LOCK = """
INSERT INTO {state} (type_key, uuid, action, before)
SELECT %s, u, '', '' FROM unnest(%s::uuid[]) AS u ORDER BY u
ON CONFLICT (type_key, uuid) DO UPDATE SET action = {state}.action
RETURNING uuid, action, before, event_id, coalesce(txid = pg_current_xact_id(), false)
"""

_SET_STATE = """
UPDATE {state} AS s
SET action = v.action, before = v.before, event_id = v.event_id,
    txid = CASE WHEN v.event_id IS NULL THEN NULL ELSE pg_current_xact_id() END
FROM (VALUES {values}) AS v (uuid, action, before, event_id)
WHERE s.type_key = %s AND s.uuid = v.uuid
"""


def touch(model: type[models.Model], objects) -> None:
    """Record that the public state of ``objects`` (instances or primary keys of a registered
    model) may have changed; call it inside the writing transaction, e.g. after a
    ``QuerySet.update()``, which sends no signal."""
    registration = registry.for_model(model)
    uuids, pks = {}, []
    for obj in objects:
        if isinstance(obj, models.Model):
            uuids[obj.pk] = obj.uuid
        else:
            pks.append(obj)
    if pks:
        # A primary key that no longer exists was deleted: its own post_delete recorded it.
        uuids.update(model._base_manager.filter(pk__in=pks).values_list("pk", "uuid"))
    record(registration, uuids)


def record(registration: registry.Registration, uuids: dict, instances=None) -> None:
    """Write the events of ``uuids`` ({pk: uuid}, deleted objects included) for their state now;
    ``instances`` ({pk: instance}) are the objects the write has in hand."""
    if uuids:
        # The writer's transaction; one of its own for a write made in autocommit mode.
        with transaction.atomic(savepoint=False):
            newly_public = _record(registration, uuids)
            if newly_public:
                registry.became_public.send(
                    sender=registration.model, pks=newly_public, instances=instances or {}
                )
        transaction.on_commit(
            lambda: registry.recorded.send(sender=registration.model), robust=True
        )


def _record(registration: registry.Registration, uuids: dict) -> list:
    """Write the events; return the primary keys of the objects that became public."""
    state_table = connection.ops.quote_name(ChangeState._meta.db_table)
    type_key = registration.type_key
    with connection.cursor() as cursor:
        cursor.execute(
            _LOCK.format(state=state_table), [type_key, sorted({str(u) for u in uuids.values()})]
        )
        states = cursor.fetchall()
    # A statement of its own, after the locks: it sees what a writer we waited for committed.
    public = {
        str(u)
        for u in registration.public().filter(pk__in=list(uuids)).values_list("uuid", flat=True)
    }
    now = timezone.now()
    pk_of = {str(u): pk for pk, u in uuids.items()}
    new, relabel, drop, rows, newly_public = [], {}, [], [], []
    for uuid, action, before, event_id, same_transaction in states:
        uuid = str(uuid)
        # What the feed said before this transaction, which is what its readers may hold.
        base = before if same_transaction else action
        if uuid in public:
            wanted = Action.UPSERT
            if base != Action.UPSERT:
                newly_public.append(pk_of[uuid])
        elif base == Action.UPSERT:
            wanted = Action.DELETE
        else:
            wanted = ""
        if same_transaction and event_id is not None:
            if not wanted:
                drop.append(event_id)
                rows.append((uuid, base, base, None))
            elif wanted != action:
                relabel.setdefault(wanted, []).append(event_id)
                rows.append((uuid, wanted, base, event_id))
        elif wanted:
            new.append((uuid, base, ChangeEvent(type_key=type_key, uuid=uuid, action=wanted)))
    if new:
        ChangeEvent.objects.bulk_create([event for _uuid, _base, event in new])
        rows += [(uuid, event.action, base, event.pk) for uuid, base, event in new]
    for action, ids in relabel.items():
        ChangeEvent.objects.filter(pk__in=ids).update(action=action, changed_at=now)
    if drop:
        ChangeEvent.objects.filter(pk__in=drop).delete()
    if rows:
        values = ", ".join(["(%s::uuid, %s, %s, %s::bigint)"] * len(rows))
        with connection.cursor() as cursor:
            cursor.execute(
                _SET_STATE.format(state=state_table, values=values),
                [value for row in rows for value in row] + [type_key],
            )
    return newly_public


# --- Signals ------------------------------------------------------------------------------------


def _path_hops(model, path: str):
    """(source model, field, lookup from ``model`` to the source, to the target) per hop."""
    current, parts, hops = model, path.split("__"), []
    for index, name in enumerate(parts):
        field = current._meta.get_field(name)
        if not field.is_relation:
            raise ValueError(f"{model.__name__}: {path!r} is not a path of relations.")
        hops.append((current, field, "__".join(parts[:index]), "__".join(parts[: index + 1])))
        current = field.related_model
    return hops


def _affected(registration, lookup: str, pks) -> dict:
    """{pk: uuid} of the registered objects related through ``lookup`` to ``pks``."""
    manager = registration.model._base_manager
    found = manager.filter(**{f"{lookup}__in": pks} if lookup else {"pk__in": pks})
    return dict(found.values_list("pk", "uuid"))


def _connect_related(registration, related_model, lookup: str) -> None:
    """A save or delete of a ``related_model`` object records the objects that show it; with
    ``watch`` on the path, a save naming none of the watched fields does not."""
    uid = f"changes:{registration.type_key}:{lookup}"
    pending = f"_changes_pending_{registration.type_key}_{lookup}"
    watched = registration.watch.get(lookup)

    def saved(sender, instance, raw=False, update_fields=None, **kwargs):
        if raw or (watched and update_fields is not None and not set(watched) & update_fields):
            return
        record(registration, _affected(registration, lookup, [instance.pk]))

    def deleting(sender, instance, **kwargs):
        # Found before the delete: afterwards the rows that link them are gone or set to null.
        instance.__dict__[pending] = _affected(registration, lookup, [instance.pk])

    def deleted(sender, instance, **kwargs):
        record(registration, instance.__dict__.pop(pending, {}))

    post_save.connect(saved, sender=related_model, weak=False, dispatch_uid=f"{uid}:save")
    pre_delete.connect(deleting, sender=related_model, weak=False, dispatch_uid=f"{uid}:pre")
    post_delete.connect(deleted, sender=related_model, weak=False, dispatch_uid=f"{uid}:del")


def _connect_m2m(registration, source, field, lookup: str) -> None:
    """Adding, removing or clearing links of a many-to-many hop records the objects on its
    source side (``lookup`` leads from the registered model to ``source``)."""
    forward = isinstance(field, models.ManyToManyField)
    declared = field if forward else field.field
    through = declared.remote_field.through
    to_source = declared.m2m_field_name() if forward else declared.m2m_reverse_field_name()
    to_other = declared.m2m_reverse_field_name() if forward else declared.m2m_field_name()
    pending = f"_changes_m2m_{registration.type_key}_{lookup}_{field.name}"

    def changed(sender, instance, action, reverse, pk_set, **kwargs):
        # m2m_changed says ``reverse`` when the instance is on the side that does not declare
        # the field; the instance is on the source side when that matches the hop's direction.
        instance_is_source = reverse != forward
        if action == "pre_clear" and not instance_is_source:
            instance.__dict__[pending] = set(
                through._base_manager.filter(**{to_other: instance.pk}).values_list(
                    to_source, flat=True
                )
            )
            return
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        if instance_is_source:
            sources = [instance.pk]
        elif action == "post_clear":
            sources = list(instance.__dict__.pop(pending, ()))
        else:
            sources = list(pk_set or ())
        if sources:
            record(registration, _affected(registration, lookup, sources))

    uid = f"changes:{registration.type_key}:m2m:{lookup}:{field.name}"
    m2m_changed.connect(changed, sender=through, weak=False, dispatch_uid=uid)


def connect(registration: registry.Registration) -> None:
    """Connect the signals that record ``registration``'s objects."""
    model = registration.model

    def saved(sender, instance, raw=False, **kwargs):
        if not raw:
            record(registration, {instance.pk: instance.uuid}, {instance.pk: instance})

    def deleted(sender, instance, **kwargs):
        record(registration, {instance.pk: instance.uuid})

    uid = f"changes:{registration.type_key}"
    post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"{uid}:save")
    post_delete.connect(deleted, sender=model, weak=False, dispatch_uid=f"{uid}:delete")
    for path in registration.depends:
        for source, field, to_source, to_target in _path_hops(model, path):
            _connect_related(registration, field.related_model, to_target)
            if field.many_to_many:
                _connect_m2m(registration, source, field, to_source)


def backfill() -> int:
    """Write an upsert for each public object the feed never handed out (made before the feed
    existed, or written in bulk without signals); returns how many."""
    count = 0
    for registration in registry.registrations():
        told = ChangeState.objects.filter(type_key=registration.type_key, action=Action.UPSERT)
        missing = list(
            registration.public()
            .exclude(uuid__in=told.values("uuid"))
            .order_by("pk")
            .values_list("pk", "uuid")
        )
        for start in range(0, len(missing), 1000):
            record(registration, dict(missing[start : start + 1000]))
        count += len(missing)
    return count


def backfill_after_migrate(sender, plan=None, **kwargs) -> None:
    """post_migrate: bring the feed up to date with rows that predate it."""
    if plan and any(backwards for _migration, backwards in plan):
        return
    try:
        with transaction.atomic():
            count = backfill()
    except DatabaseError:
        # Migrated only part of the way: the registered models may be ahead of the tables.
        logger.warning("Change feed not backfilled: the database is not fully migrated.")
        return
    if count:
        logger.info("Change feed: %d public objects recorded.", count)
