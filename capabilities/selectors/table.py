"""The directory's table view: the testbeds and services of a search, sorted by a column."""

from ..enums import Charging, RecordType
from ..models import Service, Testbed

#: The kinds of record the table lists (institutes and other results stay in the cards).
TABLE_KINDS = (RecordType.TESTBED, RecordType.SERVICE)

#: The columns the table sorts by: per kind, the fields read for the sort (none: the column
#: is empty for that kind, and its records come last).
TABLE_SORTS = {
    "name": {RecordType.TESTBED: ("name",), RecordType.SERVICE: ("name",)},
    "institute": {
        RecordType.TESTBED: ("institute__acronym",),
        RecordType.SERVICE: ("institute__acronym",),
    },
    "quantity": {RecordType.TESTBED: ("quantities",), RecordType.SERVICE: ("quantity",)},
    "range": {RecordType.SERVICE: ("range_base_unit", "range_base_lower")},
    "uncertainty": {
        RecordType.SERVICE: ("uncertainty_base_unit", "uncertainty_base_lower", "uncertainty_lower")
    },
    "instrument": {RecordType.SERVICE: ("instrument", "instrument_method", "method")},
    "kcdb_code": {RecordType.SERVICE: ("kcdb_code",)},
    "lead_time": {RecordType.SERVICE: ("lead_time_weeks_max",)},
    "charging": {RecordType.SERVICE: ("charging",)},
}
_MODELS = {RecordType.TESTBED: Testbed, RecordType.SERVICE: Service}


def _key(column: str, values: tuple):
    """What a record is sorted by in ``column``, or None to come last."""
    if column == "range":
        unit, lower = values
        return None if lower is None else (unit, lower)
    if column == "uncertainty":
        unit, base, lower = values
        value = base if base is not None else lower
        return None if value is None else (unit, value)
    if column == "lead_time":
        return values[0]
    if column == "charging":
        return str(Charging(values[0]).label).casefold()
    words = (" ".join(value) if isinstance(value, list) else value for value in values)
    text = " ".join(word for word in words if word).casefold()
    return text or None


def parse_table_sort(sort: str) -> tuple[str, bool] | None:
    """("institute", descending) for a ``sort`` of the table ("institute", "-institute")."""
    column = sort.removeprefix("-")
    return (column, sort.startswith("-")) if column in TABLE_SORTS else None


def table_rows(*, rows, sort: str = ""):
    """The testbed and service rows of a search (``DirectorySearch.rows``), sorted by a
    ``TABLE_SORTS`` column when ``sort`` names one (else in their order, read a page at a
    time): records without a value last, ties by name and id. Sorted by a column, every row's
    key is read: one query for the rows and one per kind sorted, whatever the page size."""
    rows = rows.of_kinds(TABLE_KINDS)
    parsed = parse_table_sort(sort)
    if parsed is None:
        return rows
    rows = list(rows)
    column, descending = parsed
    keys = {}
    for kind, fields in TABLE_SORTS[column].items():
        pks = [pk for row_kind, pk, *_rest in rows if row_kind == kind]
        if pks:
            found = _MODELS[kind].objects.filter(pk__in=pks).values_list("pk", *fields)
            keys.update({(kind, pk): _key(column, values) for pk, *values in found})
    ordered = sorted(rows, key=lambda row: (row[2].casefold(), row[1], row[0]))
    given = [row for row in ordered if keys.get((row[0], row[1])) is not None]
    missing = [row for row in ordered if keys.get((row[0], row[1])) is None]
    given.sort(key=lambda row: keys[row[0], row[1]], reverse=descending)
    return given + missing
