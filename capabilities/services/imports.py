"""Bulk import of testbeds and services (CSV/XLSX): check, preview, apply all or nothing."""

import copy
import logging
import os
from datetime import timedelta

import pghistory
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from nmiq_portal.core.exceptions import StaleEdit
from nmiq_portal.core.locking import lock
from nmiq_portal.core.permissions import require
from nmiq_portal.core.queue import enqueue_on_commit

from .. import imports, kcdb, tasks
from ..enums import ImportKind, ImportStatus, ServiceKind, ServiceStatus
from ..models import Contact, ImportJob, Institute, ReadinessLevel, Service, TechnologyArea, Testbed
from .records import (
    RECORDS,
    check_relations,
    normalise_service,
    record_create,
    record_retire,
    record_update,
    refuse_retiring_by_edit,
)

logger = logging.getLogger(__name__)

IMPORT_MODELS = {ImportKind.TESTBED: Testbed, ImportKind.SERVICE: Service}
#: At most this many progress writes per import, however many rows it has.
IMPORT_PROGRESS_STEPS = 100
#: Class of the advisory lock a running import holds (with the job's id as the second key).
IMPORT_LOCK_CLASS = 0x1A9071


def import_columns(kind: str) -> tuple[str, ...]:
    """The columns of an import file of ``kind`` (testbed|service), in the template's order."""
    return imports.columns(RECORDS[IMPORT_MODELS[kind]][0])


def _help_lookups() -> imports.Lookups:
    """The technology areas and readiness levels a file may name, which the help lists."""
    return imports.Lookups(
        areas={area.slug: area for area in TechnologyArea.objects.all()},
        readiness={
            (level.scale.slug, level.level): level
            for level in ReadinessLevel.objects.select_related("scale")
        },
    )


def import_help(kind: str) -> list[tuple[str, bool, str, list[tuple[str, str]]]]:
    """(column, required, what to write, accepted values) for every column of an import file of
    ``kind``; the accepted values come from the live choices and tables."""
    model = IMPORT_MODELS[kind]
    required = imports.required_columns(model)
    lookups = _help_lookups()
    return [
        (
            column,
            column in required,
            imports.column_help(model, column),
            imports.accepted_values(model, column, lookups),
        )
        for column in import_columns(kind)
    ]


def import_example(kind: str) -> list[str]:
    """The template's example row for ``kind``, naming values that exist (its areas, its
    readiness scale), so that it passes the check as it stands."""
    model = IMPORT_MODELS[kind]
    return imports.example_row(model, import_columns(kind), _help_lookups())


def _import_lookups(institute: Institute, model) -> imports.Lookups:
    lookups = _help_lookups()
    for contact in Contact.objects.filter(institute=institute):
        lookups.contacts.setdefault(contact.email.lower(), []).append(contact)
    if model is Service:
        lookups.testbeds = {
            testbed.slug: testbed
            for testbed in Testbed.objects.filter(institute=institute).only(
                "pk", "slug", "institute"
            )
        }
    return lookups


def _import_objects(row: dict, *, readiness, testbeds, areas, contacts) -> tuple[dict, dict]:
    """The field values and relations of a checked row, with the objects its keys name."""
    values, relations = dict(row["values"]), {}
    gone = _("It no longer exists.")
    if values.get("readiness") is not None:
        if values["readiness"] not in readiness:
            raise ValidationError({"readiness": gone})
        values["readiness"] = readiness[values["readiness"]]
    if values.get("testbed") is not None:
        if values["testbed"] not in testbeds:
            raise ValidationError({"testbed": gone})
        values["testbed"] = testbeds[values["testbed"]]
    if "technology_areas" in row["relations"]:
        slugs = row["relations"]["technology_areas"]
        if any(slug not in areas for slug in slugs):
            raise ValidationError({"technology_areas": gone})
        relations["technology_areas"] = [areas[slug] for slug in slugs]
    if "contacts" in row["relations"]:
        pks = row["relations"]["contacts"]
        if any(pk not in contacts for pk in pks):
            raise ValidationError({"contacts": gone})
        relations["contacts"] = [contacts[pk] for pk in pks]
    return values, relations


