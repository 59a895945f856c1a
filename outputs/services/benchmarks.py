"""Writes of benchmarks and their results; every result's status moves through the engine.

A value and its uncertainty are stored in the benchmark's unit: what was typed is kept beside
them (``value_as_given``), and the standard uncertainty u is derived (U/k for an expanded one).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nmiq_portal import workflow
from nmiq_portal.core import slugs
from nmiq_portal.core.locking import lock_version
from nmiq_portal.core.permissions import require

from ..benchmarks_math import convert, standard_uncertainty
from ..enums import UncertaintyKind
from ..models import Benchmark, BenchmarkResult, ResultImport

BENCHMARK_FIELDS = (
    "name",
    "metric",
    "unit",
    "higher_is_better",
    "technology_area",
    "twa",
    "protocol",
    "description",
    "metriq_job_type",
    "metriq_metric",
)
#: What an author sets on a result; ``value_unit``/``uncertainty_unit`` name the units the
#: numbers were typed in (blank: the benchmark's), ``samples`` is (values, times).
RESULT_FIELDS = (
    "provider",
    "device",
    "qubit_count",
    "value",
    "value_unit",
    "uncertainty_kind",
    "uncertainty",
    "uncertainty_unit",
    "coverage_factor",
    "measured_on",
    "conditions",
    "method",
    "project",
    "samples",
)
#: The model fields among them (what a stale edit reports as changed).
RESULT_MODEL_FIELDS = tuple(
    name for name in RESULT_FIELDS if name not in ("value_unit", "uncertainty_unit", "samples")
)
MAX_CONDITIONS = 50


def _check_fields(changes: dict, allowed) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"Not a field here: {', '.join(sorted(unknown))}")


def _check_twa(actor, twa) -> None:
    if not actor.is_staff and not twa.coordinators.filter(pk=actor.pk).exists():
        raise ValidationError({"twa": _("Choose a working area you coordinate.")})


@transaction.atomic
def benchmark_create(*, actor, **fields) -> Benchmark:
    """A coordinator (for their working area) or staff defines a benchmark."""
    _check_fields(fields, BENCHMARK_FIELDS)
    require(actor, "outputs.add_benchmark")
    _check_twa(actor, fields["twa"])
    benchmark = Benchmark(**fields)
    benchmark.slug = slugs.name(benchmark, hidden=False)
    benchmark.full_clean()
    benchmark.save()
    return benchmark


@transaction.atomic
def benchmark_update(*, actor, benchmark: Benchmark, version: int, **changes) -> Benchmark:
    """A coordinator of the benchmark's area or staff revises it; its unit stays once results
    are stored in it."""
    _check_fields(changes, BENCHMARK_FIELDS)
    locked = lock_version(benchmark, version, fields=BENCHMARK_FIELDS)
    require(actor, "outputs.change_benchmark", locked)
    if "unit" in changes and changes["unit"] != locked.unit and locked.results.exists():
        raise ValidationError({"unit": _("Results are stored in this unit: it stays.")})
    for name, value in changes.items():
        setattr(locked, name, value)
    if "twa" in changes:
        _check_twa(actor, locked.twa)
    if "name" in changes:
        slugs.rename(locked)
    locked.version += 1
    locked.full_clean()
    locked.save()
    return locked


def _conditions(conditions) -> list[dict]:
    rows = []
    for item in conditions or ():
        name, value = str(item.get("name", "")).strip(), str(item.get("value", "")).strip()
        if not name and not value:
            continue
        if not name or not value:
            raise ValidationError({"conditions": _("Each condition has a name and a value.")})
        rows.append({"name": name[:100], "value": value[:200]})
    if len(rows) > MAX_CONDITIONS:
        raise ValidationError(
            {"conditions": _("At most %(max)d conditions.") % {"max": MAX_CONDITIONS}}
        )
    return rows


def _given(number, unit: str) -> str:
    return f"{number:g} {unit}".strip()[:80]


def _apply(result: BenchmarkResult, fields: dict) -> None:
    """Set ``fields`` on ``result``: numbers converted to the benchmark's unit, u derived."""
    target = result.benchmark.unit
    fields = dict(fields)
    value_unit = fields.pop("value_unit", "")
    uncertainty_unit = fields.pop("uncertainty_unit", "")
    if "samples" in fields:
        values, times = fields.pop("samples") or ((), ())
        result.samples, result.sample_times = list(values), list(times)
    if "conditions" in fields:
        fields["conditions"] = _conditions(fields["conditions"])
    for name, value in fields.items():
        setattr(result, name, value)
    if "value" in fields:
        if result.value is None:
            raise ValidationError({"value": _("Give the value.")})
        try:
            result.value_as_given = _given(result.value, value_unit)
            result.value = convert(result.value, value_unit, target)
        except ValidationError as error:
            raise ValidationError({"value": error.messages}) from error
    if "uncertainty" in fields:
        if result.uncertainty is None:
            result.uncertainty_as_given = ""
        else:
            if result.uncertainty < 0:
                raise ValidationError({"uncertainty": _("An uncertainty is never negative.")})
            try:
                result.uncertainty_as_given = _given(result.uncertainty, uncertainty_unit)
                result.uncertainty = convert(result.uncertainty, uncertainty_unit, target)
            except ValidationError as error:
                raise ValidationError({"uncertainty": error.messages}) from error
    result.full_clean()
    result.standard_uncertainty = standard_uncertainty(
        result.uncertainty,
        result.coverage_factor if result.uncertainty_kind == UncertaintyKind.EXPANDED else None,
    )


