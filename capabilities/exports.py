"""Exports of a directory search as CSV and JSON, streamed row by row in bounded memory.

The JSON is for programs: codes and numbers in the stored units. The CSV is for people and
their spreadsheets: each value as the directory's pages show it (choices by their labels,
ranges with the unit the record gives, an uncertainty with its coverage factor)."""

import csv
import json
from collections.abc import Iterator

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _

from . import formatting
from .enums import RecordType, Visibility
from .models import Institute
from .selectors.results import areas_of, areas_read

#: The JSON's keys, in order.
COLUMNS = (
    "type",
    "uuid",
    "name",
    "institute",
    "economy",
    "rmo",
    "url",
    "summary",
    "technology_areas",
    "access_modes",
    "audiences",
    "si_traceable",
    "status",
    "visibility",
    "temperature_min_k",
    "temperature_max_k",
    "frequency_min_hz",
    "frequency_max_hz",
    "wavelength_min_nm",
    "wavelength_max_nm",
    "city",
    "latitude",
    "longitude",
    "service_kind",
    "quantity",
    "range_lower",
    "range_upper",
    "range_unit",
    "uncertainty_mode",
    "uncertainty_lower",
    "uncertainty_upper",
    "uncertainty_unit",
    "coverage_factor",
    "confidence_level",
    "kcdb_code",
    "updated_at",
)
#: The CSV's columns: what the table shows, and after it what the record pages add.
CSV_COLUMNS = (
    "type",
    "uuid",
    "name",
    *(key for key, _label in formatting.TABLE_COLUMNS),
    "economy",
    "rmo",
    "url",
    "summary",
    "technology_areas",
    "audiences",
    "si_traceable",
    "status",
    "visibility",
    "operating_ranges",
    "service_kind",
    "city",
    "latitude",
    "longitude",
    "updated_at",
)
CHUNK = 500
#: A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _record(kind: str, record, site_url: str) -> dict:
    if isinstance(record, Institute):
        return {
            "type": kind,
            "uuid": str(record.uuid),
            "name": record.name,
            "institute": record.acronym,
            "economy": record.economy.code,
            "rmo": record.rmo,
            "url": site_url + record.get_absolute_url(),
            "summary": "",
            "updated_at": record.updated_at,
        }
    row = {
        "type": kind,
        "uuid": str(record.uuid),
        "name": record.name,
        "institute": record.institute.acronym,
        "economy": record.institute.economy.code,
        "rmo": record.institute.rmo,
        "url": site_url + record.get_absolute_url(),
        "summary": record.summary,
        "technology_areas": [area.slug for area in record.areas],
        "access_modes": record.access_modes,
        "audiences": record.audiences,
        "si_traceable": record.si_traceable,
        "status": record.status,
        "visibility": record.visibility,
        "updated_at": record.updated_at,
    }
    for pair in record.RANGE_FIELDS.values():
        for name in pair:
            row[name] = getattr(record, name)
    if kind == RecordType.TESTBED:
        row.update(city=record.city, latitude=record.latitude, longitude=record.longitude)
    else:
        row["service_kind"] = record.kind
        for name in COLUMNS[COLUMNS.index("quantity") :]:
            if name != "updated_at":
                row[name] = getattr(record, name)
    return row


def _csv_record(kind: str, record, site_url: str) -> dict:
    """A record's CSV row, each value as a page shows it."""
    row = {
        "type": formatting.label(RecordType, kind),
        "uuid": str(record.uuid),
        "name": record.name,
        "url": site_url + record.get_absolute_url(),
        "updated_at": record.updated_at,
    }
    if isinstance(record, Institute):
        return {
            **row,
            "institute": record.acronym,
            "economy": formatting.country_name(record.economy),
            "rmo": record.rmo,
        }
    labels = formatting.choice_labels(record)
    row.update(formatting.table_cells(record))
    row |= {
        "economy": formatting.country_name(record.institute.economy),
        "rmo": record.institute.rmo,
        "summary": record.summary,
        "technology_areas": [area.name for area in record.areas],
        "audiences": labels["audiences"],
        "si_traceable": _("yes") if record.si_traceable else _("no"),
        # The state as the page shows it, in a CSV row: no record is changed here.
        "status": formatting.field_label(record, "status"),
        "visibility": formatting.label(Visibility, record.visibility),
        "operating_ranges": "; ".join(
            f"{label}: {text}" for label, text in formatting.operating_ranges(record)
        ),
    }
    if kind == RecordType.TESTBED:
        row.update(city=record.city, latitude=record.latitude, longitude=record.longitude)
    else:
        row["service_kind"] = formatting.field_label(record, "kind")
    return row


def _ordered(matches: dict) -> Iterator[tuple[str, object]]:
    for kind, qs in matches.items():
        qs = qs.order_by("name", "pk")
        if kind == RecordType.INSTITUTE:
            yield from ((kind, record) for record in qs.iterator(chunk_size=CHUNK))
            continue
        # The areas are read with the rows: a prefetch took a query per chunk of rows (43 for
        # 20,000) and made each row's areas a queryset of its own.
        qs = qs.select_related("institute").annotate(area_rows=areas_of(qs.model))
        for record in qs.iterator(chunk_size=CHUNK):
            record.areas = areas_read(record)
            yield kind, record


def records(matches: dict, site_url: str) -> Iterator[dict]:
    """Every record of a search for the JSON, testbeds then services then institutes, by name."""
    for kind, record in _ordered(matches):
        yield _record(kind, record, site_url)


def csv_records(matches: dict, site_url: str) -> Iterator[dict]:
    """Every record of a search for the CSV, in the order of ``records``."""
    for kind, record in _ordered(matches):
        yield _csv_record(kind, record, site_url)


def _cell(value):
    """Plain text a spreadsheet will not run: lists joined by "; ", formulas defused."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = "; ".join(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    def write(self, value):
        return value


def csv_lines(rows: Iterator[dict], columns=CSV_COLUMNS) -> Iterator[str]:
    """The CSV of ``csv_records``, with ``columns`` (all by default; the table view's)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(columns)  # the BOM makes spreadsheets read UTF-8
    for row in rows:
        yield writer.writerow([_cell(row.get(column)) for column in columns])


def json_chunks(rows: Iterator[dict]) -> Iterator[str]:
    """A JSON array, one record at a time."""
    yield "["
    for n, row in enumerate(rows):
        yield ("," if n else "") + "\n" + json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False)
    yield "\n]\n"