def _import_errors(error: ValidationError) -> list[dict]:
    if hasattr(error, "error_dict"):
        return [
            {"column": "" if column == "__all__" else column, "message": message}
            for column, messages in error.message_dict.items()
            for message in messages
        ]
    return [{"column": "", "message": message} for message in error.messages]


def _import_key(model, institute, number: int, key: str, existing, seen):
    """The record a row's key names (None to add one), with what is wrong with the key."""
    if not key:
        return None, []
    errors = []
    if key in seen:
        errors.append(_("Row %(row)d already has this key.") % {"row": seen[key]})
    seen.setdefault(key, number)
    record = existing.get(key)
    if record is None:
        errors.append(
            _(
                "No %(kind)s of %(institute)s has the key “%(key)s”; leave the key empty to add "
                "a new one."
            )
            % {"kind": model._meta.verbose_name, "institute": institute.acronym, "key": key}
        )
    return record, [{"column": imports.KEY, "message": message} for message in errors]


def _import_cells(model, raw: dict, lookups) -> tuple[dict, dict, list[dict]]:
    """A row's cells parsed: (field values, relations, errors); an empty cell that means "the
    default when adding, unchanged when updating" is left out."""
    values, relations, errors = {}, {}, []
    for column, text in raw.items():
        if column == imports.KEY:
            continue
        try:
            value = imports.parse_cell(model, column, text, lookups=lookups)
        except ValidationError as error:
            errors.append({"column": column, "message": " ".join(error.messages)})
            continue
        if value is not imports.MISSING:
            (relations if column in imports.RELATION_COLUMNS else values)[column] = value
    return values, relations, errors


def _import_check_record(model, institute, record, values, relations, lookups, failed) -> list:
    """The errors of the record a row makes or changes, checked as the edit services check it
    (units, choices, clean()), leaving out the columns that already ``failed``."""
    errors = []
    instance = copy.copy(record) if record is not None else model(institute=institute)
    if record is None or values.get("status", record.status) != record.status:
        try:
            refuse_retiring_by_edit(model, values)
        except ValidationError as error:
            errors += _import_errors(error)
            failed = failed | {"status"}
    try:
        objects, related = _import_objects(
            {
                "values": {k: v for k, v in values.items() if k not in failed},
                "relations": {k: v for k, v in relations.items() if k not in failed},
            },
            readiness={level.pk: level for level in lookups.readiness.values()},
            testbeds={testbed.pk: testbed for testbed in lookups.testbeds.values()},
            areas=lookups.areas,
            contacts={c.pk: c for found in lookups.contacts.values() for c in found},
        )
        for name, value in objects.items():
            setattr(instance, name, value)
        if isinstance(instance, Service):
            normalise_service(instance)
        # The fields the lookups already resolved, and the slug record_create will give, are
        # left out; the check constraints repeat clean() and would cost queries on each row.
        instance.full_clean(
            exclude=["slug", "institute", "readiness", "testbed"],
            validate_unique=False,
            validate_constraints=False,
        )
        check_relations(instance, related)
    except ValidationError as error:
        errors += [e for e in _import_errors(error) if e["column"] not in failed]
    return errors


def _import_check_row(model, institute, number: int, raw: dict, lookups, existing, seen) -> dict:
    """One row: its key, its cells parsed, then the record it makes or changes checked."""
    key = raw.get(imports.KEY, "").strip().lower()
    record, errors = _import_key(model, institute, number, key, existing, seen)
    values, relations, cell_errors = _import_cells(model, raw, lookups)
    errors += cell_errors
    if not any(e["column"] == imports.KEY for e in errors):
        failed = {e["column"] for e in errors}
        errors += _import_check_record(model, institute, record, values, relations, lookups, failed)
    return {
        "row": number,
        "key": key,
        "action": "update" if record is not None else "create",
        "name": values.get("name") or (record.name if record is not None else ""),
        "version": record.version if record is not None else None,
        "values": values,
        "relations": relations,
        "errors": errors,
    }


