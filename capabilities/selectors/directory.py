"""The directory search: what a search finds, its facets and page, and the map."""

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_
from types import SimpleNamespace

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    TextField,
    Value,
)
from django.db.models.functions import Concat
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_countries import countries

from nmiq_portal.changes.models import ChangeEvent
from nmiq_portal.core import search as registry

from .. import search, units
from ..enums import (
    RMO,
    AccessMode,
    Audience,
    Charging,
    MetrologyArea,
    RecordType,
    ServiceKind,
)
from ..filters import (
    LEAD_TIME_ANY,
    LISTED_STATUSES,
    DirectoryInstituteFilterSet,
    ServiceFilterSet,
    TestbedFilterSet,
)
from ..models import (
    CapabilityRecord,
    Institute,
    KcdbLabel,
    Service,
    TechnologyArea,
    Testbed,
    has_evidence,
)

#: What the search returns, with the FilterSet each kind is filtered by.
SEARCHED = {
    RecordType.TESTBED: (Testbed, TestbedFilterSet),
    RecordType.SERVICE: (Service, ServiceFilterSet),
    RecordType.INSTITUTE: (Institute, DirectoryInstituteFilterSet),
}
#: Filters only services have: while one is set, only services match.
SERVICE_FILTERS = (
    "kind",
    "metrology_area",
    "branch",
    "kcdb_service",
    "lead_time_max",
    "charging",
)
#: Filters only testbeds and services have: while one is set, no institute matches.
RECORD_FILTERS = (
    "area",
    "access",
    "audience",
    "si",
    "has_evidence",
    "status",
    "no_range",
    *SERVICE_FILTERS,
    *(f"{dimension}_{end}" for dimension in CapabilityRecord.RANGES for end in ("min", "max")),
)
#: How results can be ordered: a key on (kind, pk, name, rank, updated_at).
SORTS = {
    "relevance": lambda row: (-row[3], row[2].casefold(), row[1]),
    "name": lambda row: (row[2].casefold(), row[1]),
    "updated": lambda row: (-row[4].timestamp(), row[2].casefold(), row[1]),
}


def search_params(params) -> MultiValueDict:
    """The search's parameters as a MultiValueDict (from a QueryDict or a dict of lists)."""
    if isinstance(params, MultiValueDict):
        return params.copy()
    return MultiValueDict(
        {key: value if isinstance(value, list) else [value] for key, value in params.items()}
    )


def _given(params: MultiValueDict, key: str) -> bool:
    return any(str(value).strip() for value in params.getlist(key))


def searched_types(params: MultiValueDict) -> list[str]:
    """The kinds of record a search can return, from its ``type`` and its other filters (a
    ``type`` naming only kinds other apps register leaves every record out)."""
    types = [t for t in params.getlist("type") if t in SEARCHED or registry.kind_of(t)]
    chosen = [t for t in SEARCHED if t in types] if types else list(SEARCHED)
    if any(_given(params, key) for key in RECORD_FILTERS):
        chosen = [t for t in chosen if t != RecordType.INSTITUTE]
    if any(_given(params, key) for key in SERVICE_FILTERS):
        chosen = [t for t in chosen if t == RecordType.SERVICE]
    return chosen


@dataclass(frozen=True)
class _Viewer:
    """What the FilterSets read of a request: who is looking (the institutes they may name)."""

    user: object


def _filtersets(user, params: MultiValueDict) -> dict:
    return {
        kind: filterset(params, queryset=model.objects.visible_to(user), request=_Viewer(user))
        for kind, (model, filterset) in SEARCHED.items()
        if kind in searched_types(params)
    }


def directory_matches(*, user, params, since=None) -> dict:
    """{"testbed": qs, "service": qs, "institute": qs}: what the directory search with
    ``params`` finds for ``user``. With ``since``, only testbeds and services first published
    after it (for alerts)."""
    params = search_params(params)
    filtersets = _filtersets(user, params)
    matches = {}
    for kind, (model, _filterset) in SEARCHED.items():
        qs = filtersets[kind].qs if kind in filtersets else model.objects.none()
        if since is not None:
            qs = qs.none() if kind == RecordType.INSTITUTE else qs.filter(published_at__gt=since)
        matches[kind] = qs
    return matches


