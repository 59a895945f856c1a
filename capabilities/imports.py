"""Reading CSV/XLSX files (and KCDB JSON) of testbeds and services: cells to field values.

Nothing here writes: ``services.import_check`` runs the rows through the records' own checks and
``services.import_apply`` saves them through ``record_create``/``record_update``.
"""

import csv
import io
import math
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nmiq_portal.core.i18n import translated
from nmiq_portal.core.numbers import plain_number

from . import kcdb
from .models import CapabilityRecord
from .units import DISPLAY_UNITS, parse_quantity

#: The column that names an existing record (its slug) to update; empty adds a new record.
KEY = "key"
#: Columns for the record's relations, after its fields.
RELATION_COLUMNS = ("technology_areas", "contacts")
#: Cells that hold several values separate them with this.
SEPARATOR = ";"
#: An XLSX is a zip: refuse one that would unpack to more than this many times its size.
MAX_UNPACK_RATIO = 20

#: Range columns: a value typed with its unit ("20 mK") in the unit the column stores.
RANGE_DIMENSIONS = {
    column: dimension
    for dimension, pair in CapabilityRecord.RANGE_FIELDS.items()
    for column in pair
}
TRUE = {"yes", "y", "true", "1", "x", "oui", "vrai"}
FALSE = {"no", "n", "false", "0", "non", "faux"}
READINESS = re.compile(r"^\s*(?P<scale>[a-z]+)\s*[-: ]?\s*(?P<level>\d+)\s*$", re.IGNORECASE)


class _Missing:
    """An empty cell of a field that cannot be empty: its default on create, unchanged on
    update."""

    def __repr__(self):
        return "MISSING"


MISSING = _Missing()


def columns(fields) -> tuple[str, ...]:
    """The columns of a file for a kind of record whose editable fields are ``fields``."""
    return (KEY, *fields, *RELATION_COLUMNS)


def required_columns(model) -> tuple[str, ...]:
    """The columns a file must have; the key is not one: without it, every row adds a record."""
    required = ["name"]
    if any(f.name == "kind" for f in model._meta.get_fields()):
        required.append("kind")  # a service has no default kind
    return tuple(required)


# --- Reading the file ---------------------------------------------------------------------------


def read_table(upload, *, max_rows: int) -> list[dict[str, str]]:
    """The data rows of an uploaded CSV or XLSX as {column: text}, the header normalised.

    Each row dict has every column; an empty line keeps its place (row numbers stay those a
    spreadsheet shows: the header is row 1). Raises ValidationError for anything that is not a
    readable table.
    """
    name = (upload.name or "").lower()
    data = upload.read()
    if not data.strip():
        raise ValidationError(_("The file is empty."), code="empty")
    if name.endswith(".xlsx"):
        table = _read_xlsx(data, max_rows=max_rows)
    elif name.endswith(".csv"):
        table = _read_csv(data, max_rows=max_rows)
    elif name.endswith(".json"):
        return kcdb.read_json(data, max_rows=max_rows)
    else:
        raise ValidationError(
            _("Upload a CSV (.csv), Excel (.xlsx) or KCDB JSON (.json) file."), code="type"
        )
    while table and not any(table[-1]):
        table.pop()
    if not table or not any(table[0]):
        raise ValidationError(_("The file is empty."), code="empty")
    return _rows(table, max_rows=max_rows)


def _read_csv(data: bytes, *, max_rows: int) -> list[list[str]]:
    if data.startswith(b"PK\x03\x04") or b"\x00" in data:
        raise ValidationError(
            _("This is not a CSV file: it holds binary data. Save the sheet as “CSV UTF-8”."),
            code="type",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            _("This CSV file is not UTF-8 text. Save the sheet as “CSV UTF-8”."), code="encoding"
        ) from error
    if text.lstrip().startswith(("{", "[")):
        raise ValidationError(
            _("This file holds JSON, not CSV: name it .json to import KCDB records."),
            code="type",
        )
    first_line = text.split("\n", 1)[0]
    # Spreadsheets set to French and other languages save CSV with ";" between cells.
    delimiter = max(",;\t", key=first_line.count)
    try:
        table = []
        for cells in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True):
            table.append(cells)
            if len(table) > max_rows + 1:
                break
    except csv.Error as error:
        raise ValidationError(
            _("This CSV file cannot be read near row %(row)d: %(reason)s")
            % {"row": len(table) + 1, "reason": error},
            code="malformed",
        ) from error
    return table


