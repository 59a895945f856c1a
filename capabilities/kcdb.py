"""The KCDB's own shapes of a CMC, read as they are: the API's JSON records and CSV/XLSX files
whose columns carry the KCDB's names, turned into the fields of a service.

Nothing here reads the database or writes: ``services.import_check`` matches the rows to
institutes and records and checks them as every other import row is checked.
"""

import html
import json
import re
from dataclasses import dataclass, field

import nh3
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from nmiq_portal.core.numbers import plain_number

from .enums import MetrologyArea, UncertaintyMode
from .models import Service
from .units import DIMENSION_NAMES, convert, dimension_of, parse_unit, registry

KCDB_CODE = re.compile(
    r"^(?P<rmo>[A-Z]+)-(?P<area>[A-Z]{1,3})-(?P<economy>[A-Z]{2})-(?P<id>[0-9A-Z]{8})-(?P<version>\d+)$"
)
#: Text parameters in one cell: "Frequency: 50 Hz to 60 Hz | Voltage (AC): 0.1 kV to 500 kV".
PARAMETER_SEPARATOR = "|"
_NUMBER = r"[-+]?\d+(?:[.,]\d+)?(?:[eE][-+]?\d+)?"
_UNIT = r"[a-zA-Zµμ°Ω%][\w°µμ/^*·]*"
#: "1550 nm ± 20 nm", "850 nm ±30 nm": a centre and a half-width.
PLUS_MINUS = re.compile(
    rf"(?P<centre>{_NUMBER})\s*(?P<unit>{_UNIT})?\s*±\s*(?P<half>{_NUMBER})\s*(?P<half_unit>{_UNIT})?"
)
#: One value with its unit inside a range text ("0.1 kV", "116.5 GHz", "2700 K").
VALUE = re.compile(rf"(?<![\w.])(?P<value>{_NUMBER})\s*(?P<unit>{_UNIT})?(?![\w])")
#: "± 1.0%", "± 0.3 %", "1.0 %": a relative uncertainty.
RELATIVE = re.compile(rf"^\s*±?\s*(?P<value>{_NUMBER})\s*%")


def code_id(code: str) -> str:
    """A KCDB code without its version: what stays the same from one version to the next."""
    match = KCDB_CODE.match(code or "")
    return code.rsplit("-", 1)[0] if match else ""


def code_version(code: str) -> int | None:
    match = KCDB_CODE.match(code or "")
    return int(match["version"]) if match else None


