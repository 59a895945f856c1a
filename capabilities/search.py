"""Full-text search of the directory: what is indexed, and how typed text becomes a query.

Indexed text is accent-folded and weighted: A the name, B the summary, quantities and
technology areas, C the description, D the institute. People type websearch-like queries
("cryogenic -optical", "single photon" OR spad, prefixes such as "cryo"); names also match
with a typo through pg_trgm.
"""

import re
from itertools import takewhile

from django.contrib.postgres.indexes import OpClass
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db.models import F, FloatField, Func, TextField, Value
from django.db.models.functions import Coalesce, Collate, Lower
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from nmiq_portal.core import markdown

from . import synonyms

CONFIG = "english"


class Unaccent(Func):
    """Accent folding that PostgreSQL may index (an IMMUTABLE wrapper of unaccent())."""

    function = "nmiq_unaccent"
    output_field = TextField()


#: The expression the trigram indexes cover and the typo-tolerant match compares with.
TRIGRAM_NAME = OpClass(Unaccent(Lower("name")), name="gin_trgm_ops")
#: The name as the directory sorts it: case folded, in code point order (as Python's
#: ``str.casefold`` orders it, whatever the database's collation); its indexes cover it.
FOLDED_NAME = Collate(Lower("name"), "C")

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)*")
#: A word that ends in digits, such as g2 or T1, also written g(2), T(1).
_LETTERS_DIGITS = re.compile(r"([^\W\d_]+)(\d+)")


#: The stop words of PostgreSQL's english configuration of three letters or fewer: the parser
#: drops them, so "ITS-90" is indexed and queried as "-90" and "S parameter" as "parameter".
STOP_WORDS = frozenset(
    (  # noqa: SIM905 - the list as PostgreSQL's english.stop writes it
        "i me my we our you he him his she her it its who am is are was be has had do did a an "
        "the and but if or as of at by for to up in out on off why how all any few no nor not "
        "own so too s t can don now"
    ).split()
)
#: A hyphenated word of letters only, which the parser also keeps whole ("S-parameter").
_HYPHENATED = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)+")
#: A hyphenated word or one with a bracketed part, as a record may write it: "ITS-90",
#: "spectro-photometer", "g(2)".
_COMPOUND = re.compile(r"\w+(?:(?:-\w+)+|\(\w+\))")


def _loses_its_words(text: str) -> bool:
    """True when the parser reads ``text``, of several words, as at most one word that is not
    a stop word: as a query it would find every record with that word ("ITS 90" any "90")."""
    words = re.findall(r"\w+", text)
    if len(words) < 2 or _HYPHENATED.fullmatch(text):
        return False
    return sum(word.lower() not in STOP_WORDS for word in words) < 2


def _operand(text: str, *, prefix: bool) -> str | None:
    """``text`` as one quoted operand, which PostgreSQL's parser then reads exactly as it read
    the indexed text (a hyphenated word, "g(2)", "1.018"); quoted, nothing typed is an
    operator. None when it holds no word, or loses its words to the stop list."""
    cleaned = " ".join(re.sub(r"['\\]", " ", text).split())
    if not re.search(r"\w", cleaned) or _loses_its_words(cleaned):
        return None
    return f"'{cleaned}'" + (":*" if prefix else "")


def _written(token: str) -> list[str]:
    """The ways the records may write a typed token: S-parameter as typed, as Sparameter and
    as "S parameter"; g(2) also as g2 and g2 also as g(2)."""
    token = token.strip(".,;:!?")
    forms = [token]
    words = re.findall(r"\w+", token)
    if len(words) > 1 and not _NUMBER.fullmatch(token):
        if not re.search(r"\s", token):
            forms.append("".join(words))
        if " ".join(words) != token:
            forms.append(" ".join(words))
    split = _LETTERS_DIGITS.fullmatch(token)
    if split:
        forms.append(f"{split[1]}({split[2]})")
    return forms


#: A typed word that may be the start of a longer one: letters only, two or more.
_PREFIXABLE = re.compile(r"[^\W\d_]{2,}")


def _term(texts: list[str], *, prefix: bool) -> str | None:
    """One clause: any of ``texts`` (the ways a typed term may be written), each also in its
    other spelling and as its synonyms."""
    known = synonyms.lookup()
    operands: dict[str, str] = {}
    for text in texts:
        for member in [text, *known.get(synonyms.normalised(text), ())]:
            for form in _written(member):
                for respelled, spelling in enumerate(synonyms.variants(form)):
                    # Only typed words match by prefix: a respelled word ("metres" must not
                    # find "metrology"), a synonym ("SPD" must not find "SPDC"), a number, a
                    # symbol or a hyphenated word are whole terms.
                    whole = respelled or member != text or not _prefixable(spelling)
                    operand = _operand(spelling, prefix=prefix and not whole)
                    if operand is not None:
                        operands.setdefault(" ".join(spelling.lower().split()), operand)
    if not operands:
        return None
    listed = list(operands.values())
    return f"({' | '.join(listed)})" if len(listed) > 1 else listed[0]