def _read_xlsx(data: bytes, *, max_rows: int) -> list[list[str]]:
    not_xlsx = ValidationError(
        _("This is not an Excel workbook (.xlsx). Save it as .xlsx or as CSV UTF-8."),
        code="type",
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise not_xlsx from error
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise not_xlsx
    if unpacked > MAX_UNPACK_RATIO * len(data) + 1_000_000:
        raise ValidationError(_("This workbook unpacks to too much data."), code="size")
    import openpyxl  # only needed for XLSX; keeps the import light for everything else

    try:
        # read_only streams the sheet; formulas stay the text typed (never evaluated, and never
        # replaced by a value Excel cached).
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            sheet = workbook.worksheets[0]
            table = []
            for values in sheet.iter_rows(values_only=True):
                table.append([_cell_text(value) for value in values])
                if len(table) > max_rows + 1:
                    break
        finally:
            workbook.close()
    except ValidationError:
        raise
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise ValidationError(
            _("This workbook cannot be read: %(reason)s") % {"reason": type(error).__name__},
            code="malformed",
        ) from error
    return table


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "text"):  # an array formula: keep what was typed
        return str(value.text or "")
    return str(value)


def _header(text: str) -> str:
    return "_".join(text.strip().lower().split())


def _rows(table: list[list[str]], *, max_rows: int) -> list[dict[str, str]]:
    header = [_header(cell or "") for cell in table[0]]
    while header and not header[-1]:
        header.pop()
    body = table[1:]
    if len(body) > max_rows:
        raise ValidationError(
            _("The file has more than %(max)d rows; split it into smaller files.")
            % {"max": max_rows},
            code="rows",
        )
    if not any(any(cell.strip() for cell in cells) for cells in body):
        raise ValidationError(_("The file has a header but no rows."), code="empty")
    seen = set()
    for position, name in enumerate(header, start=1):
        if not name:
            raise ValidationError(
                _("Column %(number)d has no name in the first row.") % {"number": position},
                code="header",
            )
        if name in seen:
            raise ValidationError(
                _("The column “%(column)s” appears twice.") % {"column": name}, code="header"
            )
        seen.add(name)
    rows = []
    for number, cells in enumerate(body, start=2):
        cells = [(cell or "").strip() for cell in cells]
        if any(cells[len(header) :]):
            raise ValidationError(
                _("Row %(row)d has more cells than the first row has column names.")
                % {"row": number},
                code="header",
            )
        cells += [""] * (len(header) - len(cells))
        rows.append(dict(zip(header, cells, strict=False)))
    return rows


def check_columns(present, *, allowed, required) -> None:
    """Refuse a file without the required columns or with columns nobody knows."""
    errors = []
    missing = [column for column in required if column not in present]
    unknown = [column for column in present if column not in allowed]
    if missing:
        errors.append(
            ValidationError(
                _("The file lacks the required columns: %(columns)s.")
                % {"columns": ", ".join(missing)},
                code="missing_columns",
            )
        )
    if unknown:
        errors.append(
            ValidationError(
                _("The file has columns the import does not know: %(columns)s.")
                % {"columns": ", ".join(unknown)},
                code="unknown_columns",
            )
        )
    if errors:
        raise ValidationError(errors)


# --- Cells to field values ----------------------------------------------------------------------


@dataclass
class Lookups:
    """What cells may name, loaded once for a file: {text: object}."""

    areas: dict = field(default_factory=dict)  # slug → TechnologyArea
    contacts: dict = field(default_factory=dict)  # lower-cased e-mail → [Contact]
    readiness: dict = field(default_factory=dict)  # (scale slug, level) → ReadinessLevel
    testbeds: dict = field(default_factory=dict)  # slug → Testbed of the institute


def split(text: str) -> list[str]:
    """The values of a multi-valued cell, without blanks or repeats, in their order."""
    values = []
    for part in text.split(SEPARATOR):
        part = part.strip()
        if part and part not in values:
            values.append(part)
    return values


def _choice(text: str, choices) -> str:
    lowered = text.strip().lower()
    for value, label in choices:
        if lowered in (str(value).lower(), str(label).lower()):
            return value
    raise ValidationError(
        _("“%(value)s” is not one of: %(allowed)s.")
        % {"value": text, "allowed": ", ".join(str(value) for value, _label in choices)},
        code="choice",
    )


