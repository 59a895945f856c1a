"""Raw samples of a benchmark result read from an uploaded CSV: a ``value`` column, and
optionally a ``time`` column (seconds since the start, e.g. a T1 trace)."""

import math

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from capabilities.imports import read_table
from nmiq_portal.core.numbers import plain_number

#: Largest file and most rows accepted (a T1 trace of a few thousand points fits easily).
MAX_SAMPLE_BYTES = 1_000_000
MAX_SAMPLES = 20_000
COLUMNS = {"value", "time"}


def _number(text: str, *, row: int, column: str) -> float:
    try:
        number = float(plain_number(text))
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise ValidationError(
            _("Row %(row)d: “%(text)s” in the column “%(column)s” is not a number.")
            % {"row": row, "text": text[:40], "column": column},
            code="number",
        )
    return number


def read_samples(upload) -> tuple[list[float], list[float]]:
    """(values, times) of the CSV ``upload`` (times empty without a time column). A single
    unnamed column of numbers is read as values. ValidationError names the row at fault."""
    if upload.size > MAX_SAMPLE_BYTES:
        raise ValidationError(
            _("The samples file is over %(max)d kB.") % {"max": MAX_SAMPLE_BYTES // 1000},
            code="size",
        )
    rows = read_table(upload, max_rows=MAX_SAMPLES)
    header = set(rows[0])
    if "value" in header and header <= COLUMNS:
        first = 2
    elif len(header) == 1:
        # No header: the first line is the first sample.
        (name,) = header
        rows = [{"value": name}, *({"value": row[name]} for row in rows)]
        first = 1
    else:
        raise ValidationError(
            _("Name the columns “value” (and “time”, in seconds, for a time trace)."),
            code="header",
        )
    values, times = [], []
    for number, row in enumerate(rows, start=first):
        if not any(row.values()):
            continue
        values.append(_number(row["value"], row=number, column="value"))
        if "time" in row:
            times.append(_number(row["time"], row=number, column="time"))
    return values, times
