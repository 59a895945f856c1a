"""Writes on the directory: testbeds, services and contacts, from the pages and the API."""

import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries

from nmiq_portal.core import slugs
from nmiq_portal.core.locking import lock_version
from nmiq_portal.core.permissions import require

from ..enums import (
    AccessMode,
    Audience,
    ContactStatus,
    ServiceStatus,
    TestbedStatus,
    UncertaintyMode,
)
from ..kcdb import code_id
from ..lead_times import weeks_max
from ..models import CapabilityRecord, Contact, Institute, Service, Testbed
from ..search import weighted_vector
from ..units import parse_unit, to_base

TESTBED_FIELDS = (
    "name",
    "summary",
    "description",
    "visibility",
    "access_modes",
    "audiences",
    "si_traceable",
    "quantities",
    "status",
    "readiness",
    "city",
    "latitude",
    "longitude",
    "links",
    *(field for pair in CapabilityRecord.RANGE_FIELDS.values() for field in pair),
)
SERVICE_FIELDS = (
    "name",
    "summary",
    "description",
    "visibility",
    "access_modes",
    "audiences",
    "si_traceable",
    "kind",
    "status",
    "quantity",
    "range_lower",
    "range_upper",
    "range_unit",
    "uncertainty_mode",
    "uncertainty_lower",
    "uncertainty_upper",
    "uncertainty_unit",
    "uncertainty_equation",
    "uncertainty_table",
    "coverage_factor",
    "confidence_level",
    "method",
    "instrument",
    "instrument_method",
    "parameters",
    "traceability",
    "testbed",
    "lead_time",
    "charging",
    "kcdb_code",
    "metrology_area",
    "branch",
    "kcdb_service",
    "sub_service",
    "individual_service",
    *(field for pair in CapabilityRecord.RANGE_FIELDS.values() for field in pair),
)
CONTACT_FIELDS = ("name", "function", "email", "phone")
RELATIONS = ("technology_areas", "contacts")

#: What each kind of record lets editors set, and the state it is retired to / reinstated in.
RECORDS = {
    Testbed: (TESTBED_FIELDS, TestbedStatus.RETIRED, TestbedStatus.OPERATIONAL),
    Service: (SERVICE_FIELDS, ServiceStatus.RETIRED, ServiceStatus.OFFERED),
    Contact: (CONTACT_FIELDS, ContactStatus.RETIRED, ContactStatus.ACTIVE),
}


def record_permission(action: str, model) -> str:
    return f"capabilities.{action}_{model._meta.model_name}"


def _hold(model, pks: set) -> set:
    """Lock the rows ``pks`` of ``model`` FOR KEY SHARE until commit and return those still
    there. A record about to refer to them then never refers to a row deleted meanwhile (a
    foreign key error at commit): a delete waits for the link and then takes it away, and a row
    already deleted is reported. Edits of the rows themselves do not wait."""
    if not pks:
        return set()
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {table} WHERE id = ANY(%s) ORDER BY id FOR KEY SHARE",  # noqa: S608
            [sorted(pks)],
        )
        return {pk for (pk,) in cursor.fetchall()}


def check_relations(record, relations: dict) -> None:
    """Contacts and the related testbed must belong to the record's own institute, and still
    exist."""
    errors = {}
    contacts = relations.get("contacts")
    if contacts is not None and any(c.institute_id != record.institute_id for c in contacts):
        errors["contacts"] = _("Choose contacts of %(institute)s.") % {
            "institute": record.institute.acronym
        }
    elif contacts and _hold(Contact, wanted := {c.pk for c in contacts}) != wanted:
        errors["contacts"] = _("A contact you chose has just been deleted; choose again.")
    testbed = getattr(record, "testbed", None)
    if testbed is not None and testbed.institute_id != record.institute_id:
        errors["testbed"] = _("Choose a testbed of %(institute)s.") % {
            "institute": record.institute.acronym
        }
    elif testbed is not None and not _hold(Testbed, {testbed.pk}):
        errors["testbed"] = _("The testbed you chose has just been deleted; choose again.")
    if errors:
        raise ValidationError(errors)