# --- KCDB files: many institutes, matched by KCDB code ------------------------------------------


def _kcdb_institutes(actor, institute: Institute, names: set[str]) -> dict[str, tuple]:
    """{NMI as a row names it: (its institute or None, why its rows are skipped or "")}.

    A row names its NMI by its KCDB code or acronym, perhaps with a note the KCDB added to a
    renamed one ("CMS (became CMS/ITRI)"); a row naming none is the page's institute's."""

    def keys(name: str) -> list[str]:
        return [name.lower(), name.split(" (", 1)[0].strip().lower()]

    wanted = {key for name in names for key in keys(name)}
    found = {
        inst.key: inst
        for inst in Institute.objects.visible_to(actor)
        .annotate(key=Lower("acronym"))
        .filter(key__in=wanted)
        .order_by("verified", "-pk")  # the verified one, when two share an acronym
    }
    found[institute.acronym.lower()] = institute
    allowed: dict[int, bool] = {}
    named = {}
    for name in names:
        inst = next((found[key] for key in keys(name) if key in found), None) if name else institute
        if inst is None:
            named[name] = (
                None,
                _("No institute in the portal has the KCDB code or acronym “%(nmi)s”; skipped.")
                % {"nmi": name},
            )
            continue
        if inst.pk not in allowed:
            allowed[inst.pk] = actor.has_perm("capabilities.import_records", inst)
        reason = (
            ""
            if allowed[inst.pk]
            else _("This row is for %(institute)s, whose records you may not import; skipped.")
            % {"institute": inst.acronym}
        )
        named[name] = (inst, reason)
    return named


def _kcdb_unchanged(record, values: dict) -> bool:
    return all(
        Service._meta.get_field(name).to_python(value) == getattr(record, name)
        for name, value in values.items()
    )


def _kcdb_match(row, inst, by_id, by_name, seen) -> tuple:
    """The record a KCDB row updates (None to add one), with what is wrong with its code."""
    if not row.code:
        return by_name.get((inst.pk, row.values["name"])), []
    errors = []
    ident = kcdb.code_id(row.code)
    if (inst.pk, ident) in seen:
        errors.append(
            _("Row %(row)d already has this CMC (%(code)s).")
            % {"row": seen[(inst.pk, ident)], "code": row.code}
        )
    record = by_id.get((inst.pk, ident))
    if record is not None and kcdb.code_version(row.code) < kcdb.code_version(record.kcdb_code):
        errors.append(
            _("%(code)s is older than the version the directory holds (%(stored)s).")
            % {"code": row.code, "stored": record.kcdb_code}
        )
    return record, [{"column": row.code_column, "message": message} for message in errors]


def _kcdb_row(number: int, row, inst, record, errors: list) -> dict:
    values = dict(row.values)
    if record is None:
        values.setdefault("kind", ServiceKind.CALIBRATION)
        action = "create"
    else:
        action = "unchanged" if _kcdb_unchanged(record, values) else "update"
    failed = {error["column"] for error in errors}
    errors = errors + _import_check_record(
        Service, inst, record, values, {}, imports.Lookups(), failed
    )
    return {
        "row": number,
        "key": record.slug if record is not None else "",
        "code": row.code,
        "institute": inst.pk,
        "nmi": inst.acronym,
        "record": record.pk if record is not None else None,
        "action": action,
        "name": values["name"],
        "version": record.version if record is not None else None,
        "values": values,
        "relations": {},
        "errors": errors,
    }


