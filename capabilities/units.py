"""Quantities with units (pint): parse what people type, convert to the units the directory stores.

Operating ranges are stored in kelvin, hertz and nanometres; a service's measurand range keeps
the unit it was given and, like the KCDB's ``cmcBaseUnit``, its value in SI base units.
"""

import math
import re
import tokenize
from functools import cache

import pint
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nmiq_portal.core.numbers import MINUS_SIGNS, plain_number

#: The dimensions the range filters know, with the unit each is stored in.
CANONICAL = {"temperature": "kelvin", "frequency": "hertz", "wavelength": "nanometer"}

#: The dimensions' names, as error messages say them.
DIMENSION_NAMES = {
    "temperature": gettext_lazy("temperature"),
    "frequency": gettext_lazy("frequency"),
    "wavelength": gettext_lazy("wavelength"),
}

#: Units a stored value is written back in, largest first: (from which value, factor to the
#: stored unit, symbol). Wavelengths stay in nm up to 10 µm, as optics people write them.
DISPLAY_UNITS = {
    "temperature": [(1.0, 1.0, "K"), (1e-3, 1e-3, "mK"), (1e-6, 1e-6, "µK")],
    "frequency": [
        (1e12, 1e12, "THz"),
        (1e9, 1e9, "GHz"),
        (1e6, 1e6, "MHz"),
        (1e3, 1e3, "kHz"),
        (1.0, 1.0, "Hz"),
    ],
    "wavelength": [(1e6, 1e6, "mm"), (1e4, 1e3, "µm"), (1.0, 1.0, "nm"), (1e-3, 1e-3, "pm")],
}


def scaled(value: float, dimension: str) -> tuple[float, str]:
    """A stored value (K, Hz, nm) in the unit people read it in: 0.02 K is (20, "mK")."""
    scales = DISPLAY_UNITS[dimension]
    if value == 0:
        _from, factor, symbol = next(scale for scale in scales if scale[1] == 1.0)
    else:
        _from, factor, symbol = next(
            (scale for scale in scales if abs(value) >= scale[0]), scales[-1]
        )
    return value / factor, symbol


_SIGN = rf"[-+{MINUS_SIGNS}]"
_NUMBER = rf"{_SIGN}?\d+(?:[.,]\d+)?(?:[eE]{_SIGN}?\d+)?"
#: "4 K", "20 mK", "1550 nm", "193.4 THz", "1-300 K", "2 to 8 GHz" inside free text.
QUANTITY_IN_TEXT = re.compile(
    rf"(?<![\w.])(?P<low>{_NUMBER})\s*(?:(?:-|\u2013|to|\.\.)\s*(?P<high>{_NUMBER}))?\s*"
    r"(?P<unit>[a-zA-Zµμ°Ω][\w°µμ/^*]*)(?![\w])"
)


@cache
def registry() -> pint.UnitRegistry:
    return pint.UnitRegistry(autoconvert_offset_to_baseunit=True)


def _number(text: str) -> float:
    return float(plain_number(text))


#: Unit symbols a suggestion may offer, each with the prefixes people use with it: the units of
#: ranges and uncertainties, not pint's whole registry (in which "mk" and "MK" are units too, and
#: a megakelvin would make "mk" ambiguous).
_SI = ("p", "n", "µ", "m", "k", "M", "G")
_KNOWN_UNITS = {
    "K": ("", "m", "µ", "n"),
    "Hz": ("", "m", "k", "M", "G", "T"),
    "m": ("", "p", "n", "µ", "m", "c", "k"),
    "s": ("", "f", "p", "n", "µ", "m"),
    "A": _SI, "V": _SI, "W": _SI, "T": ("", "p", "n", "µ", "m"), "Ω": ("", "m", "k", "M", "G"),
    "F": ("", "f", "p", "n", "µ", "m"), "H": ("", "n", "µ", "m"), "Pa": ("", "m", "k", "M"),
    "J": _SI, "g": ("", "µ", "m", "k"), "N": _SI, "C": ("", "p", "n", "µ", "m"), "S": _SI,
    "eV": ("", "µ", "m", "k", "M", "G"), "rad": ("", "µ", "m"), "L": ("", "µ", "m"),
    "°C": ("",), "°F": ("",), "min": ("",), "h": ("",), "ppm": ("",), "dB": ("",), "dBm": ("",),
}  # fmt: skip


@cache
def _known_symbols() -> dict[str, list[str]]:
    """{case-folded symbol: the symbols spelled so}, e.g. "mhz": ["mHz", "MHz"]."""
    folded: dict[str, list[str]] = {}
    for unit, prefixes in _KNOWN_UNITS.items():
        for prefix in prefixes:
            folded.setdefault((prefix + unit).casefold(), []).append(prefix + unit)
    return folded


def unit_suggestion(text: str, dimension: str | None = None) -> str | None:
    """The one known unit spelled like ``text`` but for case ("mk" is "mK"), of ``dimension``
    when one is asked for; None when there is none or more than one."""
    text = (text or "").strip().replace("μ", "µ")
    candidates = [
        symbol
        for symbol in _known_symbols().get(text.casefold(), [])
        if symbol != text
        and (dimension is None or dimension_of(registry().Unit(symbol)) == dimension)
    ]
    return candidates[0] if len(candidates) == 1 else None


def _suggesting(message: str, text: str, dimension: str | None = None) -> str:
    suggestion = unit_suggestion(text, dimension)
    if suggestion is None:
        return message
    return _("%(message)s Did you mean “%(suggestion)s”?") % {
        "message": message,
        "suggestion": suggestion,
    }