def normalise_service(service: Service) -> None:
    """Check the units with pint and store the range in SI base units, as the KCDB does."""
    service.range_base_lower = service.range_base_upper = None
    service.range_base_unit = ""
    if service.range_unit:
        try:
            unit = parse_unit(service.range_unit)
        except ValidationError as error:
            raise ValidationError({"range_unit": error.messages}) from error
        for end in ("lower", "upper"):
            value = getattr(service, f"range_{end}")
            if value is not None:
                base, base_unit = to_base(value, unit)
                if not math.isfinite(base):
                    raise ValidationError({f"range_{end}": _("That value is out of range.")})
                setattr(service, f"range_base_{end}", base)
                service.range_base_unit = base_unit
    service.kcdb_id = code_id(service.kcdb_code)
    service.lead_time_weeks_max = weeks_max(service.lead_time)
    service.uncertainty_base_lower = service.uncertainty_base_upper = None
    service.uncertainty_base_unit = ""
    if service.uncertainty_unit and service.uncertainty_unit != "%":
        try:
            unit = parse_unit(service.uncertainty_unit)
        except ValidationError as error:
            raise ValidationError({"uncertainty_unit": error.messages}) from error
        for end in ("lower", "upper"):
            value = getattr(service, f"uncertainty_{end}")
            if value is not None:
                base, service.uncertainty_base_unit = to_base(value, unit)
                setattr(service, f"uncertainty_base_{end}", base)
    elif service.uncertainty_mode == UncertaintyMode.RELATIVE and service.range_base_unit:
        # As the KCDB states it: the relative uncertainty at each end of the range, in the
        # range's base unit (4 % of 2000 Bq is 80 Bq).
        for end in ("lower", "upper"):
            value = getattr(service, f"uncertainty_{end}")
            at = getattr(service, f"range_base_{end}")
            if value is not None and at is not None:
                setattr(service, f"uncertainty_base_{end}", abs(at) * value / 100)
                service.uncertainty_base_unit = service.range_base_unit


def _labels(choices, values) -> list[str]:
    return [str(dict(choices).get(value, value)) for value in values]


def search_parts(record) -> dict[str, list[str]]:
    """The weighted texts of a testbed, service or institute: everything its page shows that
    someone may search for. Read by model name, so a migration's models index alike."""
    kind = record._meta.model_name
    # Labels are indexed in the site's language, whoever saved the record.
    with translation.override(settings.LANGUAGE_CODE):
        if kind == "institute":
            return {
                "A": [record.name, record.acronym],
                "C": [record.description],
                "D": [
                    record.get_kind_display(),
                    str(countries.name(str(record.economy))),
                    record.rmo,
                ],
            }
        parts = {"A": [record.name], "D": [record.institute.acronym, record.institute.name]}
        areas = [area.name for area in record.technology_areas.all()]
        parts["B"] = [record.summary, *areas]
        parts["C"] = [
            record.description,
            *_labels(AccessMode.choices, record.access_modes),
            *_labels(Audience.choices, record.audiences),
        ]
        if kind == "testbed":
            parts["B"] += record.quantities
            parts["C"] += [record.city, record.get_status_display()]
            if record.readiness is not None:
                parts["C"].append(record.readiness.name)
            parts["C"] += [link.get("title", "") for link in record.links if isinstance(link, dict)]
        if kind == "service":
            parts["B"] += [
                record.quantity,
                record.method,
                record.instrument,
                record.instrument_method,
                record.kcdb_code,
                *record.kcdb_aliases,
                record.individual_service,
                record.sub_service,
                record.kcdb_service,
                record.branch,
                record.get_kind_display(),
                record.get_metrology_area_display() if record.metrology_area else "",
            ]
            parts["C"] += [
                f"{parameter.get('name', '')} {parameter.get('value', '')}"
                for parameter in record.parameters
                if isinstance(parameter, dict)
            ]
        return parts


def index_for_search(record) -> None:
    """Rebuild the full-text vector of one testbed, service or institute."""
    vector = weighted_vector(search_parts(record))
    type(record).objects.filter(pk=record.pk).update(search_vector=vector)


