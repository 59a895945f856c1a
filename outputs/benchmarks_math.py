"""Numbers of benchmark results: a value typed in one unit expressed in the benchmark's, and
what raw samples say (mean, median, spread, percentiles, a histogram)."""

import math
import re
from dataclasses import dataclass

import numpy as np
import pint
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from capabilities.units import parse_unit, registry
from nmiq_portal.core.numbers import plain_sign

_QUANTITY = re.compile(
    r"(?P<number>[-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][-+]?\d+)?)\s*(?P<unit>.*)"
)

#: The percentiles a result page shows beside the median.
PERCENTILES = (5, 25, 75, 95)


def split_quantity(text: str) -> tuple[float, str]:
    """("45 µs" →) 45.0 and "µs": a number and the unit written after it (maybe blank)."""
    match = _QUANTITY.fullmatch(plain_sign(text or "").strip())
    if not match:
        raise ValidationError(
            _("Write a number, with its unit if it is not the benchmark's: “45.2 µs”."),
            code="quantity",
        )
    number = float(match["number"].replace(",", "."))
    if not math.isfinite(number):
        raise ValidationError(_("That value is out of range."), code="range")
    return number, match["unit"].strip()


def convert(value: float, unit: str, target: str) -> float:
    """``value`` given in ``unit`` (blank: already in ``target``) expressed in ``target``;
    ValidationError when the unit is unknown or is not one of ``target``'s dimension."""
    if not (unit or "").strip():
        return float(value)
    given, wanted = parse_unit(unit), parse_unit(target)
    try:
        result = registry().Quantity(value, given).to(wanted).magnitude
    except pint.errors.DimensionalityError as error:
        raise ValidationError(
            _("%(unit)s does not measure what the benchmark does (%(target)s).")
            % {"unit": unit.strip(), "target": target},
            code="dimension",
        ) from error
    if not math.isfinite(result):
        raise ValidationError(_("That value is out of range."), code="range")
    return float(result)


def standard_uncertainty(uncertainty: float | None, coverage_factor: float | None) -> float | None:
    """u: the standard uncertainty as given, or U/k for an expanded one; None when not stated."""
    if uncertainty is None:
        return None
    return uncertainty / coverage_factor if coverage_factor else uncertainty


@dataclass(frozen=True)
class Summary:
    """What a set of samples says; ``std`` is the sample standard deviation (n - 1)."""

    n: int
    mean: float
    median: float
    std: float | None
    minimum: float
    maximum: float
    percentiles: dict[int, float]


def summarise(values) -> Summary | None:
    """The summary of ``values`` (None when there are none)."""
    data = np.asarray(list(values), dtype=float)
    if not data.size:
        return None
    quantiles = np.percentile(data, PERCENTILES)
    return Summary(
        n=int(data.size),
        mean=float(data.mean()),
        median=float(np.median(data)),
        std=float(data.std(ddof=1)) if data.size > 1 else None,
        minimum=float(data.min()),
        maximum=float(data.max()),
        percentiles={p: float(q) for p, q in zip(PERCENTILES, quantiles, strict=True)},
    )


def histogram(values) -> list[dict]:
    """Bins of ``values`` ({low, high, count}), their number chosen by numpy's "auto" rule."""
    data = np.asarray(list(values), dtype=float)
    if not data.size:
        return []
    counts, edges = np.histogram(data, bins="auto")
    return [
        {"low": float(low), "high": float(high), "count": int(count)}
        for low, high, count in zip(edges[:-1], edges[1:], counts, strict=True)
    ]
