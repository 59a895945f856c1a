"""Evidence: what supports a testbed or service ("how we know")."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from nmiq_portal.core.locking import lock, lock_version
from nmiq_portal.core.permissions import require

from ..models import Evidence, Service, Testbed, citable
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
def evidence_cite(*, actor, record, output, note: str = "") -> Evidence:
    """A testbed or service of an institute that made a published portal output cites it.

    Only a public output may be cited, only by a record of one of the institutes that made it
    (a comparison's participants, a guide's authoring institutes, a result's institute), and
    once per record; the editor must be one who may change the record.
    """
    require(actor, record_permission("change", type(record)), record)
    if not isinstance(record, Testbed | Service):
        raise ValueError("Evidence supports a testbed or a service.")
    kind = citable(output)
    if kind is None:
        raise ValueError(f"{type(output).__name__} is not a citable output.")
    if not type(output).objects.public().filter(pk=output.pk).exists():
        raise ValidationError(_("Only a published output can be cited as evidence."))
    if record.institute_id not in {institute.pk for institute in kind.institutes(output)}:
        raise PermissionDenied(_("Only the institutes that made an output cite it as evidence."))
    target = "testbed" if isinstance(record, Testbed) else "service"
    evidence = Evidence(
        **{target: record}, kind=kind.kind, title=kind.title(output)[:300], note=note, output=output
    )
    evidence.full_clean()
    evidence.save()
    return evidence


@transaction.atomic
def evidence_update(*, actor, evidence: Evidence, version: int | None, **changes) -> Evidence:
    """Correct an item of evidence made on the copy at ``version`` (``StaleEdit`` when someone
    saved it since); the permission is that of the record it supports."""
    locked = lock_version(evidence, version, fields=EVIDENCE_FIELDS, related=("testbed", "service"))
    require(actor, record_permission("change", type(locked.record)), locked.record)
    for field, value in _evidence_values(changes).items():
        setattr(locked, field, value)
    locked.full_clean()
    locked.version += 1
    locked.save()
    return locked


@transaction.atomic
def evidence_remove(*, actor, evidence: Evidence) -> None:
    """Withdraw an item of evidence (its history keeps what it said)."""
    locked = lock(evidence, related=("testbed", "service"))
    require(actor, record_permission("change", type(locked.record)), locked.record)
    locked.delete()
