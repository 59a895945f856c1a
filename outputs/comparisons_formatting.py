"""Numbers of a comparison as its page shows them: an uncertainty to two significant digits, a
value to the same decimal place as its uncertainty (GUM 7.2.6); stored values as entered."""

import math


def decimals(uncertainty: float, digits: int = 2) -> int:
    """Decimal places that keep ``digits`` significant digits of ``uncertainty``."""
    if not uncertainty or not math.isfinite(uncertainty):
        return 0
    return max(0, digits - 1 - math.floor(math.log10(abs(uncertainty))))


def rounded(value: float, uncertainty: float) -> tuple[str, str]:
    """(value, uncertainty) rounded together."""
    places = decimals(uncertainty)
    return f"{value:.{places}f}", f"{uncertainty:.{places}f}"


def stored_places(number: float) -> int:
    """Decimal places of a stored value as it was entered (0.07 → 2, 2.893 → 3, 3.0 → 0)."""
    text = repr(float(number))
    if "e" in text or "." not in text:
        return 0
    decimals = text.split(".")[1].rstrip("0")
    return len(decimals)


def degree(d: float, expanded: float, value: float) -> tuple[str, str]:
    """(dᵢ, U(dᵢ)): U to two significant digits; dᵢ to as many places, or to the places of the
    laboratory's value as entered when it has more, so a published Dᵢ reads as published."""
    places = min(max(decimals(expanded), stored_places(value)), 12)
    return f"{d:.{places}f}", f"{expanded:.{decimals(expanded)}f}"


def significant(number: float, digits: int = 3) -> str:
    """A statistic (chi-squared, Birge ratio, p-value) to ``digits`` significant digits."""
    return f"{number:.{digits}g}"


def stored(number: float | None) -> str:
    """A stored value as it was entered (the shortest text that reads back the same)."""
    return "" if number is None else repr(float(number))