def _prefixable(text: str) -> bool:
    return all(_PREFIXABLE.fullmatch(word) for word in text.split())


def _phrase_length(words: list[str], known: dict) -> int:
    """How many of the typed ``words``, from the first, name one synonym group (0: none)."""
    for length in range(min(synonyms.MAX_PHRASE_WORDS, len(words)), 1, -1):
        if synonyms.normalised(" ".join(words[:length])) in known:
            return length
    return 0


def typed_terms(text: str) -> list[tuple[str, str]]:
    """What someone typed as (kind, text) pairs: "word", "phrase", "-word", "-phrase", "or"."""
    terms = []
    for match in _TOKEN.finditer(text or ""):
        minus, phrase, bare = match.groups()
        if phrase is not None:
            terms.append(("-phrase" if minus else "phrase", phrase))
        elif bare.upper() == "OR":
            terms.append(("or", bare))
        elif bare.startswith("-") and len(bare) > 1 and not _NUMBER.fullmatch(bare):
            terms.append(("-word", bare[1:]))
        else:
            terms.append(("word", bare))
    return terms


def tsquery(text: str) -> str | None:
    """A to_tsquery() expression for what someone typed, or None when nothing is searchable.

    Words must all match (the last letters may be missing), "quoted words" match as a phrase,
    -word excludes, OR between two terms accepts either. Each term also matches its other
    spellings and synonyms, and a run of words naming a synonym group ("single photon
    detector") matches the group ("SPD"). Nothing typed can inject operators: each piece
    reaches the query quoted.
    """
    terms = typed_terms(text)
    known = synonyms.lookup()
    clauses: list[str] = []
    pending_or = False
    index = 0
    while index < len(terms):
        kind, typed = terms[index]
        index += 1
        if kind == "or":
            pending_or = bool(clauses)
            continue
        if kind == "word":
            run = [
                typed for _kind, typed in takewhile(lambda t: t[0] == "word", terms[index - 1 :])
            ]
            length = _phrase_length(run, known)
            if length:
                index += length - 1
                term = _term([" ".join(run[:length])], prefix=True)
            else:
                term = _term(_written(typed), prefix=True)
        elif kind == "-word":
            term = _term(_written(typed), prefix=False)
        else:
            term = _term([typed], prefix=False)
        if term is None:
            continue
        if kind.startswith("-"):
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


def indexed_text(text: str) -> str:
    """``text`` and, after it, each of its hyphenated or bracketed words written as one
    ("ITS90", "spectrophotometer", "g2"), which the parser would otherwise split: so a word
    typed solid finds them, and "ITS-90" is found by more than its "-90"."""
    joined = ["".join(re.findall(r"\w+", word)) for word in _COMPOUND.findall(text)]
    return " ".join([text, *joined]) if joined else text


def weighted_vector(parts: dict[str, list[str]]) -> SearchVector | None:
    """The vector of ``parts`` ({'A': [texts], 'B': …}); None when all are empty."""
    vector = None
    for weight, texts in sorted(parts.items()):
        text = indexed_text(" ".join(t for t in texts if t))
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


def highlighted(queryset, body, text: str):
    """``queryset`` with the ``headline`` of where ``text`` matched ``body``, when anything
    searchable is typed (``snippet`` shows it)."""
    raw = tsquery(text)
    return queryset.annotate(headline=headline(body, raw)) if raw else queryset


def snippet(marked: str | None, fallback: str, *, body: str | None = None) -> str:
    """A one-line snippet of Markdown text, escaped, with no Markdown marks: a ``headline`` with
    its marks turned into <mark> and an ellipsis where it cuts ``body`` (the text it was taken
    from, ``fallback`` unless given); without one, the start of ``fallback``."""
    if not marked:
        return conditional_escape(markdown.excerpt(fallback))
    words = markdown.strip_marks(marked)
    whole = markdown.strip_marks(fallback if body is None else body).split()
    shown = words.replace("\x02", "").replace("\x03", "").split()
    if shown and whole and shown[:1] != whole[:1]:
        words = f"{markdown.ELLIPSIS} {words}"
    if shown and whole and shown[-1:] != whole[-1:]:
        words = f"{words} {markdown.ELLIPSIS}"
    html = conditional_escape(words)
    return mark_safe(html.replace("\x02", "<mark>").replace("\x03", "</mark>"))  # noqa: S308 - escaped above
