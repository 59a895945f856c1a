"""Values as pages show them: numbers and units as metrologists read them, a service's
KCDB-like measurement block, a record's choices and links, and the values of its history."""

import csv
import io
import re
from functools import cache
from urllib.parse import urlencode, urlsplit

from django.utils import formats
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django_countries import countries

from . import units
from .enums import AccessMode, Audience, UncertaintyMode
from .models import CapabilityRecord, KcdbLabel, Service


def _number(value: float) -> str:
    text = f"{value:.6g}"
    if "e" in text:
        text = f"{value:.0f}" if abs(value) >= 1 else f"{value:.3e}"
    return text.replace(".", formats.get_format("DECIMAL_SEPARATOR"))


def format_quantity(value: float, dimension: str) -> str:
    """A stored value (K, Hz, nm) as a page shows it: "20 mK", "5 GHz", "1550 nm"."""
    number, symbol = units.scaled(value, dimension)
    return f"{_number(number)}\u00a0{symbol}"


def format_range(low, high, fmt) -> str:
    """A range such as "20 mK to 300 K", "from 4 K" or "up to 8 GHz"; "" without ends."""
    if low is not None and high is not None:
        return fmt(low) if low == high else f"{fmt(low)} \u2013 {fmt(high)}"
    if low is not None:
        return _("from %(value)s") % {"value": fmt(low)}
    if high is not None:
        return _("up to %(value)s") % {"value": fmt(high)}
    return ""


_RANGE_LABELS = {
    "temperature": gettext_lazy("Temperature"),
    "frequency": gettext_lazy("Frequency"),
    "wavelength": gettext_lazy("Wavelength"),
}


def operating_ranges(record) -> list[tuple[str, str]]:
    """(dimension, "20 mK to 300 K") for each operating range the record gives."""
    ranges = []
    for dimension, (low, high) in record.RANGE_FIELDS.items():
        text = format_range(
            getattr(record, low),
            getattr(record, high),
            lambda value, dimension=dimension: format_quantity(value, dimension),
        )
        if text:
            ranges.append((str(_RANGE_LABELS[dimension]), text))
    return ranges


def _with_unit(unit: str):
    return lambda value: f"{_number(value)}\u00a0{unit}".rstrip()


def service_measurement(service: Service) -> dict:
    """The KCDB-like block of a service: its range and expanded uncertainty, ready to show."""
    uncertainty = ""
    table = None
    if service.uncertainty_mode in (UncertaintyMode.ABSOLUTE, UncertaintyMode.RELATIVE):
        unit = "%" if service.uncertainty_mode == UncertaintyMode.RELATIVE else ""
        unit = service.uncertainty_unit or unit
        uncertainty = format_range(
            service.uncertainty_lower, service.uncertainty_upper, _with_unit(unit)
        )
    elif service.uncertainty_mode == UncertaintyMode.TABLE and service.uncertainty_table:
        rows = [row for row in csv.reader(io.StringIO(service.uncertainty_table)) if row]
        table = {"header": rows[0], "rows": rows[1:]} if rows else None
    return {
        "range": format_range(
            service.range_lower, service.range_upper, _with_unit(service.range_unit)
        ),
        "uncertainty": uncertainty,
        "equation": service.uncertainty_equation
        if service.uncertainty_mode == UncertaintyMode.EQUATION
        else "",
        "table": table,
        "parameters": [
            (str(p.get("name", "")), str(p.get("value", "")))
            for p in service.parameters or []
            if isinstance(p, dict)
        ],
        "kcdb_url": (
            "https://www.bipm.org/kcdb/cmc/quick-search?"
            + urlencode({"keywords": service.kcdb_code})
            if service.kcdb_code
            else ""
        ),
    }


def kcdb_taxonomy(service: Service) -> list[str]:
    """The service's place in the KCDB's taxonomy, from its metrology area down, in the
    reader's language where the KCDB's names have a translation (a repeated level once)."""
    branch = KcdbLabel.labels(KcdbLabel.Level.BRANCH, [service.branch] if service.branch else [])
    named = KcdbLabel.labels(
        KcdbLabel.Level.SERVICE, [service.kcdb_service] if service.kcdb_service else []
    )
    trail = [
        service.get_metrology_area_display(),
        branch.get(service.branch, ""),
        named.get(service.kcdb_service, ""),
        service.sub_service,
        service.individual_service,
    ]
    shown: list[str] = []
    for level in trail:
        if level and (not shown or shown[-1] != level):
            shown.append(level)
    return shown


