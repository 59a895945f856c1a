"""Full-text search of the directory: what is indexed, and how typed text becomes a query.

Indexed text is accent-folded and weighted: A the name, B the summary, quantities and
technology areas, C the description, D the institute. People type websearch-like queries
("cryogenic -optical", "single photon" OR spad, prefixes such as "cryo"); names also match
with a typo through pg_trgm.
"""

import re

from django.contrib.postgres.indexes import OpClass
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db.models import F, FloatField, Func, TextField, Value
from django.db.models.functions import Coalesce, Lower
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

CONFIG = "english"


class Unaccent(Func):
    """Accent folding that PostgreSQL may index (an IMMUTABLE wrapper of unaccent())."""

    function = "nmiq_unaccent"
    output_field = TextField()


#: The expression the trigram indexes cover and the typo-tolerant match compares with.
TRIGRAM_NAME = OpClass(Unaccent(Lower("name")), name="gin_trgm_ops")

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def _term(words: list[str], *, prefix: bool) -> str:
    lexemes = [f"'{word}'" for word in words]
    if prefix:
        lexemes[-1] += ":*"
    term = " <-> ".join(lexemes)
    return f"({term})" if len(lexemes) > 1 else term


def tsquery(text: str) -> str | None:
    """A to_tsquery() expression for what someone typed, or None when nothing is searchable.

    Words must all match (the last letters may be missing), "quoted words" match as a phrase,
    -word excludes, OR between two terms accepts either. Nothing typed can inject operators:
    only word characters reach the query, each one quoted.
    """
    clauses: list[str] = []
    pending_or = False
    for match in _TOKEN.finditer(text or ""):
        minus, phrase, bare = match.groups()
        if bare is not None and bare.upper() == "OR":
            pending_or = bool(clauses)
            continue
        negate = bool(minus) or (bare is not None and bare.startswith("-") and len(bare) > 1)
        words = re.findall(r"\w+", phrase if phrase is not None else bare)
        if not words:
            continue
        term = _term(words, prefix=phrase is None and not negate)
        if negate:
            term = f"!{term}"
        if pending_or:
            clauses[-1] = f"({clauses[-1]} | {term})"
        else:
            clauses.append(term)
        pending_or = False
    return " & ".join(clauses) or None


def is_plain(text: str) -> bool:
    """Words only: no phrase, exclusion or OR, so a fuzzy match on names is safe."""
    return not re.search(r'["]|(^|\s)-\S|\bOR\b', text or "")


def search_query(raw: str) -> SearchQuery:
    return SearchQuery(Unaccent(Value(raw)), search_type="raw", config=CONFIG)


def weighted_vector(parts: dict[str, list[str]]) -> SearchVector | None:
    """The vector of ``parts`` ({'A': [texts], 'B': …}); None when all are empty."""
    vector = None
    for weight, texts in sorted(parts.items()):
        text = " ".join(t for t in texts if t)
        if not text:
            continue
        part = SearchVector(
            Unaccent(Value(text, output_field=TextField())), config=CONFIG, weight=weight
        )
        vector = part if vector is None else vector + part
    return vector


def columns_vector(parts: dict[str, list[str]]) -> SearchVector:
    """The weighted vector of a row's columns ({'A': ['title'], 'B': ['summary']}), computed
    by the query: for kinds few enough to need no stored, indexed vector."""
    vector = None
    for weight, columns in sorted(parts.items()):
        part = SearchVector(*(Unaccent(column) for column in columns), config=CONFIG, weight=weight)
        vector = part if vector is None else vector + part
    return vector


def rank(vector, text: str):
    """How well ``vector`` (a vector column's name, or ``columns_vector``) matches ``text``:
    PostgreSQL's rank, or 0 when nothing searchable is typed or the row has no vector (yet)
    and matched some other way, e.g. by its name."""
    raw = tsquery(text)
    zero = Value(0.0, output_field=FloatField())
    if raw is None:
        return zero
    return Coalesce(
        SearchRank(F(vector) if isinstance(vector, str) else vector, search_query(raw)), zero
    )


def matching(queryset, text: str, vector):
    """The rows of ``queryset`` whose ``vector`` (as ``rank`` takes it) matches ``text``, each
    with its ``rank``; every row when nothing is typed, none when nothing typed is searchable."""
    text = (text or "").strip()
    if text:
        raw = tsquery(text)
        if raw is None:
            return queryset.none()
        document = F(vector) if isinstance(vector, str) else vector
        queryset = queryset.alias(document=document).filter(document=search_query(raw))
    return queryset.annotate(rank=rank(vector, text))


def headline(body, raw: str) -> SearchHeadline:
    """Where the query ``raw`` (a ``tsquery``) matched ``body``, its words between \\x02 and
    \\x03 (``snippet`` turns them into marks)."""
    return SearchHeadline(
        body,
        search_query(raw),
        config=CONFIG,
        start_sel="\x02",
        stop_sel="\x03",
        max_fragments=2,
        max_words=30,
        min_words=12,
    )


MARKDOWN_MARKS = re.compile(r"\*\*|__|`|^#{1,6}\s", re.MULTILINE)


def highlighted(queryset, body, text: str):
    """``queryset`` with the ``headline`` of where ``text`` matched ``body``, when anything
    searchable is typed (``snippet`` shows it)."""
    raw = tsquery(text)
    return queryset.annotate(headline=headline(body, raw)) if raw else queryset


def snippet(marked: str | None, fallback: str) -> str:
    """Escape a ``headline`` and turn its marks into <mark>; ``fallback`` (escaped) without one."""
    # The text is Markdown: its emphasis and heading marks are noise in a one-line snippet.
    if not marked:
        return conditional_escape(MARKDOWN_MARKS.sub("", fallback))
    html = conditional_escape(MARKDOWN_MARKS.sub("", marked))
    return mark_safe(html.replace("\x02", "<mark>").replace("\x03", "</mark>"))  # noqa: S308 - escaped above
