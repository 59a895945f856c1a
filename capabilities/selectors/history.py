"""A record's history as its page shows it: pghistory keeps a full snapshot per change, and
the page shows what changed between them."""

import itertools
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model

from .. import formatting
from ..models import ReadinessLevel

#: Bookkeeping columns, and what the page shows elsewhere or derives from other fields.
_HISTORY_HIDDEN = {
    "id",
    "uuid",
    "slug",
    "version",
    "created_at",
    "updated_at",
    "published_at",
    "search_vector",
    "institute",
    "range_base_lower",
    "range_base_upper",
    "range_base_unit",
    "lead_time_weeks_max",
}


@dataclass
class HistoryEntry:
    """One change of a record: when, by whom, and (field, old, new) for each changed field."""

    when: datetime
    user: object
    created: bool
    changes: list[tuple[str, str, str]] = field(default_factory=list)


def _history_fields(model) -> list:
    return [f for f in model._meta.concrete_fields if f.name not in _HISTORY_HIDDEN]


def _authors(snapshots) -> dict:
    """{snapshot pk: the user who made it}, from the pghistory context (set per request)."""
    by_snapshot = {
        s.pk: s.pgh_context.metadata.get("user") for s in snapshots if s.pgh_context is not None
    }
    users = get_user_model().objects.in_bulk({pk for pk in by_snapshot.values() if pk})
    return {snapshot: users.get(user) for snapshot, user in by_snapshot.items()}


def _differences(fields, before, after) -> list[tuple]:
    """(field, old, new) for each of ``fields`` that differs between two snapshots."""
    return [
        (field_, getattr(before, field_.attname), getattr(after, field_.attname))
        for field_ in fields
        if not formatting.history_same(
            field_, getattr(before, field_.attname), getattr(after, field_.attname)
        )
    ]


def _related_labels(diffs) -> dict:
    """{(field name, pk): label} of the related rows the differences name, one query a field."""
    wanted: dict = {}
    for _before, _after, changed in diffs:
        for field_, old, new in changed:
            if field_.is_relation:
                wanted.setdefault(field_, set()).update(v for v in (old, new) if v)
    labels = {}
    for field_, pks in wanted.items():
        target = field_.related_model.objects.all()
        if field_.related_model is ReadinessLevel:
            target = target.select_related("scale")
        labels.update({(field_.name, pk): str(obj) for pk, obj in target.in_bulk(pks).items()})
    return labels


def record_history(record, *, limit: int = 50) -> list[HistoryEntry]:
    """The last ``limit`` changes of an institute, testbed, service or contact, newest first.

    Each snapshot is compared with the one before it; the first one is the record's creation.
    """
    snapshots = list(record.history.select_related("pgh_context").order_by("-pgh_id")[: limit + 1])
    snapshots.reverse()
    fields = _history_fields(type(record))
    authors = _authors(snapshots)
    diffs = [
        (before, after, _differences(fields, before, after))
        for before, after in itertools.pairwise(snapshots)
    ]
    labels = _related_labels(diffs)
    entries = []
    if snapshots and len(snapshots) <= limit:
        first = snapshots[0]
        entries.append(
            HistoryEntry(when=first.pgh_created_at, user=authors.get(first.pk), created=True)
        )
    entries += [
        HistoryEntry(
            when=snapshot.pgh_created_at,
            user=authors.get(snapshot.pk),
            created=False,
            changes=[
                (
                    formatting.history_label(field_),
                    formatting.history_value(field_, old, labels, before),
                    formatting.history_value(field_, new, labels, snapshot),
                )
                for field_, old, new in changed
            ],
        )
        for before, snapshot, changed in diffs
        if changed
    ]
    entries.reverse()
    return entries