def directory_errors(*, user, params) -> dict:
    """Input the search could not use for ``user`` (a unit it does not know, an institute they
    may not see), by field."""
    params = search_params(params)
    errors = {}
    for _kind, (model, filterset) in SEARCHED.items():
        form = filterset(params, queryset=model.objects.none(), request=_Viewer(user)).form
        if not form.is_valid():
            errors.update(form.errors)
    return errors


def directory_page_records(*, rows: list, text: str) -> list:
    """The records behind one page of ``DirectorySearch.rows``, in order, each with ``record_type``
    and a highlighted ``snippet`` of where ``text`` matched."""
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
            qs = qs.select_related("institute").prefetch_related("technology_areas")
        if raw:
            qs = qs.annotate(headline=search.headline(body, raw))
        for record in qs:
            record.record_type = kind
            if model is Institute:
                fallback = body = record.description
            else:
                fallback = record.summary or record.description
                body = f"{record.summary} {record.description}"
            record.snippet = search.snippet(getattr(record, "headline", None), fallback, body=body)
            loaded[kind, record.pk] = record
    return [loaded[kind, pk] for kind, pk, *_rest in rows if (kind, pk) in loaded]


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    depth: int = 0


@dataclass
class Facet:
    key: str
    label: str
    values: list[FacetValue] = field(default_factory=list)
    note: str = ""

    @property
    def has_selection(self) -> bool:
        return any(value.selected for value in self.values)


#: What the facets count, read once per record kind and per distinct search: one row a record.
FACET_COLUMNS = {
    RecordType.TESTBED: {
        "economy": "institute__economy",
        "rmo": "institute__rmo",
        "institute": "institute__slug",
        "status": "status",
        "si": "si_traceable",
        "has_evidence": "has_evidence",
        "access": "access_modes",
        "audience": "audiences",
    },
    RecordType.INSTITUTE: {"economy": "economy", "rmo": "rmo", "institute": "slug"},
}
FACET_COLUMNS[RecordType.SERVICE] = {
    **FACET_COLUMNS[RecordType.TESTBED],
    "kind": "kind",
    "metrology_area": "metrology_area",
    "branch": "branch",
    "kcdb_service": "kcdb_service",
    "lead_time_max": "lead_time_weeks_max",
    "charging": "charging",
}
#: The lead-time facet's buckets, in weeks; each holds the ones before it.
LEAD_TIME_BUCKETS = (2, 4, 8, 12)


#: The chosen facets that filter the records' rows (``type`` picks the kinds instead).
FILTERING_FACETS = ("area", *FACET_COLUMNS[RecordType.SERVICE])
#: Facets of arrays: a record counts once for each distinct value it holds.
ARRAY_FACETS = ("access", "audience")
#: Facets of a flag: the records where it is true.
FLAG_FACETS = ("si", "has_evidence")


def _counted_facets(kind: str) -> tuple[str, ...]:
    """The facets a kind of record has a value for."""
    return (*FACET_COLUMNS[kind], *(("area",) if kind != RecordType.INSTITUTE else ()))


