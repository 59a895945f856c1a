"""What the directory searches: the kinds of record, the FilterSets that find them, and the
parameters a search is given."""

from dataclasses import dataclass

from django.utils.datastructures import MultiValueDict

from nmiq_portal.core import search as registry

from ..enums import RecordType
from ..filters import DirectoryInstituteFilterSet, ServiceFilterSet, TestbedFilterSet
from ..models import CapabilityRecord, Institute, Service, Testbed

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


def given(params: MultiValueDict, key: str) -> bool:
    return any(str(value).strip() for value in params.getlist(key))


def searched_types(params: MultiValueDict) -> list[str]:
    """The kinds of record a search can return, from its ``type`` and its other filters (a
    ``type`` naming only kinds other apps register leaves every record out)."""
    types = [t for t in params.getlist("type") if t in SEARCHED or registry.kind_of(t)]
    chosen = [t for t in SEARCHED if t in types] if types else list(SEARCHED)
    if any(given(params, key) for key in RECORD_FILTERS):
        chosen = [t for t in chosen if t != RecordType.INSTITUTE]
    if any(given(params, key) for key in SERVICE_FILTERS):
        chosen = [t for t in chosen if t == RecordType.SERVICE]
    return chosen


@dataclass(frozen=True)
class Viewer:
    """What the FilterSets read of a request: who is looking (the institutes they may name)."""

    user: object


def _filtersets(user, params: MultiValueDict) -> dict:
    return {
        kind: filterset(params, queryset=model.objects.visible_to(user), request=Viewer(user))
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
        form = filterset(params, queryset=model.objects.none(), request=Viewer(user)).form
        if not form.is_valid():
            errors.update(form.errors)
    return errors


def without(params: MultiValueDict, key: str) -> MultiValueDict:
    others = params.copy()
    others.pop(key, None)
    return others


@dataclass
class KindSearch:
    """One kind's part of a search: its records before the facets (all the viewer may see;
    for the counts, those everyone of the viewer's scope sees and their own beyond them),
    each chosen facet's condition, the facets it is counted in, and whether it is listed and
    counted by type."""

    kind: str
    base: object
    shared: object
    own: object
    ranked: bool
    conditions: dict
    counted: tuple
    listed: bool
    typed: bool

    def matching(self):
        """The records the search as given finds."""
        return self.base.filter(*self.conditions.values())
