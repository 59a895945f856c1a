"""The directory search: what a search finds, its facets and page, and the map."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import FloatField, Q, TextField, Value
from django.db.models.functions import Concat
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_countries import countries

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


#: The columns every read of a search starts with, before the facets' own.
RESULT_COLUMNS = ("pk", "name", "updated_at", "rank")


def _facet_rows(kind: str, qs) -> tuple[list[tuple], dict[int, set[str]]]:
    """What a search finds of one kind, read once: per record its RESULT_COLUMNS then its
    FACET_COLUMNS; and the technology areas of each with all their ancestors. Two queries,
    whatever the number of facets."""
    if "rank" not in qs.query.annotations:
        qs = qs.annotate(rank=Value(0.0, output_field=FloatField()))
    if kind != RecordType.INSTITUTE:
        qs = qs.annotate(has_evidence=has_evidence(qs.model))
    rows = list(qs.order_by().values_list(*RESULT_COLUMNS, *FACET_COLUMNS[kind].values()))
    areas: dict[int, set[str]] = {}
    if kind != RecordType.INSTITUTE and rows:
        model = SEARCHED[kind][0]
        column = f"{model._meta.model_name}_id"
        pairs = model.technology_areas.through.objects.filter(
            **{f"{column}__in": [row[0] for row in rows]}
        ).values_list(column, "technologyarea__path")
        for pk, path in pairs:
            # Slugs are unique across the tree: a path's parts are the area and its ancestors.
            areas.setdefault(pk, set()).update(path.split("/"))
    return rows, areas


def _count_facet(key: str, kind: str, rows: list[tuple], areas: dict) -> Counter:
    if key == "type":
        return Counter({kind: len(rows)}) if rows else Counter()
    if key == "area":
        return Counter(slug for slugs in areas.values() for slug in slugs)
    if key not in FACET_COLUMNS[kind]:
        return Counter()
    index = len(RESULT_COLUMNS) + list(FACET_COLUMNS[kind]).index(key)
    if key in ("si", "has_evidence"):
        return Counter({"on": sum(1 for row in rows if row[index])})
    if key in ("access", "audience"):
        return Counter(value for row in rows for value in set(row[index]))
    if key == "lead_time_max":
        # By number of weeks, None for no number: _lead_time_counts makes the buckets.
        return Counter(row[index] for row in rows)
    return Counter(row[index] for row in rows if row[index])


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
        acronyms = dict(Institute.objects.filter(slug__in=shown).values_list("slug", "acronym"))
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


def _search_key(params: MultiValueDict) -> tuple:
    return tuple(sorted((key, tuple(params.getlist(key))) for key in params))


@dataclass
class DirectorySearch:
    """One run of the directory search: the results, ordered, and the facets."""

    rows: list[tuple]  # (kind, pk, name, rank, updated_at)
    facets: list[Facet]


def directory_search(*, user, params, sort: str = "relevance") -> DirectorySearch:
    """The results of the search ``params`` and every facet with live counts.

    A facet value's count is how many results choosing it would give, with the other facets'
    choices kept (so the counts of a single-valued facet add up to the results when nothing in
    it is chosen). Each distinct search runs once: the results and the facets with no choice
    share the search as it stands; each chosen facet adds the search without it.
    """
    params = search_params(params)
    searched: dict[tuple, dict] = {}

    def found(search: MultiValueDict) -> dict:
        key = _search_key(search)
        if key not in searched:
            searched[key] = {
                kind: _facet_rows(kind, filterset.qs)
                for kind, filterset in _filtersets(user, search).items()
            }
        return searched[key]

    rows = [
        (kind, pk, name, rank, updated)
        for kind, (kind_rows, _areas) in found(params).items()
        for pk, name, updated, rank, *_facets in kind_rows
    ]
    rows.sort(key=SORTS.get(sort, SORTS["relevance"]))

    facets = []
    for key, label in FACETS:
        others = params.copy()
        others.pop(key, None)
        counts = Counter()
        for kind, (kind_rows, areas) in found(others).items():
            counts.update(_count_facet(key, kind, kind_rows, areas))
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
    return DirectorySearch(rows=rows, facets=facets)


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