def _facet_condition(kind: str, key: str, value) -> Q | None:
    """The condition a record of ``kind`` meets when facet ``key`` is chosen as ``value`` (the
    form's cleaned value), as the FilterSets apply it; None when it filters nothing."""
    if value in (None, False, "") or (isinstance(value, list | tuple) and not value):
        return None
    model = SEARCHED[kind][0]
    if kind == RecordType.INSTITUTE:
        column = {"economy": "economy", "rmo": "rmo", "institute": "pk"}[key]
        values = [institute.pk for institute in value] if key == "institute" else list(value)
        return Q(**{f"{column}__in": values})
    if key in ("economy", "rmo"):
        return Q(**{f"institute__{key}__in": list(value)})
    if key == "institute":
        return Q(institute__in=[institute.pk for institute in value])
    if key == "area":
        in_subtree = reduce(
            or_, (Q(path=area.path) | Q(path__startswith=f"{area.path}/") for area in value)
        )
        through = model.technology_areas.through
        tagged = through.objects.filter(
            technologyarea__in=TechnologyArea.objects.filter(in_subtree)
        ).values(f"{model._meta.model_name}_id")
        return Q(pk__in=tagged)
    if key in ARRAY_FACETS:
        return Q(**{f"{FACET_COLUMNS[kind][key]}__overlap": list(value)})
    if key == "si":
        return Q(si_traceable=True)
    if key == "has_evidence":
        return Q(has_evidence(model))
    if key == "lead_time_max":
        if LEAD_TIME_ANY in value:
            return Q(lead_time_weeks_max__isnull=False)
        return Q(lead_time_weeks_max__lte=max(int(weeks) for weeks in value))
    return Q(**{f"{key}__in": list(value)})


def _cleaned(user, params: MultiValueDict):
    """The search's input cleaned once for every kind (the services' form has every filter the
    others have): each area and institute slug is looked up once per search."""
    form = ServiceFilterSet(params, queryset=Service.objects.none(), request=_Viewer(user)).form
    form.is_valid()
    return form


def _base(kind: str, user, params: MultiValueDict, form):
    """The records of ``kind`` ``user`` may see that the search's text, ranges and other
    filters that are not facets find, ranked."""
    model, filterset_class = SEARCHED[kind]
    filterset = filterset_class(
        params, queryset=model.objects.visible_to(user), request=_Viewer(user)
    )
    chosen = {
        key: value
        for key, value in form.cleaned_data.items()
        if key in filterset.filters and key not in FILTERING_FACETS
    }
    filterset._form = SimpleNamespace(cleaned_data=chosen, errors=form.errors)
    qs = filterset.filter_queryset(filterset.queryset.all()).order_by()
    if "rank" in qs.query.annotations:
        return qs, True
    return qs.annotate(rank=Value(0.0, output_field=FloatField())), False


def _without(params: MultiValueDict, key: str) -> MultiValueDict:
    others = params.copy()
    others.pop(key, None)
    return others


@dataclass
class _KindSearch:
    """One kind's part of a search: its records before the facets, each chosen facet's
    condition, the facets it is counted in, and whether it is listed and counted by type."""

    kind: str
    base: object
    ranked: bool
    conditions: dict
    counted: tuple
    listed: bool
    typed: bool

    def matching(self):
        """The records the search as given finds."""
        return self.base.filter(*self.conditions.values())


def _kind_searches(user, params: MultiValueDict, form) -> list[_KindSearch]:
    listed = searched_types(params)
    typed = searched_types(_without(params, "type"))
    searches = []
    for kind in SEARCHED:
        counted = tuple(
            key for key in _counted_facets(kind) if kind in searched_types(_without(params, key))
        )
        if not counted and kind not in typed:
            continue
        conditions = {}
        for key in FILTERING_FACETS:
            if key in _counted_facets(kind) and _given(params, key):
                condition = _facet_condition(kind, key, form.cleaned_data.get(key))
                if condition is not None:
                    conditions[key] = condition
        base, ranked = _base(kind, user, params, form)
        searches.append(
            _KindSearch(
                kind=kind,
                base=base,
                ranked=ranked,
                conditions=conditions,
                counted=counted,
                listed=kind in listed,
                typed=kind in typed,
            )
        )
    return searches


