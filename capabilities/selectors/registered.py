"""The directory search over what other apps register with the core's search (guides,
comparisons, glossary terms…): their matches among the results, every kind in the type facet.

A registered kind is listed when chosen in ``type`` or, with no type chosen, once words are
typed (browsing the directory stays a directory of capabilities); its type facet value always
counts what choosing it would list. A filter only records have (an area, an economy, a range,
a quantity typed in the box) leaves every registered kind out, as it leaves institutes out of
filters they lack.
"""

from django.core.exceptions import ValidationError

from nmiq_portal.core import search as registry

from .. import units
from ..enums import RecordType
from .directory import FACETS, DirectorySearch, Facet, FacetValue, directory_search
from .results import directory_page_records
from .searched import SEARCHED, given, search_params

#: The directory's filters other than the search box: any of them set is a search of records.
RECORD_ONLY = sorted(
    {name for _model, filterset in SEARCHED.values() for name in filterset.base_filters} - {"q"}
)


def _words(typed: str) -> tuple[str, bool]:
    """The words the registered kinds search for what was typed in the box, and False when a
    quantity is among them. What the box refuses (too long, a quantity out of range) is no
    words, as the records' FilterSets ignore it."""
    try:
        typed = SEARCHED[RecordType.TESTBED][1].base_filters["q"].field.clean(typed)
    except ValidationError:
        return "", True
    ranges, words = units.quantities_in_text(typed or "")
    return words, not ranges


def site_search(*, user, params, sort: str = "relevance") -> DirectorySearch:
    """``directory_search`` with the registered kinds: their matches among the rows, sorted
    with the records, and each kind in the type facet (its rows when listed, else its count):
    one query a registered kind. Its rows are read a page at a time (SearchRows), the other
    kinds' results sorted in."""
    params = search_params(params)
    search = directory_search(user=user, params=params, sort=sort)
    text, plain = _words(params.get("q", ""))
    searchable = plain and not any(given(params, key) for key in RECORD_ONLY)
    kinds = registry.registered()
    chosen = set(params.getlist("type"))
    if chosen & ({*SEARCHED} | {kind.key for kind in kinds}):
        listed = {kind.key for kind in kinds if kind.key in chosen}
    else:
        listed = {kind.key for kind in kinds} if text else set()
    found, counts = [], {}
    searched = kinds if searchable else []
    for kind in searched:
        if kind.key in listed:
            rows = registry.found_rows(kind, text=text, user=user)
            found += rows
            counts[kind.key] = len(rows)
    unlisted = [kind for kind in searched if kind.key not in listed]
    counts.update(registry.found_counts(unlisted, text=text, user=user))

    values = [
        FacetValue(kind.key, kind.label, counts.get(kind.key, 0), kind.key in chosen)
        for kind in kinds
        if counts.get(kind.key) or kind.key in chosen
    ]
    facets = list(search.facets)
    types = next((facet for facet in facets if facet.key == "type"), None)
    if types is None and values:
        types = Facet("type", dict(FACETS)["type"])
        facets.insert(0, types)
    if types is not None:
        types.values = [*types.values, *values]
    rows = search.rows.with_extra(found) if found else search.rows
    return DirectorySearch(rows=rows, facets=facets, errors=search.errors)


def site_page_records(*, user, rows: list, text: str) -> list:
    """The records and registered results behind one page of ``site_search``'s rows, in order
    (a registered result has ``search_kind``; see ``nmiq_portal.core.search.SearchResult``)."""
    results = registry.page_results(rows, text=_words(text)[0], user=user)
    records = {
        (record.record_type, record.pk): record
        for record in directory_page_records(
            rows=[row for row in rows if row[0] in SEARCHED], text=text
        )
    }
    shown = {**records, **results}
    return [shown[key, pk] for key, pk, *_rest in rows if (key, pk) in shown]