def _key(name: str) -> str:
    """A column or JSON key as the mapping knows it: "kcdbCode", "kcdb_code" and "KCDB code"
    are one."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


#: The KCDB's names of a CMC's parts (the API's keys and the names KCDB exports and listings
#: give their columns), by what the import makes of them.
NAMES = {
    "code": ("kcdbCode", "kcdb_code"),
    "nmi": ("nmiCode", "nmi_code", "nmi", "nmiAcronym"),
    "area": ("metrologyAreaLabel", "area_label", "area_from_code"),
    "branch": ("branchValue", "branch"),
    "service": ("serviceValue", "service", "categoryValue"),
    "sub_service": ("subServiceValue", "sub_service", "subCategoryValue"),
    "individual_service": (
        "individualServiceValue",
        "individual_service_value",
        "individual_service",
    ),
    "quantity": ("quantityValue", "quantity"),
    "instrument": ("instrument", "mechanism"),
    "instrument_method": ("instrumentMethod", "instrument_method", "measurmentTechnique"),
    # What a chemistry or radiation CMC measures the quantity of, and in what.
    "analyte": ("analyteValue", "nuclideValue"),
    "matrix": ("analyteMatrix", "mediumValue"),
    "parameters": ("parameters",),
    "lower": ("cmc.lowerLimit", "cmc_lower_limit", "lower_limit"),
    "upper": ("cmc.upperLimit", "cmc_upper_limit", "upper_limit"),
    "unit": ("cmc.unit", "cmc_unit", "unit"),
    "uncertainty_lower": ("cmcUncertainty.lowerLimit", "uncertainty_lower_limit"),
    "uncertainty_upper": ("cmcUncertainty.upperLimit", "uncertainty_upper_limit"),
    "uncertainty_unit": ("cmcUncertainty.unit", "uncertainty_unit"),
    "uncertainty_text": ("typical_uncertainty_as_published", "uncertainty"),
    "uncertainty_mode": ("uncertaintyMode", "uncertainty_mode"),
    "coverage_factor": ("coverageFactor", "coverage_factor"),
    "confidence_level": ("confidenceLevel", "confidence_level"),
    "equation": ("uncertaintyEquation.equation", "uncertainty_equation"),
    "table_contents": ("uncertaintyTable.tableContents",),
    "traceability": ("traceabilitySource", "traceability_source"),
    "comments": ("comments", "note_as_published"),
    # The columns of an NMI's own service listing: each is a parameter of the service.
    "wavelength": ("wavelength",),
    "fibre": ("fibre", "fiber"),
    "power_range": ("power_range",),
}
KEYS = {_key(name): part for part, names in NAMES.items() for name in names}
#: The parts that, alone, tell a KCDB file from the portal's own template.
SIGNATURE = {"code", "nmi"}
#: Parameters that come from columns of their own, with the name they show.
PARAMETER_COLUMNS = {
    "analyte": "Analyte",
    "matrix": "Matrix",
    "wavelength": "Wavelength",
    "fibre": "Fibre",
    "power_range": "Power",
}
#: Text fields of a service, by the part of a CMC they copy.
TEXT_FIELDS = {
    "branch": "branch",
    "kcdb_service": "service",
    "sub_service": "sub_service",
    "individual_service": "individual_service",
    "quantity": "quantity",
    "instrument": "instrument",
    "instrument_method": "instrument_method",
    "traceability": "traceability",
    "description": "comments",
}
#: The parts a service's parameters come from.
PARAMETER_PARTS = {"parameters", "unit", *PARAMETER_COLUMNS}
#: The parameter names that make a length range a wavelength range.
WAVELENGTH_WORDS = ("wavelength",)
#: KCDB uncertainty modes, by their spelling in the KCDB.
MODES = {"absolute": UncertaintyMode.ABSOLUTE, "relative": UncertaintyMode.RELATIVE}


def is_kcdb(columns) -> bool:
    """True when the file's columns (or a record's keys) are the KCDB's, not the template's."""
    parts = {KEYS.get(_key(name)) for name in columns}
    return bool(parts & SIGNATURE)


def flatten(record: dict) -> dict:
    """A KCDB API record with its nested parts as "cmc.lowerLimit" keys; other rows unchanged."""
    flat = {}
    for name, value in record.items():
        if isinstance(value, dict):
            for inner, inner_value in value.items():
                flat[f"{name}.{inner}"] = inner_value
        else:
            flat[name] = value
    return flat


def read_json(data: bytes, *, max_rows: int) -> list[dict]:
    """The CMC records of a KCDB API answer (its ``data``) or of a list of records."""
    not_json = ValidationError(
        _("This is not a KCDB JSON file: it should hold the API's CMC records."), code="type"
    )
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise not_json from error
    records = document.get("data") if isinstance(document, dict) else document
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise not_json
    if not records:
        raise ValidationError(_("The file holds no CMC records."), code="empty")
    if len(records) > max_rows:
        raise ValidationError(
            _("The file has more than %(max)d rows; split it into smaller files.")
            % {"max": max_rows},
            code="rows",
        )
    return [flatten(record) for record in records]


def clean_text(value) -> str:
    """KCDB text without its HTML: line breaks kept as "; ", entities decoded, tags gone."""
    if value is None:
        return ""
    text = re.sub(r"[,;]?\s*<br\s*/?>\s*", "; ", str(value), flags=re.IGNORECASE)
    text = html.unescape(nh3.clean(text, tags=set()))
    return " ".join(text.replace("\r", " ").replace("\n", " ").split()).strip(" ;")


@dataclass
class Row:
    """One CMC as the import reads it: the service's fields, its NMI and what is wrong."""

    nmi: str = ""
    nmi_column: str = ""
    code: str = ""
    code_column: str = ""
    values: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)

    def error(self, column: str, message: str) -> None:
        self.errors.append({"column": column, "message": message})