def _facet_sql(part: _KindSearch) -> tuple[str, list, list[str]]:
    """(a CTE, its parameters, the SELECTs over it) counting one kind's facets: each facet over
    the records that meet every chosen facet but its own, the total over those meeting all."""
    kind, model = part.kind, SEARCHED[part.kind][0]
    keys = list(part.conditions)
    qs = part.base.annotate(
        **{
            f"m_{key}": ExpressionWrapper(condition, output_field=BooleanField())
            for key, condition in part.conditions.items()
        }
    )
    if len(keys) > 1:
        # At most one chosen facet unmet: the only rows a count needs.
        qs = qs.filter(
            reduce(
                or_,
                (
                    reduce(and_, (part.conditions[other] for other in keys if other != key))
                    for key in keys
                ),
            )
        )
    columns = {"rid": F("pk")}
    for key in part.counted:
        if key == "has_evidence":
            columns["f_has_evidence"] = has_evidence(model)
        elif key != "area":
            columns[f"f_{key}"] = F(FACET_COLUMNS[kind][key])
    qs = qs.values(**columns, **{f"s_{key}": F(f"m_{key}") for key in keys})
    sql, params = qs.query.sql_with_params()
    cte = f"m_{kind}"

    def met(but=None) -> str:
        return " AND ".join(f'm."s_{key}"' for key in keys if key != but) or "TRUE"

    # Only names from this module go into the text (kinds, facets, tables, aliases, choices);
    # every value typed in the search is a parameter of the CTE.
    head = f"SELECT '{kind}'"
    selects = []
    # The facets counted over the search as given, in two passes over the CTE: the columns'
    # values grouped at once, then the flags, arrays and total as one row of aggregates.
    shared = [key for key in part.counted if key not in keys and key != "area"]
    grouped = [key for key in shared if key not in ARRAY_FACETS + FLAG_FACETS]
    if grouped:
        which = " ".join(f"WHEN GROUPING(m.\"f_{key}\") = 0 THEN '{key}'" for key in grouped)
        value = ", ".join(f'm."f_{key}"::text' for key in grouped)
        sets = ", ".join(f'(m."f_{key}")' for key in grouped)
        selects.append(
            f"{head}, CASE {which} END, COALESCE({value}), count(*) FROM {cte} m"
            f" WHERE {met()} GROUP BY GROUPING SETS ({sets})"
        )
    aggregates = []
    if part.typed or part.listed:
        aggregates.append(("total", "NULL", "count(*)"))
    for key in shared:
        if key in FLAG_FACETS:
            aggregates.append((key, "'on'", f'count(*) FILTER (WHERE m."f_{key}")'))
        elif key in ARRAY_FACETS:
            aggregates += _array_counts(key)
    if aggregates:
        selects.append(_one_row(head, cte, met(), aggregates))
    # A chosen facet is counted over the records meeting every other choice.
    for key in part.counted:
        if key not in keys and key != "area":
            continue
        where = met(key)
        if key == "area":
            through = model.technology_areas.through._meta.db_table
            column = f"{model._meta.model_name}_id"
            selects.append(
                f"{head}, 'area', tagged.slug, count(*) FROM (SELECT DISTINCT m.rid, s.slug"  # noqa: S608
                f" FROM {cte} m JOIN {through} t ON t.{column} = m.rid"
                f" JOIN {TechnologyArea._meta.db_table} a ON a.id = t.technologyarea_id"
                " CROSS JOIN LATERAL unnest(string_to_array(a.path, '/')) s(slug)"
                f" WHERE {where}) tagged GROUP BY tagged.slug"
            )
        elif key in FLAG_FACETS:
            selects.append(
                _one_row(head, cte, where, [(key, "'on'", f'count(*) FILTER (WHERE m."f_{key}")')])
            )
        elif key in ARRAY_FACETS:
            selects.append(_one_row(head, cte, where, _array_counts(key)))
        else:
            selects.append(
                f"{head}, '{key}', m.\"f_{key}\"::text, count(*) FROM {cte} m"
                f' WHERE {where} GROUP BY m."f_{key}"'
            )
    return f"{cte} AS MATERIALIZED ({sql})", list(params), selects


def _array_counts(key: str) -> list[tuple[str, str, str]]:
    """(facet, value, aggregate) counting the records whose array holds each choice."""
    choices = AccessMode if key == "access" else Audience
    return [
        (key, f"'{value}'", f"count(*) FILTER (WHERE m.\"f_{key}\" @> ARRAY['{value}']::varchar[])")
        for value in choices.values
    ]