def _kcdb_retirements(listed: dict, by_id: dict) -> list[dict]:
    """The KCDB records of each institute the file lists CMCs of that the file leaves out."""
    return [
        {
            "row": None,
            "key": record.slug,
            "code": record.kcdb_code,
            "institute": record.institute_id,
            "nmi": record.institute.acronym,
            "record": record.pk,
            "action": "retire",
            "name": record.name,
            "version": record.version,
            "values": {},
            "relations": {},
            "errors": [],
        }
        for (institute_id, ident), record in sorted(by_id.items())
        if institute_id in listed
        and ident not in listed[institute_id]
        and record.status != ServiceStatus.RETIRED
    ]


def _kcdb_check(*, actor, institute: Institute, filename: str, rows: list[dict]) -> ImportJob:
    """Check a KCDB file (API records, or a CSV/XLSX with the KCDB's column names): each row
    is written as its own institute's record, matched by its KCDB code whatever its version."""
    read, ignored = kcdb.columns_read(list(dict.fromkeys(name for raw in rows for name in raw)))
    parsed = [
        (number, kcdb.read_row(raw, read))
        for number, raw in enumerate(rows, start=2)
        if any(value not in ("", None) for value in raw.values())
    ]
    named = _kcdb_institutes(actor, institute, {row.nmi for _number, row in parsed})
    mine = [inst.pk for inst, reason in named.values() if inst is not None and not reason]
    services = Service.objects.filter(institute__in=mine).select_related("institute")
    by_id = {(s.institute_id, s.kcdb_id): s for s in services.exclude(kcdb_id="")}
    names = {row.values["name"] for _number, row in parsed if not row.code}
    by_name = {(s.institute_id, s.name): s for s in services.filter(kcdb_id="", name__in=names)}
    checked, seen, listed = [], {}, {}
    for number, row in parsed:
        inst, reason = named[row.nmi]
        if reason:
            checked.append(
                {
                    "row": number,
                    "code": row.code,
                    "name": row.values["name"],
                    "action": "skip",
                    "skipped": {"column": row.nmi_column, "message": reason},
                    "errors": [],
                }
            )
            continue
        record, errors = _kcdb_match(row, inst, by_id, by_name, seen)
        if row.code:
            seen.setdefault((inst.pk, kcdb.code_id(row.code)), number)
            listed.setdefault(inst.pk, set()).add(kcdb.code_id(row.code))
        checked.append(_kcdb_row(number, row, inst, record, row.errors + errors))
    checked += _kcdb_retirements(listed, by_id)
    return _import_job(
        actor=actor,
        institute=institute,
        kind=ImportKind.SERVICE,
        filename=filename,
        rows=checked,
        ignored=ignored,
    )


def _import_job(*, actor, institute, kind, filename, rows, ignored=()) -> ImportJob:
    job = ImportJob(
        institute=institute,
        created_by=actor,
        kind=kind,
        filename=os.path.basename(filename or "")[:255],
        rows=rows,
        to_create=sum(row["action"] == "create" for row in rows),
        to_update=sum(row["action"] == "update" for row in rows),
        to_retire=sum(row["action"] == "retire" for row in rows),
        ignored_columns=list(ignored),
    )
    errors = sum(len(row["errors"]) for row in rows)
    if errors:
        job.status = ImportStatus.FAILED
        job.error = ngettext(
            "The file has %(count)d error; correct it and upload the file again.",
            "The file has %(count)d errors; correct them and upload the file again.",
            errors,
        ) % {"count": errors}
        job.finished_at = timezone.now()
    job.save()
    return job