@cache
def _labels(source, language: str | None) -> dict[str, str]:
    """The labels of ``source``'s choices in ``language``: ``source`` is a choices enum or a
    (model, field name) pair. The choices and their translations do not change while a
    process runs; Django's ``get_<field>_display`` translates every label of a field on each
    call (to hash them), which was half the time of a CSV of 20,000 records."""
    if isinstance(source, tuple):
        model, name = source
        choices = model._meta.get_field(name).flatchoices
    else:
        choices = source.choices
    return {value: str(label) for value, label in choices}


def label(choices, value) -> str:
    """``value`` of a choices enum as people read it (``value`` itself if it is not one)."""
    return _labels(choices, get_language()).get(value, value)


def field_label(record, name: str) -> str:
    """What ``record.get_<name>_display()`` shows."""
    value = getattr(record, name)
    return _labels((type(record), name), get_language()).get(value, value)


@cache
def _country_names(language: str | None) -> dict[str, str]:
    return {code: str(name) for code, name in countries}


def country_name(country) -> str:
    """An economy's name in the language in use (its code if it has none)."""
    return _country_names(get_language()).get(country.code, country.code)


def choice_labels(record) -> dict[str, list[str]]:
    """The access modes and audiences of a testbed or service, as people read them."""
    return {
        "access_modes": [label(AccessMode, value) for value in record.access_modes],
        "audiences": [label(Audience, value) for value in record.audiences],
    }


def safe_links(record) -> list[dict]:
    """A testbed's links that point to http(s) pages; anything else is not shown."""
    links = []
    for link in getattr(record, "links", None) or []:
        url = str(link.get("url", "")) if isinstance(link, dict) else str(link)
        if urlsplit(url).scheme in ("http", "https"):
            title = link.get("title") if isinstance(link, dict) else ""
            links.append({"title": title or url, "url": url})
    return links


# --- Values in a record's history --------------------------------------------------------------
# Each row: (does it apply to this field and value, how to show the value), the first that
# applies wins; an empty value and a related row are settled before the table.


def _choices_of_items(field_):
    return getattr(getattr(field_, "base_field", None), "flatchoices", None)


def _is_country(value) -> bool:
    return hasattr(value, "name") and hasattr(value, "code")  # a django-countries Country


def _pairs_text(items: list) -> str:
    """[{'title': 'Site', 'url': 'https://…'}, …] as "Site (https://…); …": a JSON list of
    links or parameters as a person reads it, its name first."""
    shown = []
    for item in items:
        if not isinstance(item, dict):
            shown.append(str(item))
            continue
        name = next((str(item[k]) for k in ("title", "name") if item.get(k)), "")
        rest = [str(v) for k, v in item.items() if v not in (None, "") and str(v) != name]
        if name and rest:
            shown.append(f"{name} ({', '.join(rest)})")
        else:
            shown.append(name or ", ".join(rest))
    return "; ".join(shown)


#: Number fields of a record whose value is in a unit another field of the same snapshot names.
_VALUE_UNITS = {
    "range_lower": "range_unit",
    "range_upper": "range_unit",
    "uncertainty_lower": "uncertainty_unit",
    "uncertainty_upper": "uncertainty_unit",
}
#: Number fields stored in the base unit of a dimension (K, Hz, nm), shown as the record's page
#: shows them ("10 mK", "8 GHz").
_BASE_UNIT_FIELDS = {
    name: dimension for dimension, pair in CapabilityRecord.RANGE_FIELDS.items() for name in pair
}


def _quantity(field_, value, snapshot):
    if field_.name in _BASE_UNIT_FIELDS:
        return format_quantity(value, _BASE_UNIT_FIELDS[field_.name])
    unit = getattr(snapshot, _VALUE_UNITS[field_.name], "") or ""
    return _with_unit(unit)(value)


_HISTORY_FORMATS = (
    (
        lambda f, v: isinstance(v, int | float) and f.name in _BASE_UNIT_FIELDS | _VALUE_UNITS,
        _quantity,
    ),
    (
        lambda f, v: isinstance(v, list) and _choices_of_items(f),
        lambda f, v, s: ", ".join(str(dict(_choices_of_items(f)).get(i, i)) for i in v),
    ),
    (lambda f, v: bool(f.choices), lambda f, v, s: str(dict(f.flatchoices).get(v, v))),
    (lambda f, v: isinstance(v, bool), lambda f, v, s: str(_("yes") if v else _("no"))),
    (lambda f, v: _is_country(v), lambda f, v, s: str(v.name)),
    (lambda f, v: isinstance(v, float), lambda f, v, s: _number(v)),
    (
        lambda f, v: isinstance(v, list) and not _has_dicts(v),
        lambda f, v, s: ", ".join(map(str, v)),
    ),
    (lambda f, v: isinstance(v, list), lambda f, v, s: _pairs_text(v)),
    (
        lambda f, v: isinstance(v, dict),
        lambda f, v, s: "; ".join(f"{key}: {item}" for key, item in v.items()),
    ),
)


