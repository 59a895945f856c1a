"""Evidence: what supports a testbed or service ("how we know")."""

from django.db import transaction

from nmiq_portal.core.locking import lock
from nmiq_portal.core.permissions import require

from ..models import Evidence, Service, Testbed
from .records import record_permission

EVIDENCE_FIELDS = ("kind", "title", "url", "doi", "reference", "year", "note")


def _evidence_values(data: dict) -> dict:
    unknown = set(data) - set(EVIDENCE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    return data


@transaction.atomic
def evidence_add(*, actor, record, **data) -> Evidence:
    """Whoever may change a testbed or service links it to what supports it."""
    require(actor, record_permission("change", type(record)), record)
    if not isinstance(record, Testbed | Service):
        raise ValueError("Evidence supports a testbed or a service.")
    target = "testbed" if isinstance(record, Testbed) else "service"
    evidence = Evidence(**{target: record}, **_evidence_values(data))
    evidence.full_clean()
    evidence.save()
    return evidence


@transaction.atomic
def evidence_update(*, actor, evidence: Evidence, **changes) -> Evidence:
    """Correct an item of evidence; the permission is that of the record it supports."""
    locked = lock(evidence, related=("testbed", "service"))
    require(actor, record_permission("change", type(locked.record)), locked.record)
    for field, value in _evidence_values(changes).items():
        setattr(locked, field, value)
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def evidence_remove(*, actor, evidence: Evidence) -> None:
    """Withdraw an item of evidence (its history keeps what it said)."""
    locked = lock(evidence, related=("testbed", "service"))
    require(actor, record_permission("change", type(locked.record)), locked.record)
    locked.delete()
