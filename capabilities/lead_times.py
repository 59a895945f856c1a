"""Lead times as services state them ("4 to 6 weeks", "within 10 working days"), read as the
most weeks they may take, so that services of different institutes can be compared."""

import math
import re

#: Weeks in one of each unit people write lead times in. A working week is five days.
WEEKS_PER = {
    "hour": 1 / (24 * 7),
    "day": 1 / 7,
    "working day": 1 / 5,
    "week": 1.0,
    "month": 52 / 12,
    "year": 52.0,
}
UNIT_WORDS = {
    "h": "hour",
    "hr": "hour",
    "hrs": "hour",
    "hour": "hour",
    "hours": "hour",
    "d": "day",
    "day": "day",
    "days": "day",
    "wk": "week",
    "wks": "week",
    "week": "week",
    "weeks": "week",
    "mo": "month",
    "month": "month",
    "months": "month",
    "yr": "year",
    "year": "year",
    "years": "year",
}
NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
#: The field that keeps the result is a PositiveSmallIntegerField; ten years is plenty.
LONGEST = 520

_NUMBER = r"\d+(?:[.,]\d+)?|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_SPAN = re.compile(
    rf"\b(?P<low>{_NUMBER})\s*"
    rf"(?:(?:-|\u2013|\u2014|to|and|or)\s*(?P<high>{_NUMBER})\s*)?"
    r"(?P<working>(?:working|business|work)\s+|calendar\s+)?"
    rf"(?P<unit>{'|'.join(sorted(UNIT_WORDS, key=len, reverse=True))})\b",
    re.IGNORECASE,
)


def _number(text: str) -> float:
    word = text.lower()
    if word in NUMBER_WORDS:
        return float(NUMBER_WORDS[word])
    return float(word.replace(",", "."))


def weeks_max(text: str) -> int | None:
    """The most whole weeks a lead time stated as ``text`` may take (the upper end of a range,
    the longest of several phrases), or None when it gives no number with a unit."""
    longest = None
    for span in _SPAN.finditer(text or ""):
        unit = UNIT_WORDS[span["unit"].lower()]
        if unit == "day" and span["working"] and not span["working"].lower().startswith("cal"):
            unit = "working day"
        value = max(_number(span["low"]), _number(span["high"] or span["low"]))
        weeks = value * WEEKS_PER[unit]
        longest = weeks if longest is None else max(longest, weeks)
    if longest is None:
        return None
    # A rounding error must not push "3 months" past 13 weeks.
    return min(LONGEST, math.ceil(round(longest, 6)))
