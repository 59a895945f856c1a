"""Metriq results read from a file: a metriq-gym record's JSON (one record or a list of them)
or the flattened CSV of the metriq-data set (one metric a row).

Each metric with ``{value, uncertainty}`` becomes a line. How the files' traps are read:

- An uncertainty of 0 or none at all is *not stated*: a score from a finite number of shots is
  never exact (a run where no shot succeeded reports 0 ± 0), so the portal stores no
  uncertainty rather than claim an exact value.
- A record whose ``outcome`` is not ``completed`` (``error``, ``unsupported``,
  ``not_applicable``) is a failed run: its metrics are skipped, each with a line saying why.
- A simulator's record is skipped too: a benchmark compares devices.
- Amazon Braket's device ARNs (``arn:aws:braket:…/qpu/rigetti/Cepheus-1-108Q``, provider
  ``braket``) name the device the other rows call ``aws`` / ``rigetti_cepheus-1-108q``.
- A line's ``source`` (the record's file name, timestamp and metric) is the same from the JSON
  and from the CSV, so a result imported once is not imported again from the other file, nor
  from a copy of the record the data set files under another version's folder (one Linear Ramp
  QAOA run of ibm_boston is there three times, under v0.4, v0.5 and v0.6).
"""

import csv
import io
import json
import math
import os
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from nmiq_portal.core.numbers import plain_sign

#: Largest file read (the whole metriq-data CSV is about 200 kB).
MAX_METRIQ_BYTES = 5_000_000
MAX_LINES = 5_000
COMPLETED = "completed"
CSV_COLUMNS = {"file", "job_type", "provider", "device", "metric", "value", "uncertainty"}
#: Record parameters kept as conditions (the rest say nothing about the run).
PARAMETERS = ("num_qubits", "width", "num_layers", "num_circuits", "shots")


@dataclass
class Line:
    """One metric of one record, or why it cannot become a result (``skip``)."""

    label: str
    source: str
    job_type: str
    metric: str
    provider: str = ""
    device: str = ""
    qubit_count: int | None = None
    value: float | None = None
    uncertainty: float | None = None
    measured_on: str = ""
    method: str = ""
    conditions: list = field(default_factory=list)
    skip: str = ""


def _platform(provider: str, device: str) -> tuple[str, str]:
    if device.startswith("arn:aws:braket"):
        return "aws", device.rsplit("/", 1)[-1].lower()
    return provider, device


def _number(text) -> float | None:
    if text in (None, ""):
        return None
    try:
        number = float(plain_sign(text) if isinstance(text, str) else text)
    except (TypeError, ValueError):
        return math.nan
    return number


def _uncertainty(number: float | None) -> float | None:
    """0 and missing are "not stated" (see the module's docstring)."""
    return None if number is None or number == 0 else number


def _day(timestamp: str) -> str:
    try:
        return datetime.fromisoformat(timestamp).date().isoformat()
    except (TypeError, ValueError):
        return ""


def _line(
    *,
    file,
    timestamp,
    job_type,
    metric,
    provider,
    device,
    qubits,
    value,
    uncertainty,
    version,
    conditions,
    outcome,
    simulator,
) -> Line:
    provider, device = _platform(provider or "", device or "")
    name = os.path.basename(file or "")
    line = Line(
        label=f"{name or _('record')} {timestamp}: {job_type} / {metric} on {provider} {device}",
        source=f"metriq:{name}@{timestamp}#{metric}"[:300],
        job_type=job_type or "",
        metric=metric,
        provider=provider,
        device=device,
        measured_on=_day(timestamp),
        method=f"metriq-gym {version}".strip(),
        conditions=[c for c in conditions if c["value"] not in ("", "None")],
    )
    try:
        line.qubit_count = int(qubits) if qubits not in (None, "") else None
    except (TypeError, ValueError):
        line.qubit_count = None
    number = _number(value)
    spread = _number(uncertainty)
    if outcome and outcome != COMPLETED:
        line.skip = _("the run did not complete (outcome “%(outcome)s”).") % {"outcome": outcome}
    elif simulator:
        line.skip = _("a simulator's run, not a device's.")
    elif not line.measured_on:
        line.skip = _("no readable timestamp.")
    elif number is None or not math.isfinite(number):
        line.skip = _("the value is not a number.")
    elif spread is not None and (not math.isfinite(spread) or spread < 0):
        line.skip = _("the uncertainty is not a number of zero or more.")
    else:
        line.value, line.uncertainty = number, _uncertainty(spread)
    return line