def _save_record(record, relations: dict) -> None:
    if isinstance(record, Service):
        normalise_service(record)
    if "technology_areas" in relations:
        # Kept on the row itself, so the row's history records a change of areas too.
        record.technology_area_names = sorted(area.name for area in relations["technology_areas"])
    record.full_clean()
    check_relations(record, relations)
    record.updated_at = timezone.now()
    record.save()
    for name, values in relations.items():
        getattr(record, name).set(values)
    if not isinstance(record, Contact):
        index_for_search(record)


def _split(model, data: dict) -> tuple[dict, dict]:
    fields, _retired, _active = RECORDS[model]
    allowed_relations = () if model is Contact else RELATIONS
    unknown = set(data) - set(fields) - set(allowed_relations)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    return (
        {k: v for k, v in data.items() if k in fields},
        {k: v for k, v in data.items() if k in allowed_relations},
    )


def refuse_retiring_by_edit(model, values: dict) -> None:
    _fields, retired, _active = RECORDS[model]
    if values.get("status") == retired:
        raise ValidationError({"status": _("Use “Retire” to retire a record.")})


@transaction.atomic
def record_create(*, actor, model, institute: Institute, **data):
    """An institute member adds a testbed, service or contact (a draft until published)."""
    require(actor, record_permission("add", model), institute)
    values, relations = _split(model, data)
    refuse_retiring_by_edit(model, values)
    record = model(institute=institute, **values)
    if hasattr(record, "slug"):
        record.slug = slugs.name(record, hidden=not institute.verified)
    _save_record(record, relations)
    return record


def _lock(record, version: int | None):
    """The record's row, locked once ``version`` is found current (StaleEdit otherwise); its
    institute comes along unlocked."""
    fields, _retired, _active = RECORDS[type(record)]
    return lock_version(
        record, version, fields=(*fields, "published", "status"), related=("institute",)
    )


def _keep_kcdb_alias(record, code: str | None) -> None:
    """A service's earlier KCDB code stays findable once a new version replaces it."""
    old = getattr(record, "kcdb_code", "")
    if code is not None and old and code != old and old not in record.kcdb_aliases:
        record.kcdb_aliases = [*record.kcdb_aliases, old]


@transaction.atomic
def record_update(*, actor, record, version: int | None, **changes):
    """Change a testbed, service or contact; refused when the editor's copy (``version``) is
    stale. ``version=None`` skips the check (a single-field action that cannot lose data)."""
    model = type(record)
    require(actor, record_permission("change", model), record)
    values, relations = _split(model, changes)
    locked = _lock(record, version)
    if values.get("status") != locked.status:
        refuse_retiring_by_edit(model, values)
    _keep_kcdb_alias(locked, values.get("kcdb_code"))
    for field, value in values.items():
        setattr(locked, field, value)
    locked.version += 1
    _save_record(locked, relations)
    return locked


def _set_state(*, actor, record, version: int | None, **values):
    model = type(record)
    require(actor, record_permission("change", model), record)
    locked = _lock(record, version)
    if all(getattr(locked, field) == value for field, value in values.items()):
        return locked
    for field, value in values.items():
        setattr(locked, field, value)
    if values.get("published") and locked.published_at is None:
        locked.published_at = timezone.now()
    locked.version += 1
    locked.updated_at = timezone.now()
    locked.save()
    return locked


@transaction.atomic
def record_publish(*, actor, record, version: int | None = None):
    """Make a draft visible to its audience (once its institute is verified)."""
    return _set_state(actor=actor, record=record, version=version, published=True)


@transaction.atomic
def record_unpublish(*, actor, record, version: int | None = None):
    """Take a record back to draft: it leaves every public door."""
    return _set_state(actor=actor, record=record, version=version, published=False)


@transaction.atomic
def record_retire(*, actor, record, version: int | None = None):
    """A record that is no longer offered: kept for its history, shown to nobody outside."""
    _fields, retired, _active = RECORDS[type(record)]
    return _set_state(actor=actor, record=record, version=version, status=retired)