def _number(text: str) -> float:
    try:
        value = float(plain_number(text).replace(" ", ""))
    except ValueError as error:
        raise ValidationError(
            _("“%(value)s” is not a number.") % {"value": text}, code="number"
        ) from error
    if not math.isfinite(value):
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": text}, code="number")
    return value


def _links(text: str) -> list[dict]:
    links = []
    validate = URLValidator(schemes=["http", "https"])
    for part in split(text):
        title, _sep, url = part.rpartition("|")
        title, url = title.strip(), url.strip()
        try:
            validate(url)
        except ValidationError as error:
            raise ValidationError(
                _("“%(value)s” is not a web address (http:// or https://).") % {"value": url},
                code="url",
            ) from error
        links.append({"title": title or url, "url": url})
    return links


def _parameters(text: str) -> list[dict]:
    parameters = []
    for part in split(text):
        name, sep, value = part.partition("=")
        if not sep or not name.strip():
            raise ValidationError(
                _("Write each parameter as “name = value”, not “%(value)s”.") % {"value": part},
                code="parameter",
            )
        parameters.append({"name": name.strip(), "value": value.strip()})
    return parameters


def _areas(text, model_field, lookups):
    slugs = split(text.lower())
    unknown = [slug for slug in slugs if slug not in lookups.areas]
    if unknown:
        raise ValidationError(
            _("Unknown technology areas: %(slugs)s.") % {"slugs": ", ".join(unknown)},
            code="area",
        )
    return slugs


def _contacts(text, model_field, lookups):
    pks = []
    for email in split(text.lower()):
        if email not in lookups.contacts:
            raise ValidationError(
                _("No contact of the institute has the e-mail address %(email)s.")
                % {"email": email},
                code="contact",
            )
        pks += [contact.pk for contact in lookups.contacts[email]]
    return pks


def _readiness(text, model_field, lookups):
    if not text:
        return None
    match = READINESS.match(text)
    level = lookups.readiness.get((match["scale"].lower(), int(match["level"])) if match else None)
    if level is None:
        raise ValidationError(
            _("“%(value)s” is not a readiness level; write the scale and level, e.g. TRL 6.")
            % {"value": text},
            code="readiness",
        )
    return level.pk


def _testbed(text, model_field, lookups):
    if not text:
        return None
    testbed = lookups.testbeds.get(text.lower())
    if testbed is None:
        raise ValidationError(
            _("No testbed of the institute has the key “%(key)s”.") % {"key": text},
            code="testbed",
        )
    return testbed.pk


def _range(text, model_field, lookups):
    return parse_quantity(text, RANGE_DIMENSIONS[model_field.name])


def _list(text, model_field, lookups):
    values = split(text)
    base = model_field.base_field
    if base.choices:
        return [_choice(value, base.choices) for value in values]
    too_long = [value for value in values if len(value) > base.max_length]
    if too_long:
        raise ValidationError(
            _("“%(value)s” is longer than %(max)d characters.")
            % {"value": too_long[0], "max": base.max_length},
            code="max_length",
        )
    return values


def _boolean(text, model_field, lookups):
    if not text:
        return MISSING
    if text.lower() in TRUE:
        return True
    if text.lower() in FALSE:
        return False
    raise ValidationError(_("Write yes or no."), code="boolean")


def _chosen(text, model_field, lookups):
    if not text:
        return MISSING if model_field.has_default() else ""
    return _choice(text, model_field.choices)


def _decimal(text, model_field, lookups):
    if not text:
        return None
    try:
        value = Decimal(plain_number(text))
    except InvalidOperation as error:
        raise ValidationError(
            _("“%(value)s” is not a number.") % {"value": text}, code="number"
        ) from error
    if not value.is_finite():
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": text})
    return str(value)


def _text(text, model_field, lookups):
    # Kept as typed. A cell such as "=HYPERLINK(…)" or "+cmd" is plain text here, and whoever
    # exports it escapes it for spreadsheets.
    return text


def _list_help(model_field) -> str:
    if model_field.base_field.choices:
        return _("One or more of the accepted values, separated by “;”.")
    return _("Values separated by “;”.")


def _choice_help(model_field) -> str:
    return _("One of the accepted values.")


