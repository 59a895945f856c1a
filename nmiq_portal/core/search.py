"""Kinds of object the site's search finds besides the directory's own records.

The core names no app: an app registers a ``SearchKind`` (guides, comparisons, glossary terms)
saying what a search of it finds for a person and how one page of those matches is shown; the
directory search lists and counts every registered kind beside its testbeds, services and
institutes, one value of its type facet each. A kind's ``search`` starts from the model's
``.public()`` or ``.visible_to(user)``, so the search shows exactly what the kind's own pages show.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet


@dataclass
class SearchResult:
    """One found object as a results page lists it."""

    title: str
    url: str
    snippet: str = ""  # HTML, escaped by the kind: where the words matched, or what it is about
    details: str = ""  # a line of plain text under the title: who made it, which version
    state: str = ""  # its state when that is not the plain public one ("Superseded", "Draft")
    search_kind: "SearchKind | None" = None  # set by ``page_results``

    @property
    def record_type(self) -> str:
        return self.search_kind.key


@dataclass(frozen=True)
class SearchKind:
    key: str  # the type facet's value, as in ``?type=guide``
    label: str  # what one of them is called: the facet's value and each result's badge
    #: (text, user) -> QuerySet: what ``text`` finds for ``user`` (everything ``user`` may see
    #: when ``text`` is empty); each row has a ``title`` (str), a ``rank`` (float) and its
    #: ``updated_at``, so the results of every kind sort together.
    search: Callable[[str, Any], QuerySet]
    #: (matches, text) -> {pk: SearchResult} for the matches of one page (``search(text, user)``
    #: narrowed to their pks), read in a number of queries that does not grow with the page.
    results: Callable[[QuerySet, str], dict[int, SearchResult]]
    order: int = 100


_kinds: dict[str, SearchKind] = {}


def register(kind: SearchKind) -> SearchKind:
    _kinds[kind.key] = kind
    return kind


def registered() -> list[SearchKind]:
    return sorted(_kinds.values(), key=lambda kind: (kind.order, kind.key))


def kind_of(key: str) -> SearchKind | None:
    return _kinds.get(key)


def found_rows(kind: SearchKind, *, text: str, user) -> list[tuple]:
    """(key, pk, title, rank, updated_at) of everything ``text`` finds of ``kind`` for ``user``,
    in one query."""
    matches = kind.search(text, user).order_by()
    return [(kind.key, *row) for row in matches.values_list("pk", "title", "rank", "updated_at")]


def found_counts(kinds: list[SearchKind], *, text: str, user) -> dict[str, int]:
    """{key: how many ``found_rows`` would give} of each of ``kinds``, counted by the database
    in one query whatever their number."""
    counts, selects, params = {}, [], []
    for kind in kinds:
        matches = kind.search(text, user).order_by().values("pk")
        counts[kind.key] = 0
        if not matches.query.is_empty():
            sql, kind_params = matches.query.sql_with_params()
            selects.append(f"SELECT %s, count(*) FROM ({sql}) found")  # noqa: S608
            params += [kind.key, *kind_params]
    if selects:
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(selects), params)
            counts.update(dict(cursor.fetchall()))
    return counts


def page_results(rows: list[tuple], *, text: str, user) -> dict[tuple[str, int], SearchResult]:
    """{(key, pk): SearchResult} of the registered kinds' rows among ``rows`` (one page of
    results); what is no longer found (changed since the rows were read) is left out."""
    wanted: dict[str, list[int]] = {}
    for key, pk, *_rest in rows:
        if key in _kinds:
            wanted.setdefault(key, []).append(pk)
    shown = {}
    for key, pks in wanted.items():
        kind = _kinds[key]
        for pk, result in kind.results(kind.search(text, user).filter(pk__in=pks), text).items():
            result.search_kind = kind
            shown[key, pk] = result
    return shown