def history_label(field_) -> str:
    """A field's name in the history panel: a range field's without its base unit ("lowest
    temperature", not "lowest temperature (K)"), since its values carry their own."""
    label = str(field_.verbose_name)
    if field_.name in _BASE_UNIT_FIELDS:
        label = re.sub(r"\s*\([^)]*\)$", "", label)
    return label


def history_same(field_, old, new) -> bool:
    """Whether a field's value is unchanged between two snapshots: lists of plain values (areas,
    access modes, quantities) are sets, so a reordering is no change."""
    if isinstance(old, list) and isinstance(new, list) and not _has_dicts(old + new):
        return sorted(map(str, old)) == sorted(map(str, new))
    return old == new


def _has_dicts(items: list) -> bool:
    return any(isinstance(item, dict | list) for item in items)


def history_value(field_, value, labels: dict, snapshot=None) -> str:
    """A stored value of ``field_`` as the history panel shows it, as it was typed with its unit
    (``snapshot`` is the row it was read from, which names a value's unit); ``labels`` names
    related rows by (field name, pk)."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if field_.is_relation:
        return labels.get((field_.name, value), str(value))
    for applies, shown in _HISTORY_FORMATS:
        if applies(field_, value):
            return shown(field_, value, snapshot)
    return str(value)


# --- A record in the directory's table, and in its CSV export ----------------------------------

#: The table's columns after the name, in order: (key, heading). Every one is shown unless the
#: visitor chooses some (``cols``), and the CSV of the table view has the same.
TABLE_COLUMNS = (
    ("institute", gettext_lazy("Institute")),
    ("quantity", gettext_lazy("Quantity")),
    ("range", gettext_lazy("Range")),
    ("uncertainty", gettext_lazy("Expanded uncertainty")),
    ("instrument", gettext_lazy("Instrument / method")),
    ("kcdb_code", gettext_lazy("KCDB code")),
    ("lead_time", gettext_lazy("Lead time")),
    ("charging", gettext_lazy("Charging")),
    ("access", gettext_lazy("Access")),
)


def _coverage(service: Service) -> str:
    """An expanded uncertainty's coverage as the KCDB states it ("k = 2, 95 % level of
    confidence"); "" without."""
    parts = []
    if service.coverage_factor is not None:
        parts.append(_("k = %(k)s") % {"k": _number(float(service.coverage_factor))})
    if service.confidence_level is not None:
        level = _number(float(service.confidence_level))
        parts.append(_("%(level)s %% level of confidence") % {"level": level})
    return ", ".join(parts)


def uncertainty_text(service: Service) -> str:
    """A service's expanded uncertainty in one line, with its coverage: "0.5 % (k = 2, 95 %
    level of confidence)", an equation as written, or a pointer to the record's table."""
    measurement = service_measurement(service)
    text = measurement["uncertainty"] or measurement["equation"]
    if not text and measurement["table"]:
        text = _("table on the record")
    if not text:
        return ""
    coverage = _coverage(service)
    return f"{text} ({coverage})" if coverage else text


def _ranges_text(record) -> str:
    return "; ".join(f"{label}: {text}" for label, text in operating_ranges(record))


def table_cells(record) -> dict[str, str]:
    """A testbed's or service's cells of ``TABLE_COLUMNS`` as the table shows them: ranges with
    the unit the record gives, choices by their labels; "" where a column does not apply."""
    cells = {key: "" for key, _label in TABLE_COLUMNS}
    cells["institute"] = record.institute.acronym
    cells["access"] = ", ".join(choice_labels(record)["access_modes"])
    if not isinstance(record, Service):
        cells["quantity"] = ", ".join(record.quantities)
        cells["range"] = _ranges_text(record)
        return cells
    measured = format_range(record.range_lower, record.range_upper, _with_unit(record.range_unit))
    instrument = " / ".join(part for part in (record.instrument, record.instrument_method) if part)
    cells.update(
        quantity=record.quantity,
        range=measured or _ranges_text(record),
        uncertainty=uncertainty_text(record),
        instrument=instrument or record.method,
        kcdb_code=record.kcdb_code,
        lead_time=record.lead_time,
        charging=field_label(record, "charging"),
    )
    return cells