def _range_help(model_field) -> str:
    dimension = RANGE_DIMENSIONS[model_field.name]
    return _("A number with its unit, e.g. %(example)s; a bare number is in %(unit)s.") % {
        "example": {"temperature": "20 mK", "frequency": "5 GHz"}.get(dimension, "1550 nm"),
        "unit": {"temperature": "K", "frequency": "Hz"}.get(dimension, "nm"),
    }


def _links_cell(text, model_field, lookups):
    return _links(text)


def _parameters_cell(text, model_field, lookups):
    return _parameters(text)


def _float(text, model_field, lookups):
    return _number(text) if text else None


@dataclass(frozen=True)
class Column:
    """How a kind of column is read and explained.

    ``parse(text, model_field, lookups)``: the JSON-ready value, MISSING, or ValidationError
    with the reason. ``how``: what to write, a (lazy) text or ``how(model_field)``.
    """

    parse: Callable
    how: object = ""

    def help(self, model_field) -> str:
        return str(self.how(model_field) if callable(self.how) else self.how)


#: Columns read their own way, by name; the range columns are all read as quantities.
NAMED_COLUMNS = {
    "technology_areas": Column(_areas, gettext_lazy("Technology area keys, separated by “;”.")),
    "contacts": Column(
        _contacts, gettext_lazy("E-mail addresses of the institute's contacts, separated by “;”.")
    ),
    "readiness": Column(_readiness, gettext_lazy("Scale and level, e.g. TRL 6 or SRL 3.")),
    "testbed": Column(_testbed, gettext_lazy("The key of one of your testbeds.")),
    "links": Column(_links_cell, gettext_lazy("title | https://… ; separated by “;”.")),
    "parameters": Column(_parameters_cell, gettext_lazy("name = value; separated by “;”.")),
    **{column: Column(_range, _range_help) for column in RANGE_DIMENSIONS},
}

#: Any other column, by the kind of its model field: the first row that fits; text otherwise.
FIELD_COLUMNS = (
    (lambda f: isinstance(f, ArrayField), Column(_list, _list_help)),
    (lambda f: isinstance(f, models.BooleanField), Column(_boolean, gettext_lazy("yes or no."))),
    (lambda f: bool(f.choices), Column(_chosen, _choice_help)),
    (lambda f: isinstance(f, models.FloatField), Column(_float, gettext_lazy("A number."))),
    (lambda f: isinstance(f, models.DecimalField), Column(_decimal, gettext_lazy("A number."))),
)
TEXT_COLUMN = Column(_text)


def _column(model, column: str) -> tuple[Column, object]:
    """How ``column`` of ``model`` is read, with its model field (None for a relation)."""
    if column in RELATION_COLUMNS:
        return NAMED_COLUMNS[column], None
    model_field = model._meta.get_field(column)
    if column in NAMED_COLUMNS:
        return NAMED_COLUMNS[column], model_field
    kind = next((kind for fits, kind in FIELD_COLUMNS if fits(model_field)), TEXT_COLUMN)
    return kind, model_field


def parse_cell(model, column: str, text: str, *, lookups: Lookups):
    """The JSON-ready value of one cell for ``column`` of ``model``, MISSING for an empty cell
    of a field that cannot be empty; ValidationError with the reason otherwise."""
    kind, model_field = _column(model, column)
    return kind.parse(text.strip(), model_field, lookups)


# --- Help for the template ----------------------------------------------------------------------


def column_help(model, column: str) -> str:
    """What a column holds and how to write it, for the template and the import page (the values
    it accepts are listed beside it: ``accepted_values``)."""
    if column == KEY:
        return _(
            "Optional. Leave empty to add a new record. To update one of your records, give its "
            "key: the last part of its address (…/testbeds/KEY/ or …/services/KEY/)."
        )
    kind, model_field = _column(model, column)
    if model_field is None:
        return kind.help(model_field)
    label = str(model_field.verbose_name)
    how = kind.help(model_field)
    # A JSON field's help text shows its stored shape, which a cell is not written in.
    note = "" if isinstance(model_field, models.JSONField) else str(model_field.help_text)
    return " ".join(part for part in (f"{label}.", how, note) if part)


def _choices(model_field) -> list[tuple[str, str]]:
    base = getattr(model_field, "base_field", model_field)
    return [(str(value), str(label)) for value, label in base.choices or ()]


