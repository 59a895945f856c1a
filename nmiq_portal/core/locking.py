"""Optimistic locking: an edit names the version of the copy it was made on, and a stale copy is
refused with what changed in between, never silently overwritten.

A versioned model has ``version = PositiveIntegerField(default=1)`` and a pghistory tracker
whose events are ``obj.history`` (the copy at each version, so a conflict can say what changed).
A service locks the row, compares, changes it and bumps the version, in one transaction::

    locked = lock_version(record, version, fields=TESTBED_FIELDS)   # StaleEdit when stale
    locked.summary = summary
    locked.version += 1
    locked.save()
"""

from django.db import models

from .exceptions import StaleEdit


def lock(obj: models.Model, *, related: tuple[str, ...] = ()) -> models.Model:
    """``obj``'s row read again and locked FOR UPDATE until commit.

    The ``related`` rows come along unlocked, so that writers of two records with one parent
    (two testbeds of one institute) neither wait for each other nor deadlock.
    """
    queryset = type(obj)._base_manager.select_for_update(of=("self",))
    if related:
        queryset = queryset.select_related(*related)
    return queryset.get(pk=obj.pk)


def changes_since(obj: models.Model, version: int, *, fields) -> list[tuple[str, object, object]]:
    """(field label, value at ``version``, value now) for each of ``fields`` changed since."""
    then = obj.history.filter(version=version).order_by("-pgh_id").first()
    if then is None:
        return []
    changed = []
    for name in fields:
        field = obj._meta.get_field(name)
        old, new = getattr(then, field.attname, None), getattr(obj, field.attname)
        if old != new:
            changed.append((str(field.verbose_name), old, new))
    return changed


def check_version(locked: models.Model, version: int | None, *, fields) -> None:
    """Refuse an edit made on a copy older than the stored (locked) row; ``version=None`` is an
    action that cannot lose data (publish, retire) and is not compared."""
    if version is not None and int(version) != locked.version:
        raise StaleEdit(current=locked, changes=changes_since(locked, int(version), fields=fields))


def lock_version(
    obj: models.Model, version: int | None, *, fields, related: tuple[str, ...] = ()
) -> models.Model:
    """The locked row of ``obj``, once ``version`` is found current (else ``StaleEdit``)."""
    locked = lock(obj, related=related)
    check_version(locked, version, fields=fields)
    return locked