def columns_read(columns) -> tuple[dict, list[str]]:
    """{part: column} for the columns the import reads, and the columns it ignores. A part
    the file names twice (the API's analyteValue and nuclideValue) is read from whichever a
    row fills (``read_row``)."""
    read, ignored = {}, []
    for column in columns:
        part = KEYS.get(_key(column))
        if part is None:
            ignored.append(column)
        else:
            read.setdefault(part, column)
    return read, ignored


def _quantity_values(text: str):
    """The values with units in ``text``, as (magnitude, pint unit or None)."""
    found = []
    for match in VALUE.finditer(text):
        try:
            unit = parse_unit(match["unit"]) if match["unit"] else None
        except ValidationError:
            unit = None  # a word after a bare number ("2 to 8 GHz")
        found.append((float(match["value"].replace(",", ".")), unit))
    return found


def _same_kind(value: str, units: list, dimension: str | None) -> None:
    """Refuse a range whose ends are in units of different kinds ("1 K to 5 GHz")."""
    first = registry().Quantity(1, units[0]).dimensionality
    for unit in units[1:]:
        if registry().Quantity(1, unit).dimensionality != first:
            raise ValidationError(
                _("“%(value)s” mixes units: %(unit)s is not a unit of %(dimension)s.")
                % {
                    "value": value,
                    "unit": f"{unit:~P}",
                    "dimension": DIMENSION_NAMES.get(dimension, f"{units[0]:~P}"),
                },
                code="dimension",
            )


def parameter_range(name: str, value: str) -> tuple[str | None, tuple[float, float] | None]:
    """The searchable range a parameter states, as (dimension, (low, high)) in the stored
    units, when it is a temperature, frequency or wavelength; ValidationError when its values
    mix units of different kinds ("1 K to 5 GHz")."""
    plus_minus = PLUS_MINUS.search(value)
    if plus_minus and plus_minus["unit"]:
        centre, half = float(plus_minus["centre"]), float(plus_minus["half"])
        unit = parse_unit(plus_minus["unit"])
        half_unit = plus_minus["half_unit"]
        if half_unit and half_unit != "%":
            values = [(centre, unit), (half, parse_unit(half_unit))]
            _same_kind(value, [unit for _number, unit in values], dimension_of(unit))
            half = registry().Quantity(half, values[1][1]).to(unit).magnitude
        values = [(centre - half, unit), (centre + half, unit)]
    else:
        values = _quantity_values(value)
    units = [unit for _value, unit in values if unit is not None]
    if not units:
        return None, None
    dimension = dimension_of(units[0])
    if dimension == "frequency" and not str(units[0]).endswith("hertz"):
        dimension = None  # a becquerel is also 1/s
    if dimension == "wavelength" and not any(w in name.lower() for w in WAVELENGTH_WORDS):
        dimension = None
    if dimension is None:
        return None, None
    _same_kind(value, units, dimension)
    # A bare number takes the unit of the value after it ("2 to 8 GHz").
    converted, pending = [], []
    for magnitude, unit in values:
        pending.append(magnitude)
        if unit is not None:
            converted += [convert(number, unit, dimension) for number in pending]
            pending = []
    return dimension, (min(converted), max(converted))


def parse_parameters(text: str) -> list[dict]:
    """ "Frequency: 50 Hz to 60 Hz | Voltage (AC): 0.1 kV to 500 kV" as [{name, value}]."""
    parameters = []
    for part in (text or "").split(PARAMETER_SEPARATOR):
        name, sep, value = part.partition(":")
        if not sep:
            name, value = "", name
        name, value = clean_text(name), clean_text(value)
        if value:
            parameters.append({"name": name, "value": value})
    return parameters


def _parameters(raw) -> list[dict]:
    if isinstance(raw, list):
        return [
            {
                "name": clean_text(p.get("parameterName")),
                "value": clean_text(p.get("parameterValue")),
            }
            for p in raw
            if isinstance(p, dict) and clean_text(p.get("parameterValue"))
        ]
    return parse_parameters(str(raw or ""))


def _number(text) -> float | None:
    if text is None or str(text).strip() == "":
        return None
    try:
        return float(plain_number(str(text).strip()))
    except ValueError as error:
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": text}) from error


