"""What the directory search says about the search itself: the ranges read from the typed
text (as chips that remove them), what those ranges left out, and spelling suggestions."""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import TrigramSimilarity
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .. import search, synonyms, units
from ..models import SearchWord
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


#: A search finding fewer results than this suggests other spellings of its words.
FEW_RESULTS = 3
#: Words shorter than this are not corrected: "QKD" or "NV" is not a typo of another word.
CORRECTED_LENGTH = 4


def _closest(word: str) -> str | None:
    return (
        SearchWord.objects.filter(word__trigram_similar=word)
        .annotate(similarity=TrigramSimilarity("word", word))
        .order_by("-similarity", "-records", "word")
        .values_list("word", flat=True)
        .first()
    )


@dataclass
class Suggestion:
    """Did you mean ``text``? (the search with it)."""

    text: str
    query: str


def did_you_mean(*, params) -> Suggestion | None:
    """The search with each typed word that no public record uses (in any spelling, nor as a
    synonym) replaced by the closest word some public record uses; None when there is none.
    One query, and one per unknown word."""
    params = search_params(params)
    text = params.get("q", "")
    words = units.without_spans(text, units.quantity_spans(text, strict=False))
    typed = [
        word
        for kind, word in search.typed_terms(words)
        if kind == "word" and re.fullmatch(r"[^\W\d_]+", word) and len(word) >= CORRECTED_LENGTH
    ]
    known_terms = synonyms.lookup()
    candidates = {}
    for word in typed:
        folded = next(iter(synonyms.words_of(word)), "")
        if folded and synonyms.normalised(word) not in known_terms:
            candidates[word] = {folded, synonyms.respelled(folded) or folded}
    if not candidates:
        return None
    known = set(
        SearchWord.objects.filter(
            word__in=[form for forms in candidates.values() for form in forms]
        ).values_list("word", flat=True)
    )
    corrected = text
    changed = False
    for word, forms in candidates.items():
        if forms & known:
            continue
        closest = _closest(min(forms, key=len))
        if closest is not None:
            corrected = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", closest, corrected, count=1)
            changed = True
    return Suggestion(corrected, _query(params, q=[corrected])) if changed else None