@transaction.atomic
def benchmark_result_create(
    *, actor, benchmark: Benchmark, institute, source: str = "", **fields
) -> BenchmarkResult:
    """A member of ``institute`` enters a result as a draft (an import names its ``source``)."""
    _check_fields(fields, RESULT_FIELDS)
    require(actor, "outputs.add_benchmark_result", institute)
    result = BenchmarkResult(
        benchmark=benchmark, institute=institute, created_by=actor, source=source
    )
    _apply(result, {"uncertainty": None, **fields})
    return workflow.create(result, "create", actor=actor)


@transaction.atomic
def benchmark_result_update(
    *, actor, result: BenchmarkResult, version: int, **changes
) -> BenchmarkResult:
    """An author revises a draft result."""
    _check_fields(changes, RESULT_FIELDS)
    locked = lock_version(result, version, fields=RESULT_MODEL_FIELDS)
    require(actor, "outputs.change_benchmark_result", locked)
    _apply(locked, changes)
    locked.version += 1
    locked.save()
    return locked


@transaction.atomic
def benchmark_result_transition(
    *, actor, result: BenchmarkResult, action: str, comment: str = ""
) -> BenchmarkResult:
    """Submit, send back, publish or withdraw a result; a withdrawal keeps its reason."""
    if actor is None or not actor.has_perm("outputs.view_benchmark_result", result):
        raise PermissionDenied("outputs.view_benchmark_result")
    moved = workflow.transition(result, action, actor=actor, comment=comment)
    if action == "withdraw":
        moved.withdrawal_reason = comment.strip()
        moved.save(update_fields=["withdrawal_reason", "updated_at"])
    return moved


# --- Metriq import: check, preview, apply ---


def _import_row(line, benchmark, institute, actor) -> tuple[dict | None, str]:
    """The service fields of ``line`` checked like a typed result, or why it is left out."""
    fields = {
        "provider": line.provider,
        "device": line.device,
        "qubit_count": line.qubit_count,
        "value": line.value,
        "uncertainty": line.uncertainty,
        "measured_on": line.measured_on,
        "conditions": line.conditions,
        "method": line.method,
    }
    trial = BenchmarkResult(
        benchmark=benchmark, institute=institute, created_by=actor, source=line.source
    )
    try:
        _apply(trial, {**fields, "measured_on": datetime.date.fromisoformat(line.measured_on)})
    except ValidationError as error:
        return None, "; ".join(error.messages)
    return fields, ""


@transaction.atomic
def result_import_check(*, actor, institute, filename: str, lines) -> ResultImport:
    """Check the lines of a Metriq file for ``institute``: each becomes a draft result of the
    benchmark that imports its job type and metric, or a skipped line that says why."""
    require(actor, "outputs.add_benchmark_result", institute)
    benchmarks = {
        (b.metriq_job_type, b.metriq_metric): b
        for b in Benchmark.objects.exclude(metriq_job_type="")
    }
    done = set(
        BenchmarkResult.objects.filter(institute=institute)
        .exclude(source="")
        .values_list("benchmark_id", "source")
    )
    rows, skipped, seen = [], [], set()
    for line in lines:
        benchmark = benchmarks.get((line.job_type, line.metric))
        reason = line.skip
        if not reason and benchmark is None:
            reason = _("no benchmark imports %(job)s / %(metric)s.") % {
                "job": line.job_type,
                "metric": line.metric,
            }
        if not reason and ((benchmark.pk, line.source) in done or line.source in seen):
            reason = _("imported already.")
        fields = None
        if not reason:
            fields, reason = _import_row(line, benchmark, institute, actor)
        if reason:
            skipped.append({"line": line.label, "reason": reason})
            continue
        seen.add(line.source)
        rows.append({"benchmark": benchmark.pk, "source": line.source, "fields": fields})
    return ResultImport.objects.create(
        institute=institute,
        created_by=actor,
        filename=filename[:255],
        rows=rows,
        skipped=skipped,
    )


@transaction.atomic
def result_import_apply(*, actor, job: ResultImport) -> ResultImport:
    """Add the checked results of ``job`` as drafts of its institute, all or none."""
    job = ResultImport.objects.select_for_update().get(pk=job.pk)
    require(actor, "outputs.add_benchmark_result", job.institute)
    if job.applied_at is not None:
        raise ValidationError(_("This import is applied already."))
    benchmarks = Benchmark.objects.in_bulk({row["benchmark"] for row in job.rows})
    for row in job.rows:
        fields = dict(row["fields"])
        fields["measured_on"] = datetime.date.fromisoformat(fields["measured_on"])
        benchmark_result_create(
            actor=actor,
            benchmark=benchmarks[row["benchmark"]],
            institute=job.institute,
            source=row["source"],
            **fields,
        )
    job.applied_at = timezone.now()
    job.save(update_fields=["applied_at"])
    return job