def _area(code: str, label: str) -> str:
    label = (label or "").strip().upper() or (
        KCDB_CODE.match(code)["area"] if KCDB_CODE.match(code) else ""
    )
    return label if label in MetrologyArea.values else ""


def _table(contents) -> str:
    """An uncertainty table's contents ({"row_1": {"col_1": …}}) as CSV text."""
    try:
        rows = json.loads(contents) if isinstance(contents, str) else contents
    except ValueError:
        return ""
    if not isinstance(rows, dict):
        return ""
    lines = []
    for row in rows.values():
        if isinstance(row, dict):
            cells = [clean_text(cell).replace('"', "'") for cell in row.values()]
            lines.append(",".join(f'"{cell}"' for cell in cells))
    return "\n".join(lines)


def _set_ranges(row: Row, parameters: list[dict], column: str) -> None:
    ranges: dict[str, tuple[float, float]] = {}
    for parameter in parameters:
        try:
            dimension, found = parameter_range(parameter["name"], parameter["value"])
        except ValidationError as error:
            row.error(column, " ".join(error.messages))
            continue
        if dimension is not None:
            low, high = ranges.get(dimension, found)
            ranges[dimension] = (min(low, found[0]), max(high, found[1]))
    names = {
        "temperature": "temperature_{}_k",
        "frequency": "frequency_{}_hz",
        "wavelength": "wavelength_{}_nm",
    }
    for dimension, (low, high) in ranges.items():
        row.values[names[dimension].format("min")] = low
        row.values[names[dimension].format("max")] = high


def _uncertainty(row: Row, cells: dict, read: dict) -> None:
    values = row.values
    mode = str(cells.get("uncertainty_mode") or "").strip().lower()
    if mode:
        if mode not in MODES:
            row.error(
                read["uncertainty_mode"],
                _("“%(value)s” is not Absolute or Relative.") % {"value": mode},
            )
        else:
            values["uncertainty_mode"] = MODES[mode]
    for end in ("lower", "upper"):
        try:
            number = _number(cells.get(f"uncertainty_{end}"))
        except ValidationError as error:
            row.error(read[f"uncertainty_{end}"], " ".join(error.messages))
            continue
        if number is not None:
            values[f"uncertainty_{end}"] = number
    unit = clean_text(cells.get("uncertainty_unit"))
    if unit:
        values["uncertainty_unit"] = unit
        if unit == "%" and not mode:
            values["uncertainty_mode"] = UncertaintyMode.RELATIVE
    text = clean_text(cells.get("uncertainty_text"))
    if text:
        relative = RELATIVE.match(text)
        if relative is None:
            row.error(
                read["uncertainty_text"],
                _("Write the uncertainty as “± 1.0 %%”, not “%(value)s”.") % {"value": text},
            )
        else:
            values["uncertainty_lower"] = values["uncertainty_upper"] = float(relative["value"])
            values["uncertainty_mode"] = UncertaintyMode.RELATIVE
            values["uncertainty_unit"] = "%"
    for part, name in (
        ("coverage_factor", "coverage_factor"),
        ("confidence_level", "confidence_level"),
    ):
        try:
            number = _number(cells.get(part))
        except ValidationError as error:
            row.error(read[part], " ".join(error.messages))
            continue
        if number is not None:
            values[name] = str(round(number, 2 if part == "coverage_factor" else 1))
    equation = clean_text(cells.get("equation"))
    if equation:
        values["uncertainty_equation"] = equation
    table = _table(cells.get("table_contents"))
    if table:
        values["uncertainty_table"] = table


def _range(row: Row, cells: dict, read: dict, parameters: list[dict]) -> None:
    values = row.values
    unit = clean_text(cells.get("unit"))
    limits = {}
    for end in ("lower", "upper"):
        try:
            limits[end] = _number(cells.get(end))
        except ValidationError as error:
            row.error(read[end], " ".join(error.messages))
    if not any(value is not None for value in limits.values()):
        if unit:  # a CMC without limits still says what it is measured in
            parameters.append({"name": "Unit", "value": unit})
        return
    if not unit:
        row.error(read.get("unit", read.get("lower", "")), _("Give the unit of the range."))
        return
    try:
        parse_unit(unit)
    except ValidationError as error:
        row.error(read.get("unit", ""), " ".join(error.messages))
        return
    values["range_unit"] = unit
    for end, value in limits.items():
        if value is not None:
            values[f"range_{end}"] = value


