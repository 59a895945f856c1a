"""What the directory search says about the search itself: the ranges read from the typed
text (as chips that remove them), what those ranges left out, and spelling suggestions."""

from dataclasses import dataclass

from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .. import units
from .directory import directory_matches, search_params

#: The kinds that state ranges.
RANGED = ("testbed", "service")


@dataclass
class RangeChip:
    """A range read from the typed text: "temperature includes 20 mK", with the search
    without it."""

    dimension: str
    typed: str
    label: str
    remove_query: str


@dataclass
class Unranged:
    """How many records match the words but state no range of ``dimension`` (so the range
    typed left them out), and the search that lists them."""

    dimension: str
    name: str
    count: int
    query: str


def _query(params, **changes) -> str:
    changed = params.copy()
    changed.pop("page", None)
    for key, values in changes.items():
        changed.setlist(key, values)
    return urlencode(changed, doseq=True)


def range_chips(*, params) -> list[RangeChip]:
    """The ranges the search's text names, each with the search without it. No query."""
    params = search_params(params)
    text = params.get("q", "")
    chips = []
    for span in units.quantity_spans(text, strict=False):
        dimension, _low, _high, start, end = span
        chips.append(
            RangeChip(
                dimension=dimension,
                typed=text[start:end],
                label=_("%(dimension)s includes %(value)s")
                % {"dimension": units.DIMENSION_NAMES[dimension], "value": text[start:end]},
                remove_query=_query(params, q=[units.without_spans(text, [span])]),
            )
        )
    return chips


def unranged(*, user, params) -> list[Unranged]:
    """For each range the search's text names: the records its words (and its other filters)
    find that state no such range. Two queries a range; none when the text names none."""
    params = search_params(params)
    text = params.get("q", "")
    found = []
    for span in units.quantity_spans(text, strict=False):
        dimension = span[0]
        if dimension in params.getlist("no_range"):
            continue
        search = params.copy()
        search.setlist("q", [units.without_spans(text, [span])])
        search.setlist("no_range", [*params.getlist("no_range"), dimension])
        matches = directory_matches(user=user, params=search)
        count = sum(matches[kind].count() for kind in RANGED)
        if count:
            found.append(
                Unranged(dimension, str(units.DIMENSION_NAMES[dimension]), count, _query(search))
            )
    return found