def _one_row(head: str, cte: str, where: str, aggregates: list) -> str:
    """A SELECT of (kind, facet, value, count) rows from one pass of aggregates over ``cte``."""
    columns = ", ".join(f"{aggregate} AS c{n}" for n, (_k, _v, aggregate) in enumerate(aggregates))
    rows = ", ".join(
        f"('{key}', {value}::text, c{n})" for n, (key, value, _a) in enumerate(aggregates)
    )
    return (
        f"{head}, f.key, f.value, f.count FROM (SELECT {columns} FROM {cte} m"  # noqa: S608
        f" WHERE {where}) counted CROSS JOIN LATERAL (VALUES {rows}) f(key, value, count)"
    )


#: How long the counts of a search of the public data are kept at most (seconds).
FACET_CACHE_SECONDS = 300


def _counted(sql: str, params: list, *, public: bool) -> list[tuple]:
    """The rows of the facet query. Over the public data (an anonymous search) they are kept,
    keyed by the query and the change feed's last event: every change to what is public
    (a record, its institute, areas or evidence) adds an event, so a kept count is never
    older than the data. The bound covers a change whose event committed after a later one
    was read."""
    # Inside a transaction the search may have written what it counts, and an event it
    # relabels keeps its id: counts are kept only for a search made outside one.
    if not public or connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    last = ChangeEvent.objects.order_by("-id").values_list("id", flat=True).first()
    digest = hashlib.sha256(repr((sql, params)).encode()).hexdigest()
    key = f"directory-facets:{last}:{digest}"
    found = cache.get(key)
    if found is None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall()
        cache.set(key, found, FACET_CACHE_SECONDS)
    return found