@transaction.atomic
def record_reinstate(*, actor, record, version: int | None = None):
    """Bring a retired record back (as operational, offered or active); refused for a record
    that is not retired, so that no one is told it is back when nothing changed."""
    model = type(record)
    _fields, retired, active = RECORDS[model]
    require(actor, record_permission("change", model), record)
    locked = _lock(record, version)  # the stored state, not the caller's copy of it
    if locked.status != retired:
        raise ValidationError(
            {"status": _("%(record)s is not retired.") % {"record": locked.name}},
            code="not_retired",
        )
    return _set_state(actor=actor, record=locked, version=None, status=active)


#: The state changes a selection of records can take together.
BULK_ACTIONS = {"publish": record_publish, "unpublish": record_unpublish, "retire": record_retire}


@transaction.atomic
def record_bulk_state(*, actor, records, action: str) -> list:
    """Publish, unpublish or retire many records as one step, each through its own service:
    every record may be changed by ``actor``, or none is."""
    for record in records:
        require(actor, record_permission("change", type(record)), record)
    if action not in BULK_ACTIONS:
        raise ValidationError({"action": _("Choose publish, unpublish or retire.")})
    return [BULK_ACTIONS[action](actor=actor, record=record) for record in records]


# --- Writes from the API: one step per request -------------------------------------------------


def _unchanged(record, name: str, value) -> bool:
    if name in RELATIONS:
        return {item.pk for item in getattr(record, name).all()} == {item.pk for item in value}
    return getattr(record, name) == value


@transaction.atomic
def record_change(*, actor, record, version: int | None, published: bool | None = None, **changes):
    """Reinstate, change fields, then publish or unpublish, then retire, as one step that lands
    whole or not at all (the API's PATCH); values equal to the stored ones change nothing.

    A status moves through the record's own doors: the retired one through ``record_retire``,
    the active one of a retired record through ``record_reinstate``, for every kind alike."""
    model = type(record)
    fields, retired, active = RECORDS[model]
    require(actor, record_permission("change", model), record)
    locked = _lock(record, version)
    status = changes.pop("status", None)
    retire = status == retired
    if status == active and locked.status == retired:
        locked = record_reinstate(actor=actor, record=locked)
    elif status is not None and not retire and "status" in fields:
        changes["status"] = status
    changes = {
        name: value for name, value in changes.items() if not _unchanged(locked, name, value)
    }
    if changes:
        locked = record_update(actor=actor, record=locked, version=None, **changes)
    if published is not None:
        publish = record_publish if published else record_unpublish
        locked = publish(actor=actor, record=locked)
    if retire:
        locked = record_retire(actor=actor, record=locked)
    return locked


@transaction.atomic
def record_delete(*, actor, record, version: int | None = None) -> None:
    """Remove a testbed, service or contact for good; refused while access requests refer to it
    (retire it instead). Records that pointed at it let go of it, each as a change of its own."""
    model = type(record)
    require(actor, record_permission("delete", model), record)
    # The records that point at it are locked first, in the order an edit of theirs takes its
    # locks (its own row, then the rows it refers to), so the two never wait on each other.
    pointing = []
    if model is Testbed:
        pointing = list(Service.objects.select_for_update().filter(testbed=record).order_by("pk"))
    if model is Contact:
        for related in (Testbed, Service):
            listing = related.objects.select_for_update(of=("self",)).filter(contacts=record)
            pointing += list(listing.order_by("pk"))
    locked = _lock(record, version)
    if model is not Contact:
        requests = locked.access_requests.count()
        if requests:
            raise ValidationError(
                ngettext(
                    "%(count)d access request refers to %(name)s; retire it instead.",
                    "%(count)d access requests refer to %(name)s; retire it instead.",
                    requests,
                )
                % {"count": requests, "name": locked.name},
                code="protected",
            )
    for related in pointing:
        if model is Testbed:
            record_update(actor=actor, record=related, version=None, testbed=None)
        else:
            others = [contact for contact in related.contacts.all() if contact.pk != locked.pk]
            record_update(actor=actor, record=related, version=None, contacts=others)
    locked.delete()
