"""The directory search: what a search finds, its facets with their labels, and its rows."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db.models import CharField, FloatField, Value
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_countries import countries

from ..enums import RMO, AccessMode, Audience, Charging, MetrologyArea, RecordType, ServiceKind
from ..filters import LEAD_TIME_ANY, LISTED_STATUSES, ServiceFilterSet
from ..models import Institute, KcdbLabel, Service, TechnologyArea, VisibilityScope
from .facets import (
    FILTERING_FACETS,
    LEAD_TIME_BUCKETS,
    counted_facets,
    facet_condition,
    facet_counts,
)
from .results import result_rows
from .searched import (
    SEARCHED,
    KindSearch,
    Viewer,
    given,
    search_params,
    searched_types,
    without,
)


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


def _cleaned(user, params: MultiValueDict):
    """The search's input cleaned once for every kind (the services' form has every filter the
    others have): each area and institute slug is looked up once per search."""
    form = ServiceFilterSet(params, queryset=Service.objects.none(), request=Viewer(user)).form
    form.is_valid()
    return form


def _base(kind: str, user, params: MultiValueDict, form, queryset):
    """The records of ``queryset`` (of ``kind``) that the search's text, ranges and other
    filters that are not facets find, ranked."""
    filterset = SEARCHED[kind][1](params, queryset=queryset, request=Viewer(user))
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


def _kind_searches(user, params: MultiValueDict, form) -> list[KindSearch]:
    scope = VisibilityScope.of(user)
    listed = searched_types(params)
    typed = searched_types(without(params, "type"))
    searches = []
    for kind in SEARCHED:
        counted = tuple(
            key for key in counted_facets(kind) if kind in searched_types(without(params, key))
        )
        if not counted and kind not in typed:
            continue
        conditions = {}
        for key in FILTERING_FACETS:
            if key in counted_facets(kind) and given(params, key):
                condition = facet_condition(kind, key, form.cleaned_data.get(key))
                if condition is not None:
                    conditions[key] = condition
        records = SEARCHED[kind][0].objects
        base, ranked = _base(kind, user, params, form, records.visible_to(user))
        searches.append(
            KindSearch(
                kind=kind,
                base=base,
                shared=_base(kind, user, params, form, records.shared_in(scope))[0],
                own=_base(kind, user, params, form, records.own_beyond(scope))[0],
                ranked=ranked,
                conditions=conditions,
                counted=counted,
                listed=kind in listed,
                typed=kind in typed,
            )
        )
    return searches


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


def _shown_institutes(counts: Counter, chosen: set) -> set[str]:
    return {slug for slug, _n in counts.most_common(INSTITUTE_FACET_SIZE)} | chosen


def _facet_names(counted: dict, params: MultiValueDict) -> dict:
    """{("area", slug): area, ("institute", slug): acronym} of what the area and institute
    facets show, read in one query."""
    counts = counted.get("institute", Counter())
    # Named only when counted, that is when a record the viewer may see is theirs: a chosen
    # slug of an institute the viewer may not see keeps the label as typed.
    institutes = _shown_institutes(counts, set(params.getlist("institute"))) & set(counts)
    areas = list(counted.get("area", ()))
    if not institutes and not areas:
        return {}
    text = {"output_field": CharField()}
    rows = (
        TechnologyArea.objects.filter(slug__in=areas)
        .values_list(Value("area", **text), "slug", "path", "name", "name_fr")
        .union(
            Institute.objects.filter(slug__in=institutes).values_list(
                Value("institute", **text), "slug", "acronym", Value("", **text), Value("", **text)
            ),
            all=True,
        )
    )
    return {
        (key, slug): TechnologyArea(slug=slug, path=path, name=name, name_fr=name_fr)
        if key == "area"
        else path
        for key, slug, path, name, name_fr in rows
    }


def facet_labels(
    key: str, counts: Counter, chosen: set, names: dict | None = None
) -> list[tuple[str, str, int]]:
    """(value, label, depth) for the values worth showing, in display order; the areas and
    institutes from ``names`` (``_facet_names``) when given, else read."""
    if key in ("area", "institute") and names is None:
        names = _facet_names({key: counts}, MultiValueDict({key: list(chosen)}))
    if key == "type":
        return [(value, label, 0) for value, label in RecordType.choices]
    if key == "economy":
        return sorted(((code, str(countries.name(code)), 0) for code in counts), key=lambda v: v[1])
    if key == "rmo":
        return [(value, label, 0) for value, label in RMO.choices]
    if key == "institute":
        shown = _shown_institutes(counts, chosen)
        labels = ((slug, names.get(("institute", slug), slug), 0) for slug in shown)
        return sorted(labels, key=lambda v: v[1])
    if key == "area":
        areas = sorted(
            (area for (name_key, _slug), area in names.items() if name_key == "area"),
            key=lambda area: area.path,
        )
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
    it is chosen). All the facets are counted in SQL by one query over what everyone of the
    viewer's scope sees (kept for them all) and one over their own institutes' records beyond
    it, which also give the number of results; a page of results is one more query, when it
    is read.
    """
    params = search_params(params)
    form = _cleaned(user, params)
    searches = _kind_searches(user, params, form)
    browsing = not any(given(params, key) for key in (*form.fields, "type"))
    counted, totals = facet_counts(searches, browsing=browsing)
    names = _facet_names(counted, params)
    facets = []
    for key, label in FACETS:
        counts = counted.get(key, Counter())
        chosen = set(params.getlist(key))
        if key == "lead_time_max":
            counts = _lead_time_counts(counts, chosen)
        values = [
            FacetValue(value, label_, counts.get(value, 0), value in chosen, depth)
            for value, label_, depth in facet_labels(key, counts, chosen, names)
            if counts.get(value) or value in chosen
        ]
        if values:
            facets.append(Facet(key, label, values, note=_facet_note(key, counts)))
    return DirectorySearch(
        rows=result_rows(searches, totals, sort), facets=facets, errors=dict(form.errors)
    )