def _name(row: Row, cells: dict, parameters: list[dict]) -> str:
    parts = [
        clean_text(cells.get(part))
        for part in ("individual_service", "quantity", "sub_service", "service")
    ]
    name = next((part for part in parts if part), "")
    analyte = clean_text(cells.get("analyte"))
    if analyte and analyte.lower() not in name.lower():
        name = f"{name}, {analyte}"
    if not row.code and parameters:
        # Without a KCDB code, the parameters tell the rows of a listing apart.
        name = f"{name}: {', '.join(p['value'] for p in parameters)}"
    return name[:200]


def read_row(raw: dict, read: dict) -> Row:
    """One row of a KCDB file (a flattened API record or the cells of a CSV/XLSX row, by the
    columns ``read``) as the fields of a service."""
    cells = {part: raw.get(column) for part, column in read.items()}
    for name, value in raw.items():
        part = KEYS.get(_key(name))
        if part in read and cells[part] in ("", None):
            cells[part] = value
    code = clean_text(cells.get("code")).upper()
    row = Row(
        nmi=clean_text(cells.get("nmi")),
        nmi_column=read.get("nmi", ""),
        code=code,
        code_column=read.get("code", ""),
    )
    if code and not KCDB_CODE.match(code):
        row.error(
            row.code_column,
            _("“%(code)s” is not a KCDB code (e.g. EURAMET-EM-CH-00000GFB-5).") % {"code": code},
        )
        code = row.code = ""
    parameters = _parameters(cells.get("parameters"))
    parameters += [
        {"name": label, "value": clean_text(cells[part])}
        for part, label in PARAMETER_COLUMNS.items()
        if clean_text(cells.get(part))
    ]
    _range(row, cells, read, parameters)
    _set_ranges(row, parameters, read.get("parameters", read.get("wavelength", "")))
    _uncertainty(row, cells, read)
    values = row.values
    values["name"] = _name(row, cells, parameters)
    if "code" in read:
        values["kcdb_code"] = code
    if "area" in read or "code" in read:
        values["metrology_area"] = _area(code, clean_text(cells.get("area")))
    # Only what the file has a column for: a listing without comments keeps a description.
    for name, part in TEXT_FIELDS.items():
        if part in read:
            values[name] = clean_text(cells.get(part))[: Service._meta.get_field(name).max_length]
    if parameters or PARAMETER_PARTS & set(read):
        values["parameters"] = parameters
    if not values["name"]:
        row.error(
            read.get("individual_service", read.get("quantity", "")),
            _("The row names no service or quantity."),
        )
    return row


# --- The KCDB API -------------------------------------------------------------------------------

API = "https://www.bipm.org/api/kcdb"
#: The search endpoint of each metrology area's domain.
AREA_SEARCH = {
    **{area: "physics" for area in ("AUV", "EM", "L", "M", "PR", "T", "TF")},
    "QM": "chemistryAndBiology",
    "RI": "radiation",
}
API_PAGE_SIZE = 100
API_TIMEOUT = 30


def fetch_cmcs(*, nmi: str, country: str, areas, session) -> list[dict]:
    """The published CMCs of the NMI ``nmi`` (its KCDB code) in ``country`` (ISO 3166 alpha-2),
    one search per metrology area and page, as the import reads them (flattened)."""
    records = []
    for area in areas:
        page, pages = 0, 1
        while page < pages:
            response = session.post(
                f"{API}/cmc/searchData/{AREA_SEARCH[area]}",
                json={
                    "metrologyAreaLabel": area,
                    "countries": [country],
                    "page": page,
                    "pageSize": API_PAGE_SIZE,
                    "showTable": False,
                },
                timeout=API_TIMEOUT,
            )
            response.raise_for_status()
            answer = response.json()
            pages = answer.get("totalPages") or 0
            records += [
                flatten(record)
                for record in answer.get("data") or []
                if str(record.get("nmiCode", "")).lower() == nmi.lower()
            ]
            page += 1
    return records