@transaction.atomic
def import_check(*, actor, institute: Institute, kind: str, filename: str, rows) -> ImportJob:
    """Check every row of an uploaded file as the edit forms and services would and keep the
    normalised rows with every error (row, column, reason). A file with errors is kept only to
    show them: it cannot be applied."""
    require(actor, "capabilities.import_records", institute)
    if kind not in IMPORT_MODELS:
        raise ValidationError({"kind": _("Choose testbeds or services.")})
    model = IMPORT_MODELS[kind]
    rows = list(rows)
    columns = {name for raw in rows for name in raw}
    # The portal's own template has a key column (and a kcdb_code one): a KCDB file has neither.
    if model is Service and imports.KEY not in columns and kcdb.is_kcdb(columns):
        return _kcdb_check(actor=actor, institute=institute, filename=filename, rows=rows)
    try:
        if not rows:
            raise ValidationError(_("The file has a header but no rows."))
        imports.check_columns(
            list(rows[0]),
            allowed=import_columns(kind),
            required=imports.required_columns(model),
        )
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    lookups = _import_lookups(institute, model)
    keys = {row.get(imports.KEY, "").strip().lower() for row in rows} - {""}
    existing = {
        record.slug: record for record in model.objects.filter(institute=institute, slug__in=keys)
    }
    checked, seen = [], {}
    for number, raw in enumerate(rows, start=2):
        if any(raw.values()):
            checked.append(
                _import_check_row(model, institute, number, raw, lookups, existing, seen)
            )
    return _import_job(actor=actor, institute=institute, kind=kind, filename=filename, rows=checked)


@transaction.atomic
def import_queue(*, actor, job: ImportJob, retire_absent: bool = False) -> ImportJob:
    """Hand a checked, error-free import to a worker; asking again once it is queued, running or
    done changes nothing. ``retire_absent``: also retire the records a complete KCDB listing
    left out."""
    require(actor, "capabilities.import_records", job.institute)
    job = lock(job, related=("institute",))
    if job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING, ImportStatus.DONE):
        return job
    if job.status != ImportStatus.VALIDATED:
        raise ValidationError(
            _("This import cannot be applied: %(reason)s Upload the file again.")
            % {"reason": job.error}
        )
    job.status = ImportStatus.QUEUED
    job.retire_absent = retire_absent and job.to_retire > 0
    job.save(update_fields=["status", "retire_absent"])
    enqueue_on_commit(tasks.apply_import, job.pk, background=True)
    return job


