"""What the directory search says about the search itself: the filters chosen and the ranges
read from the typed text (as chips that remove them), what those ranges left out, and spelling
suggestions."""

import re
from collections import Counter
from dataclasses import dataclass

from django.contrib.postgres.search import TrigramSimilarity
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .. import search, synonyms, units
from ..models import SearchWord
from .directory import FACETS, facet_labels
from .searched import directory_matches, search_params

#: The kinds that state ranges.
RANGED = ("testbed", "service")


@dataclass
class SearchChip:
    """One thing that narrows the search, with the search without it: a range read from the
    typed text ("temperature includes 20 mK"), a range field ("temperature from 4 K") or a
    facet's value ("Economy: Germany")."""

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


def search_chips(*, params, facets) -> list[SearchChip]:
    """Everything that narrows the search, each with the search without it: the ranges its
    text names, its range fields, then each facet's chosen values, labelled as ``facets`` (the
    search's own) show them. No query, unless a value chosen is one no facet shows."""
    params = search_params(params)
    text = params.get("q", "")
    chips = []
    for span in units.quantity_spans(text, strict=False):
        dimension, _low, _high, start, end = span
        chips.append(
            SearchChip(
                label=_("%(dimension)s includes %(value)s")
                % {"dimension": units.DIMENSION_NAMES[dimension], "value": text[start:end]},
                remove_query=_query(params, q=[units.without_spans(text, [span])]),
            )
        )
    for dimension, name in units.DIMENSION_NAMES.items():
        for end, label in (("min", _("%(dimension)s from %(value)s")),
                           ("max", _("%(dimension)s up to %(value)s"))):  # fmt: skip
            value = params.get(f"{dimension}_{end}", "").strip()
            if value:
                chips.append(
                    SearchChip(
                        label=label % {"dimension": name, "value": value},
                        remove_query=_query(params, **{f"{dimension}_{end}": []}),
                    )
                )
    shown = {facet.key: {option.value: option.label for option in facet.values} for facet in facets}
    for key, facet_label in FACETS:
        chosen = [value for value in params.getlist(key) if value.strip()]
        labels = shown.get(key, {})
        unshown = set(chosen) - set(labels)
        if unshown:
            # A value chosen that matches nothing now is not among the facet's values; its
            # chip still says what it is.
            counts = Counter(dict.fromkeys(unshown, 1))
            labels = {
                **labels,
                **{v: label for v, label, _depth in facet_labels(key, counts, unshown)},
            }
        for value in chosen:
            chips.append(
                SearchChip(
                    label=_("%(facet)s: %(value)s")
                    % {"facet": facet_label, "value": labels.get(value, value)},
                    remove_query=_query(
                        params, **{key: [kept for kept in chosen if kept != value]}
                    ),
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
