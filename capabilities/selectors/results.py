"""The directory's results: their order, one page read at a time, and the records behind it."""

from collections.abc import Sequence

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import F, OuterRef, TextField, Value
from django.db.models.functions import Concat, JSONObject

from .. import search, units
from ..models import Institute, TechnologyArea
from .searched import SEARCHED, SORTS, KindSearch

#: How results are ordered in SQL, as SORTS orders them in Python. With no words searched,
#: every rank is 0 and relevance is the order by name, which the folded-name indexes give.
SQL_SORTS = {
    "relevance": ("-rank", "sort_name", "rid"),
    "name": ("sort_name", "rid"),
    "updated": ("-updated_at", "sort_name", "rid"),
}


class SearchRows(Sequence):
    """The results of a search, (kind, pk, name, rank, updated_at) each, in order. Its length
    is known beforehand; a page is read from the database when it is asked for (one query for
    the first ``stop`` rows). ``extra`` rows (other apps' results) are sorted in with them.
    ``querysets`` holds each kind's rows ({kind: queryset}), ``totals`` their numbers."""

    def __init__(self, querysets: dict, *, sort: str, order: tuple, totals: dict, extra=()):
        self.querysets, self.sort, self.order = querysets, sort, order
        self.totals, self.extra = totals, list(extra)
        self.total = sum(totals.get(kind, 0) for kind in querysets)

    def with_extra(self, extra: list) -> "SearchRows":
        return SearchRows(
            self.querysets, sort=self.sort, order=self.order, totals=self.totals, extra=extra
        )

    def of_kinds(self, kinds) -> "SearchRows":
        """Only the rows of ``kinds`` (no other app's), still read a page at a time."""
        querysets = {kind: qs for kind, qs in self.querysets.items() if kind in kinds}
        return SearchRows(querysets, sort=self.sort, order=self.order, totals=self.totals)

    def __len__(self) -> int:
        return self.total + len(self.extra)

    def _read(self, stop: int) -> list[tuple]:
        if not self.querysets or stop <= 0:
            return []
        # Each kind's first ``stop`` rows, then theirs: each kind's are read from its index
        # (PostgreSQL does not merge the ordered indexes through the UNION by itself).
        first, *others = (qs.order_by(*self.order)[:stop] for qs in self.querysets.values())
        if others:
            first = first.union(*others, all=True).order_by(*self.order)[:stop]
        return [row[:5] for row in first]

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            rows = self._read(stop)
            if self.extra:
                rows = sorted(rows + self.extra, key=SORTS.get(self.sort, SORTS["relevance"]))
            return rows[start:stop:step]
        index = index + len(self) if index < 0 else index
        rows = self[index : index + 1]
        if not rows:
            raise IndexError(index)
        return rows[0]

    def __iter__(self):
        return iter(self[0 : len(self)])


def result_rows(searches: list[KindSearch], totals: dict, sort: str) -> SearchRows:
    querysets = {}
    for part in searches:
        if not part.listed or part.base.query.is_empty():
            continue
        querysets[part.kind] = (
            part.matching()
            .annotate(
                record_kind=Value(part.kind, output_field=TextField()),
                rid=F("pk"),
                sort_name=search.FOLDED_NAME,
            )
            .values_list("record_kind", "rid", "name", "rank", "updated_at", "sort_name")
        )
    ranked = any(part.ranked for part in searches if part.listed)
    sort = sort if sort in SQL_SORTS else "relevance"
    order = SQL_SORTS["name" if sort == "relevance" and not ranked else sort]
    return SearchRows(querysets, sort=sort, order=order, totals=totals)


#: What a result shows of each of its technology areas, read with the record.
AREA_FIELDS = ("id", "slug", "path", "name", "name_fr")


def tagged_areas(model):
    """The technology areas of the outer query's record of ``model`` (a testbed or service), in
    the tree's order: the body of a subquery that reads them with the records."""
    related = {model._meta.model_name + "s": OuterRef("pk")}
    return TechnologyArea.objects.filter(**related).order_by("path")


def areas_of(model) -> ArraySubquery:
    """Each record's technology areas as JSON objects of ``AREA_FIELDS``, in the tree's order:
    read with the records, in no query of their own (``TechnologyArea(**row)`` makes each an
    area again, its name in the active language)."""
    fields = JSONObject(**{name: name for name in AREA_FIELDS})
    return ArraySubquery(tagged_areas(model).values(json=fields))


def areas_read(record) -> list[TechnologyArea]:
    """The areas ``areas_of`` read with ``record`` (annotated as ``area_rows``), as areas."""
    return [TechnologyArea(**row) for row in record.area_rows]


def directory_page_records(*, rows: list, text: str) -> list:
    """The records behind one page of ``DirectorySearch.rows``, in order, each with ``record_type``,
    a highlighted ``snippet`` of where ``text`` matched and, for testbeds and services, their
    ``areas``: a query per kind, whatever the page's size."""
    raw = search.tsquery(units.quantities_in_text(text or "", strict=False)[1])
    wanted: dict[str, list[int]] = {}
    for kind, pk, *_rest in rows:
        wanted.setdefault(kind, []).append(pk)
    loaded = {}
    for kind, pks in wanted.items():
        model = SEARCHED[kind][0]
        qs = model.objects.filter(pk__in=pks)
        body = (
            "description"
            if model is Institute
            else Concat("summary", Value(" "), "description", output_field=TextField())
        )
        if model is not Institute:
            qs = qs.select_related("institute").annotate(area_rows=areas_of(model))
        if raw:
            qs = qs.annotate(headline=search.headline(body, raw))
        for record in qs:
            record.record_type = kind
            if model is not Institute:
                record.areas = areas_read(record)
            if model is Institute:
                fallback = body = record.description
            else:
                fallback = record.summary or record.description
                body = f"{record.summary} {record.description}"
            record.snippet = search.snippet(getattr(record, "headline", None), fallback, body=body)
            loaded[kind, record.pk] = record
    return [loaded[kind, pk] for kind, pk, *_rest in rows if (kind, pk) in loaded]
