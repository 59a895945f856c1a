"""How metrologists and industry write the same thing differently: UK and US spellings by rule,
and the synonym groups staff keep (``SearchSynonym``), which a search expands typed words into.
"""

import re
import unicodedata

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

#: UK and US endings of the same word, (UK, US): characterisation/characterization,
#: analyser/analyzer, fibre/fiber, colour/color, analogue/analog, modelling/modeling,
#: millimetre/millimeter (and the instruments the KCDB and French write "-metre", such as
#: spectroradiometre). Applied to whole words only, so "noise" or "four" are not respelled.
ENDINGS = (
    ("isation", "ization"),
    ("ise", "ize"),
    ("ised", "ized"),
    ("ising", "izing"),
    ("iser", "izer"),
    ("yse", "yze"),
    ("ysed", "yzed"),
    ("ysing", "yzing"),
    ("yser", "yzer"),
    ("ogue", "og"),
    ("elling", "eling"),
    ("elled", "eled"),
    ("metre", "meter"),
)
#: Endings that are respelled only after these stems, where the rule holds (metre, centre,
#: calibre, colour, behaviour): elsewhere "-er" and "-or" words are not respelled.
STEM_ENDINGS = (
    (("cent", "lit", "fib", "calib", "theat", "spect", "sab"), "re", "er"),
    (
        ("col", "behavi", "fav", "lab", "hum", "hon", "vap", "flav", "harb", "neighb", "arm"),
        "our",
        "or",
    ),
)
#: Words the rules would respell wrongly.
NOT_RESPELLED = frozenset(
    {"precise", "concise", "exercise", "expertise", "otherwise", "noise", "feeling", "size"}
)


def _spellings(word: str) -> tuple[str, str] | None:
    """(UK, US) spellings of ``word`` (lower case) when the rules know another one."""
    if word in NOT_RESPELLED or len(word) < 4:
        return None
    stem, plural = (
        (word[:-1], "s") if word.endswith("s") and not word.endswith("ss") else (word, "")
    )
    for uk, us in ENDINGS:
        for ending in (uk, us):
            if stem.endswith(ending):
                base = stem[: -len(ending)]
                return base + uk + plural, base + us + plural
    for stems, uk, us in STEM_ENDINGS:
        for start in stems:
            if stem in (start + uk, start + us):
                return start + uk + plural, start + us + plural
    return None


def respelled(word: str) -> str | None:
    """The other spelling of ``word`` (lower case) in UK or US English, or None."""
    forms = _spellings(word)
    if forms is None:
        return None
    return forms[1] if word == forms[0] else forms[0]


def variants(text: str) -> list[str]:
    """``text`` and, when any of its words has another spelling, ``text`` in that spelling."""
    words = re.split(r"(\W+)", text)
    other = "".join(respelled(word.lower()) or word for word in words)
    return [text] if other.lower() == text.lower() else [text, other]


def normalised(text: str) -> str:
    """The key a phrase is looked up by: lower case, no accents, words apart, UK spelling, so
    "Vector-network analyzer" and "vector network analyser" are one."""
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(char for char in folded if not unicodedata.combining(char))
    words = re.findall(r"\w+", folded)
    return " ".join(_uk(word) for word in words)


def _uk(word: str) -> str:
    forms = _spellings(word)
    return word if forms is None else forms[0]


def cleaned_terms(terms: list[str]) -> list[str]:
    """A group's terms without blanks or repeats (in any spelling); ValidationError unless two
    or more are left."""
    cleaned: list[str] = []
    for term in terms:
        term = " ".join(term.split())
        if term and normalised(term) not in {normalised(other) for other in cleaned}:
            cleaned.append(term)
    if len(cleaned) < 2:
        raise ValidationError(_("Give at least two different terms."))
    return cleaned


#: Words as suggestions name them: letters only, three or more.
WORD = re.compile(r"[^\W\d_]{3,100}")


def words_of(text: str) -> set[str]:
    """The distinct words of ``text``, lower case and without accents, as the index folds them."""
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(char for char in folded if not unicodedata.combining(char))
    return set(WORD.findall(folded))


def _cache_key() -> str:
    # Named after the database: the cache may be shared by sites (or test runs) on others.
    return f"capabilities:search-synonyms:{connection.settings_dict['NAME']}"


#: The longest phrase, in words, that a synonym group is looked up for.
MAX_PHRASE_WORDS = 5


def _load() -> dict[str, list[str]]:
    from .models import SearchSynonym  # the models import the search, which imports this

    lookup: dict[str, list[str]] = {}
    for terms in SearchSynonym.objects.values_list("terms", flat=True):
        for term in terms:
            key = normalised(term)
            if key:
                members = lookup.setdefault(key, [])
                members += [other for other in terms if other not in members]
    return lookup


def lookup() -> dict[str, list[str]]:
    """{normalised term: every term of its groups}, from the cache (one query when cold)."""
    found = cache.get(_cache_key())
    if found is None:
        found = _load()
        cache.set(_cache_key(), found, timeout=None)
    return found


def forget() -> None:
    """Drop the cached groups, after staff changed one."""
    cache.delete(_cache_key())