def _facet_counts(
    searches: list[_KindSearch], *, public: bool
) -> tuple[dict[str, Counter], dict[str, int]]:
    """Every facet's counts and each kind's number of results: one query, whatever the number
    of facets, kinds and choices (and none for a public search counted before)."""
    counts: dict[str, Counter] = {}
    totals: dict[str, int] = {}
    ctes, params, selects = [], [], []
    for part in searches:
        if part.base.query.is_empty():
            continue  # a search no record of this kind can match (a range, for institutes)
        cte, cte_params, kind_selects = _facet_sql(part)
        ctes.append(cte)
        params += cte_params
        selects += kind_selects
    if not selects:
        return counts, totals
    sql = f"WITH {', '.join(ctes)} {' UNION ALL '.join(f'({s})' for s in selects)}"
    found = _counted(sql, params, public=public)
    typed = {part.kind for part in searches if part.typed}
    for kind, key, value, count in found:
        if key == "total":
            totals[kind] = count
            if kind in typed:
                counts.setdefault("type", Counter())[kind] += count
        elif key == "lead_time_max":
            counts.setdefault(key, Counter())[None if value is None else int(value)] += count
        elif value:
            counts.setdefault(key, Counter())[value] += count
    return counts, totals


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
    the first ``stop`` rows). ``extra`` rows (other apps' results) are sorted in with them."""

    def __init__(self, querysets: list, *, sort: str, order: tuple, total: int, extra=()):
        self.querysets, self.sort, self.order = querysets, sort, order
        self.total, self.extra = total, list(extra)

    def with_extra(self, extra: list) -> "SearchRows":
        return SearchRows(
            self.querysets, sort=self.sort, order=self.order, total=self.total, extra=extra
        )

    def __len__(self) -> int:
        return self.total + len(self.extra)

    def _read(self, stop: int) -> list[tuple]:
        if not self.querysets or stop <= 0:
            return []
        # Each kind's first ``stop`` rows, then theirs: each kind's are read from its index
        # (PostgreSQL does not merge the ordered indexes through the UNION by itself).
        first, *others = (qs.order_by(*self.order)[:stop] for qs in self.querysets)
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


def _result_rows(searches: list[_KindSearch], totals: dict, sort: str) -> SearchRows:
    querysets = []
    for part in searches:
        if not part.listed or part.base.query.is_empty():
            continue
        querysets.append(
            part.matching()
            .annotate(
                record_kind=Value(part.kind, output_field=TextField()),
                rid=F("pk"),
                sort_name=search.FOLDED_NAME,
            )
            .values_list("record_kind", "rid", "name", "rank", "updated_at", "sort_name")
        )
    total = sum(totals.get(part.kind, 0) for part in searches if part.listed)
    ranked = any(part.ranked for part in searches if part.listed)
    sort = sort if sort in SQL_SORTS else "relevance"
    order = SQL_SORTS["name" if sort == "relevance" and not ranked else sort]
    return SearchRows(querysets, sort=sort, order=order, total=total)


#: The institute facet lists the institutes with the most results (and any chosen).
INSTITUTE_FACET_SIZE = 25


FACETS = (
    ("type", gettext_lazy("Record type")),
    ("area", gettext_lazy("Technology area")),
    ("economy", gettext_lazy("Economy")),
    ("rmo", gettext_lazy("RMO")),
    ("institute", gettext_lazy("Institute")),
    ("kind", gettext_lazy("Service kind")),
    ("metrology_area", gettext_lazy("Metrology area (KCDB)")),
    ("branch", gettext_lazy("Branch (KCDB)")),
    ("kcdb_service", gettext_lazy("Service (KCDB)")),
    ("access", gettext_lazy("Access mode")),
    ("lead_time_max", gettext_lazy("Lead time")),
    ("charging", gettext_lazy("Charging")),
    ("audience", gettext_lazy("Who may use it")),
    ("si", gettext_lazy("SI traceability")),
    ("has_evidence", gettext_lazy("Evidence")),
    ("status", gettext_lazy("Status")),
)


def _casefolded(value: tuple) -> str:
    return value[1].casefold()


def _weeks_label(weeks: int) -> str:
    return ngettext("at most %(weeks)s week", "at most %(weeks)s weeks", weeks) % {"weeks": weeks}


def _facet_labels(key: str, counts: Counter, chosen: set) -> list[tuple[str, str, int]]:
    """(value, label, depth) for the values worth showing, in display order."""
    if key == "type":
        return [(value, label, 0) for value, label in RecordType.choices]
    if key == "economy":
        return sorted(((code, str(countries.name(code)), 0) for code in counts), key=lambda v: v[1])
    if key == "rmo":
        return [(value, label, 0) for value, label in RMO.choices]
    if key == "institute":
        shown = {slug for slug, _n in counts.most_common(INSTITUTE_FACET_SIZE)} | chosen
        # Named only when counted, that is when a record the viewer may see is theirs: a chosen
        # slug of an institute the viewer may not see keeps the label as typed.
        named = shown & set(counts)
        acronyms = dict(Institute.objects.filter(slug__in=named).values_list("slug", "acronym"))
        return sorted(((slug, acronyms.get(slug, slug), 0) for slug in shown), key=lambda v: v[1])
    if key == "area":
        areas = TechnologyArea.objects.filter(slug__in=list(counts)).order_by("path")
        return [(area.slug, area.label, area.depth) for area in areas]
    if key == "kind":
        return list((value, label, 0) for value, label in ServiceKind.choices)
    if key == "metrology_area":
        return [(value, label, 0) for value, label in MetrologyArea.choices]
    if key in ("branch", "kcdb_service"):
        level = KcdbLabel.Level.BRANCH if key == "branch" else KcdbLabel.Level.SERVICE
        labels = KcdbLabel.labels(level, set(counts) | chosen)
        return sorted(((value, label, 0) for value, label in labels.items()), key=_casefolded)
    if key == "access":
        return [(value, label, 0) for value, label in AccessMode.choices]
    if key == "lead_time_max":
        weeks = sorted(_typed_weeks(chosen) | set(map(str, LEAD_TIME_BUCKETS)), key=int)
        return [
            *((value, _weeks_label(int(value)), 0) for value in weeks),
            (LEAD_TIME_ANY, _("any stated lead time"), 0),
        ]
    if key == "charging":
        return [(value, label, 0) for value, label in Charging.choices]
    if key == "audience":
        return [(value, label, 0) for value, label in Audience.choices]
    if key == "si":
        return [("on", _("SI traceable"), 0)]
    if key == "has_evidence":
        return [("on", _("Has evidence"), 0)]
    return [(value, label, 0) for value, label in LISTED_STATUSES]


def _typed_weeks(chosen: set) -> set[str]:
    return {value for value in chosen if value.isascii() and value.isdigit()}


def _lead_time_counts(weeks: Counter, chosen: set) -> Counter:
    """The lead-time facet's counts from the services counted by their weeks: how many take at
    most each bucket's (or a chosen number's) weeks, how many state any, how many none."""
    stated = {value: n for value, n in weeks.items() if value is not None}
    counts = Counter({None: weeks.get(None, 0), LEAD_TIME_ANY: sum(stated.values())})
    for limit in _typed_weeks(chosen) | set(map(str, LEAD_TIME_BUCKETS)):
        counts[limit] = sum(n for value, n in stated.items() if value <= int(limit))
    return counts


def _facet_note(key: str, counts: Counter) -> str:
    """What a facet's values cannot say: the services a lead time cannot be compared for."""
    if key == "lead_time_max" and counts.get(None):
        return ngettext(
            "%(count)s service states no lead time in days, weeks or months; choosing a lead "
            "time leaves it out.",
            "%(count)s services state no lead time in days, weeks or months; choosing a lead "
            "time leaves them out.",
            counts[None],
        ) % {"count": counts[None]}
    return ""


@dataclass
class DirectorySearch:
    """One run of the directory search: the results, ordered, the facets and what of the input
    the search could not use (by field)."""

    rows: Sequence  # (kind, pk, name, rank, updated_at)
    facets: list[Facet]
    errors: dict = field(default_factory=dict)


def directory_search(*, user, params, sort: str = "relevance") -> DirectorySearch:
    """The results of the search ``params`` and every facet with live counts.

    A facet value's count is how many results choosing it would give, with the other facets'
    choices kept (so the counts of a single-valued facet add up to the results when nothing in
    it is chosen). All the facets are counted in SQL by one query, which also gives the number
    of results; a page of results is one more query, when it is read.
    """
    params = search_params(params)
    form = _cleaned(user, params)
    searches = _kind_searches(user, params, form)
    counted, totals = _facet_counts(searches, public=not user.is_authenticated)
    facets = []
    for key, label in FACETS:
        counts = counted.get(key, Counter())
        chosen = set(params.getlist(key))
        if key == "lead_time_max":
            counts = _lead_time_counts(counts, chosen)
        values = [
            FacetValue(value, label_, counts.get(value, 0), value in chosen, depth)
            for value, label_, depth in _facet_labels(key, counts, chosen)
            if counts.get(value) or value in chosen
        ]
        if values:
            facets.append(Facet(key, label, values, note=_facet_note(key, counts)))
    return DirectorySearch(
        rows=_result_rows(searches, totals, sort), facets=facets, errors=dict(form.errors)
    )


@dataclass
class MapPoints:
    """What the directory map shows: the testbeds with a location, the services placed at their
    testbed's, and how many records the search found without one."""

    testbeds: list
    services: list
    without: int


def map_points(*, user, params) -> MapPoints:
    """The testbeds and services among those the directory search ``params`` finds for ``user``
    that have a place on the map. A service is placed at its testbed's location, and only when
    the testbed is one ``user`` may see (a hidden testbed's location never shows)."""
    matches = directory_matches(user=user, params=params)
    located = Q(latitude__isnull=False, longitude__isnull=False)
    sites = Testbed.objects.visible_to(user).filter(located)
    testbeds = list(
        matches["testbed"].filter(located).select_related("institute").order_by("name", "pk")
    )
    services = list(
        matches["service"]
        .filter(testbed__in=sites)
        .select_related("institute", "testbed")
        .order_by("name", "pk")
    )
    found = matches["testbed"].count() + matches["service"].count()
    return MapPoints(testbeds, services, found - len(testbeds) - len(services))