def _records_json(data: bytes, filename: str) -> list[Line]:
    try:
        parsed = json.loads(data)
    except (ValueError, RecursionError) as error:
        raise ValidationError(_("This is not a JSON file Metriq writes."), code="json") from error
    records = parsed if isinstance(parsed, list) else [parsed]
    lines = []
    for record in records:
        if not isinstance(record, dict) or not isinstance(record.get("results"), dict):
            raise ValidationError(
                _("A Metriq record has “results” and “platform”; this file has none."),
                code="json",
            )
        platform = record.get("platform") or {}
        metadata = platform.get("device_metadata") or {}
        params = record.get("params") or {}
        conditions = [
            {"name": name, "value": str(params[name])} for name in PARAMETERS if name in params
        ]
        metrics = {
            name: item
            for name, item in record["results"].items()
            if isinstance(item, dict) and "value" in item
        }
        if not metrics and record.get("outcome", COMPLETED) != COMPLETED:
            metrics = {record.get("job_type") or "result": {"value": None}}
        for metric, item in metrics.items():
            lines.append(
                _line(
                    file=filename,
                    timestamp=str(record.get("timestamp") or ""),
                    job_type=str(record.get("job_type") or params.get("benchmark_name") or ""),
                    metric=metric,
                    provider=str(platform.get("provider") or ""),
                    device=str(platform.get("device") or ""),
                    qubits=metadata.get("num_qubits"),
                    value=item.get("value"),
                    uncertainty=item.get("uncertainty"),
                    version=str(record.get("app_version") or ""),
                    conditions=conditions,
                    outcome=record.get("outcome"),
                    simulator=bool(metadata.get("simulator")),
                )
            )
    return lines


def _records_csv(data: bytes) -> list[Line]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(_("Save the CSV file as UTF-8."), code="encoding") from error
    reader = csv.DictReader(io.StringIO(text))
    missing = CSV_COLUMNS - set(reader.fieldnames or ())
    if missing:
        raise ValidationError(
            _("The Metriq table lacks the columns %(columns)s.")
            % {"columns": ", ".join(sorted(missing))},
            code="header",
        )
    lines = []
    for row in reader:
        conditions = [
            {"name": "width or qubits", "value": row.get("benchmark_width_or_num_qubits") or ""},
            {"name": "shots", "value": row.get("shots") or ""},
        ]
        lines.append(
            _line(
                file=row["file"],
                timestamp=row.get("timestamp") or "",
                job_type=row["job_type"],
                metric=row["metric"],
                provider=row["provider"],
                device=row["device"],
                qubits=row.get("device_num_qubits"),
                value=row["value"],
                uncertainty=row["uncertainty"],
                version=row.get("app_version") or "",
                conditions=conditions,
                outcome=row.get("outcome"),
                simulator=(row.get("device_is_simulator") or "").lower() == "true",
            )
        )
    return lines


def read_metriq(upload) -> list[Line]:
    """The lines of a Metriq JSON or CSV ``upload``; ValidationError for anything else."""
    if upload.size > MAX_METRIQ_BYTES:
        raise ValidationError(
            _("The file is over %(max)d MB.") % {"max": MAX_METRIQ_BYTES // 1_000_000},
            code="size",
        )
    name = (upload.name or "").lower()
    data = upload.read()
    if name.endswith(".json"):
        lines = _records_json(data, os.path.basename(upload.name))
    elif name.endswith(".csv"):
        lines = _records_csv(data)
    else:
        raise ValidationError(_("Upload a Metriq .json record or a .csv table."), code="type")
    if not lines:
        raise ValidationError(_("The file holds no Metriq result."), code="empty")
    if len(lines) > MAX_LINES:
        raise ValidationError(
            _("The file has more than %(max)d results; split it.") % {"max": MAX_LINES},
            code="rows",
        )
    return lines