def accepted_values(model, column: str, lookups: Lookups) -> list[tuple[str, str]]:
    """(what to write, what it means) for each value ``column`` accepts, from the live choices
    and tables (``lookups``: the technology areas and readiness levels); [] for free text."""
    if column == "technology_areas":
        return [(slug, translated(area, "name")) for slug, area in lookups.areas.items()]
    if column == "readiness":
        scales: dict = {}
        for (scale, number), level in sorted(lookups.readiness.items()):
            scales.setdefault(scale, []).append((number, level))
        return [
            (
                f"{scale.upper()} {levels[0][0]}\u2026{levels[-1][0]}",
                translated(levels[0][1].scale, "name"),
            )
            for scale, levels in scales.items()
        ]
    if column in RANGE_DIMENSIONS:
        dimension = RANGE_DIMENSIONS[column]
        return [(symbol, "") for _from, _factor, symbol in reversed(DISPLAY_UNITS[dimension])]
    if column in RELATION_COLUMNS or column == KEY:
        return []
    model_field = model._meta.get_field(column)
    if isinstance(model_field, models.BooleanField):
        return [(str(_("yes")), ""), (str(_("no")), "")]
    return _choices(model_field)


#: An example cell for columns whose field does not give one (its first choice, "yes").
EXAMPLES = {
    "name": gettext_lazy("Cryogenic microwave test bench"),
    "summary": gettext_lazy("Characterises superconducting devices at millikelvin temperatures."),
    "quantities": gettext_lazy("noise temperature; T1"),
    "city": "Teddington",
    "latitude": "51.4256",
    "longitude": "-0.3405",
    "links": gettext_lazy("Laboratory page | https://example.org/lab"),
    "temperature_min_k": "20 mK",
    "temperature_max_k": "4 K",
    "frequency_min_hz": "4 GHz",
    "frequency_max_hz": "8 GHz",
    "quantity": gettext_lazy("Optical power in single-mode fibre"),
    "range_lower": "0.1",
    "range_upper": "10",
    "range_unit": "mW",
    "uncertainty_mode": "relative",
    "uncertainty_lower": "0.5",
    "uncertainty_unit": "%",
    "coverage_factor": "2",
    "confidence_level": "95",
    "parameters": gettext_lazy("wavelength = 1550 nm"),
    "lead_time": gettext_lazy("4 to 6 weeks"),
}
#: Columns the example row leaves empty: they name the institute's own rows, or would make the
#: example say something odd (a service's KCDB classification, a testbed's other ranges).
EXAMPLE_EMPTY = {KEY, "contacts", "testbed", "description", "metrology_area", "status"}


def example_row(model, column_names, lookups: Lookups) -> list[str]:
    """One filled-in row for the template, each cell written as the import reads it."""
    row = []
    for column in column_names:
        accepted = [] if column in EXAMPLE_EMPTY else accepted_values(model, column, lookups)
        if column in EXAMPLE_EMPTY or column.startswith("wavelength"):
            cell = ""
        elif column in EXAMPLES:
            cell = str(EXAMPLES[column])
        elif column == "technology_areas":
            cell = f"{SEPARATOR} ".join(value for value, _label in accepted[:2])
        elif column == "readiness":
            cell = " ".join(map(str, min(lookups.readiness))).upper() if lookups.readiness else ""
        elif accepted:
            cell = accepted[0][0]
        else:
            cell = ""
        row.append(cell)
    return row


def template_csv(column_names, example: list[str]) -> bytes:
    """The CSV template: the header row and an example row, UTF-8 with a BOM so spreadsheets
    read accents right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(column_names)
    writer.writerow(example)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx(column_names, example: list[str], help_rows, *, title: str) -> bytes:
    """The XLSX template: the header row and an example row on the first sheet, what each
    column holds and accepts on a second one (the import reads only the first)."""
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(list(column_names))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(list(example))
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet(_("Help")[:31])
    guide.append([_("Column"), _("Required"), _("What to write"), _("Accepted values")])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for column, required, how, accepted in help_rows:
        guide.append([column, _("yes") if required else _("no"), how, accepted_text(accepted)])
    guide.column_dimensions["A"].width = 24
    guide.column_dimensions["C"].width = 80
    guide.column_dimensions["D"].width = 80
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def accepted_text(accepted: list[tuple[str, str]]) -> str:
    """Accepted values on one line: "cryogenics (Cryogenics); qkd (Quantum key distribution)"."""
    return "; ".join(
        f"{value} ({label})" if label and label != value else value for value, label in accepted
    )