def parse_unit(text: str):
    """The pint unit for ``text`` ("mK", "THz", "µm", "°C"), or ValidationError."""
    text = (text or "").strip().replace("μ", "µ")
    if not text:
        raise ValidationError(_("Give a unit."))
    try:
        return registry().Unit(text)
    except (
        pint.errors.PintError,
        ValueError,
        TypeError,
        AttributeError,
        AssertionError,
        ArithmeticError,  # "m/0"
        tokenize.TokenError,  # "(" : pint tokenizes the text as Python
    ) as error:
        raise ValidationError(
            _suggesting(_("“%(unit)s” is not a unit we know.") % {"unit": text}, text),
            code="unit",
        ) from error


def dimension_of(unit) -> str | None:
    """'temperature', 'frequency' or 'wavelength' (a length) for units the filters know."""
    ureg = registry()
    dimensionality = ureg.Quantity(1, unit).dimensionality
    if dimensionality == ureg.kelvin.dimensionality:
        return "temperature"
    if dimensionality == ureg.hertz.dimensionality:
        return "frequency"
    if dimensionality == ureg.meter.dimensionality:
        return "wavelength"
    return None


def convert(value: float, unit, dimension: str) -> float:
    """``value`` in ``unit`` expressed in the stored unit of ``dimension``."""
    ureg = registry()
    quantity = ureg.Quantity(value, unit)
    target = CANONICAL[dimension]
    try:
        result = quantity.to(target).magnitude
    except pint.errors.DimensionalityError as error:
        raise ValidationError(
            _("%(unit)s is not a unit of %(dimension)s.")
            % {"unit": f"{unit:~P}", "dimension": DIMENSION_NAMES[dimension]},
            code="dimension",
        ) from error
    if not math.isfinite(result):
        raise ValidationError(_("That value is out of range."), code="range")
    return float(result)


def to_base(value: float, unit) -> tuple[float, str]:
    """``value`` in ``unit`` in SI base units, with the base unit's name (as the KCDB stores)."""
    quantity = registry().Quantity(value, unit).to_base_units()
    return float(quantity.magnitude), f"{quantity.units:~P}" or "1"


def parse_quantity(text: str, dimension: str) -> float | None:
    """A value typed with its unit ("20 mK", "4.2 K", "300") in the stored unit of ``dimension``;
    a bare number is taken to be in the stored unit already. Empty text gives None."""
    text = (text or "").strip()
    if not text:
        return None
    match = re.fullmatch(rf"(?P<value>{_NUMBER})\s*(?P<unit>.*)", text)
    if not match:
        raise ValidationError(
            _("Write a number and a unit, such as “%(example)s”.")
            % {"example": {"temperature": "20 mK", "frequency": "5 GHz"}.get(dimension, "1550 nm")},
            code="quantity",
        )
    value = _number(match["value"])
    unit = parse_unit(match["unit"]) if match["unit"].strip() else CANONICAL[dimension]
    if dimension_of(unit) != dimension:
        raise ValidationError(
            _suggesting(
                _("%(unit)s is not a unit of %(dimension)s.")
                % {"unit": match["unit"], "dimension": DIMENSION_NAMES[dimension]},
                match["unit"],
                dimension,
            ),
            code="dimension",
        )
    return convert(value, unit, dimension)


SPEED_OF_LIGHT = 299_792_458.0


def wavelength_nm_to_frequency_hz(nanometres: float) -> float:
    """Vacuum wavelength to frequency; 0 nm has no frequency and maps to infinity."""
    return math.inf if nanometres <= 0 else SPEED_OF_LIGHT / (nanometres * 1e-9)


def frequency_hz_to_wavelength_nm(hertz: float) -> float:
    return math.inf if hertz <= 0 else SPEED_OF_LIGHT / hertz * 1e9


def quantity_spans(text: str, *, strict: bool = True) -> list[tuple[str, float, float, int, int]]:
    """The quantities free text names, each as (dimension, low, high, start, end): stored
    units, and where in ``text`` it was typed; the first of each dimension only.

    A quantity out of range ("1e999 K") raises ValidationError, or with ``strict=False`` is
    left out (for a snippet, once the search's form has refused it)."""
    found = []
    for match in QUANTITY_IN_TEXT.finditer(text):
        try:
            unit = parse_unit(match["unit"])
        except ValidationError:
            continue
        dimension = dimension_of(unit)
        if dimension is None or dimension in {span[0] for span in found}:
            continue
        try:
            low = convert(_number(match["low"]), unit, dimension)
            high = convert(_number(match["high"]), unit, dimension) if match["high"] else low
        except ValidationError:
            if strict:
                raise
            continue
        found.append((dimension, min(low, high), max(low, high), *match.span()))
    return found


def without_spans(text: str, spans) -> str:
    """``text`` without the quantities ``spans`` (as quantity_spans gives them) name."""
    for *_quantity, start, end in sorted(spans, key=lambda span: span[3], reverse=True):
        text = text[:start] + " " + text[end:]
    return " ".join(text.split())


def quantities_in_text(
    text: str, *, strict: bool = True
) -> tuple[dict[str, tuple[float, float]], str]:
    """Split free text into the ranges it names ({dimension: (low, high)}, stored units) and
    the words that are left. "cryostat 20 mK" gives ({"temperature": (0.02, 0.02)}, "cryostat").

    A quantity out of range ("1e999 K") raises ValidationError, or with ``strict=False`` stays
    among the words (for a snippet, once the search's form has refused it)."""
    spans = quantity_spans(text, strict=strict)
    return {span[0]: (span[1], span[2]) for span in spans}, without_spans(text, spans)