class _ImportProgress:
    """How far a running import got, written on a database connection of its own in autocommit.

    The rows are saved in one transaction that stays open until the last one, yet the progress
    page must see the count move meanwhile. The database rather than the cache: it is the one
    store the web and worker processes always share (without Redis the cache is per process),
    and the count stays with the job. The import's transaction never touches the job's row
    before its end, so these writes never wait on it.
    """

    def __init__(self, job: ImportJob):
        self.job_id = job.pk
        self.every = max(1, len(job.rows) // IMPORT_PROGRESS_STEPS)
        self.connection = connections.create_connection(DEFAULT_DB_ALIAS)

    def write(self, **values) -> None:
        if self.connection is None:
            return
        quote = self.connection.ops.quote_name
        assignments = ", ".join(f"{quote(name)} = %s" for name in values)
        sql = f"UPDATE {quote(ImportJob._meta.db_table)} SET {assignments} WHERE id = %s"  # noqa: S608
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(sql, [*values.values(), self.job_id])
        except DatabaseError:
            logger.warning("Import %s: progress not written", self.job_id, exc_info=True)
            self.close()  # the import goes on; only the bar stops moving

    def step(self, processed: int, total: int) -> None:
        if processed % self.every == 0 or processed == total:
            self.write(processed=processed)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def _import_claim(job: ImportJob) -> bool:
    """Inside the import's transaction: true when this run may apply the job (no other run
    holds it, and it is still waiting or was left running by a worker that died)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_xact_lock(%s, %s)", [IMPORT_LOCK_CLASS, job.pk % 2**31]
        )
        if not cursor.fetchone()[0]:
            return False
    status = ImportJob.objects.filter(pk=job.pk).values_list("status", flat=True).get()
    return status in (ImportStatus.QUEUED, ImportStatus.RUNNING)


def _import_failure(error: Exception, row: dict | None, job: ImportJob) -> str:
    where = _("Row %(row)d: ") % {"row": row["row"]} if row else ""
    if isinstance(error, StaleEdit):
        return where + _(
            "“%(key)s” was changed by someone else after the file was checked; upload the file "
            "again."
        ) % {"key": row["key"] if row else ""}
    if isinstance(error, PermissionDenied):
        return where + _("%(person)s may no longer change the records of %(institute)s.") % {
            "person": job.created_by or _("The person who uploaded the file"),
            "institute": job.institute.acronym,
        }
    if isinstance(error, ValidationError):
        return where + "; ".join(
            f"{e['column']}: {e['message']}" if e["column"] else e["message"]
            for e in _import_errors(error)
        )
    if isinstance(error, ObjectDoesNotExist):
        return where + _("the record “%(key)s” no longer exists.") % {
            "key": row["key"] if row else ""
        }
    logger.exception("Import %s failed", job.uuid)
    return where + _("it could not be saved (%(error)s).") % {"error": type(error).__name__}


def _import_apply_row(job: ImportJob, model, institute: Institute, row: dict, lookups):
    """Save one checked row through the records' services; the record it names, if any."""
    action = row["action"]
    if action in ("skip", "unchanged") or (action == "retire" and not job.retire_absent):
        return None  # an unchanged row keeps the record it was matched to
    if action == "create":
        values, relations = _import_objects(row, **lookups)
        return record_create(
            actor=job.created_by, model=model, institute=institute, **values, **relations
        )
    record = model.objects.get(institute=institute, slug=row["key"])
    if action == "retire":
        return record_retire(actor=job.created_by, record=record, version=row["version"])
    values, relations = _import_objects(row, **lookups)
    return record_update(
        actor=job.created_by, record=record, version=row["version"], **values, **relations
    )


def import_apply(*, job: ImportJob) -> ImportJob:
    """Save every row of a queued import in one transaction, as the member who uploaded it:
    all rows land, or none and the job says why. Running it again does nothing."""
    job = ImportJob.objects.select_related("institute", "created_by").get(pk=job.pk)
    if job.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        return job
    model = IMPORT_MODELS[job.kind]
    total = len(job.rows)
    progress = _ImportProgress(job)
    row = None
    try:
        with transaction.atomic():
            if not _import_claim(job):
                return job
            progress.write(status=ImportStatus.RUNNING, processed=0)
            lookups = {
                "readiness": ReadinessLevel.objects.in_bulk(),
                "testbeds": Testbed.objects.filter(institute=job.institute).in_bulk(),
                "areas": {area.slug: area for area in TechnologyArea.objects.all()},
                "contacts": Contact.objects.filter(institute=job.institute).in_bulk(),
            }
            institutes = Institute.objects.in_bulk(
                {row.get("institute") for row in job.rows} - {None}
            )
            with pghistory.context(user=job.created_by_id, url=job.get_absolute_url()):
                for processed, row in enumerate(job.rows, start=1):
                    institute = institutes.get(row.get("institute"), job.institute)
                    record = _import_apply_row(job, model, institute, row, lookups)
                    if record is not None:  # the import page links what it wrote
                        row["record"], row["key"] = record.pk, record.slug
                    progress.step(processed, total)
            row = None
            job.status = ImportStatus.DONE
            job.processed = total
            job.error = ""
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "processed", "error", "finished_at", "rows"])
    except Exception as error:  # whatever broke, nothing of the import landed: say why
        reason = _import_failure(error, row, job)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, error=reason, processed=0, finished_at=timezone.now()
        )
        job.refresh_from_db()
    finally:
        progress.close()
    return job


def import_sweep() -> int:
    """Queue again the imports that waited too long (the broker was down when they were
    queued), or were left running by a process that stopped (a web process running it without a
    broker, a worker that died); import_apply leaves alone a job another run holds or finished."""
    stale = timezone.now() - timedelta(minutes=10)
    ids = list(
        ImportJob.objects.filter(
            status__in=(ImportStatus.QUEUED, ImportStatus.RUNNING), created_at__lt=stale
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        enqueue_on_commit(tasks.apply_import, pk)
    return len(ids)
