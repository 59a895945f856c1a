"""FilterSets of the capabilities app, shared by the pages and the API."""

import math
import re
from functools import reduce
from operator import or_

import django_filters
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import F, FloatField, Q, Value
from django.db.models.functions import Coalesce, Lower
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from . import search, units
from .enums import (
    RMO,
    AccessMode,
    Audience,
    Charging,
    InstituteKind,
    MetrologyArea,
    ServiceKind,
    ServiceStatus,
    TestbedStatus,
)
from .fields import QuantityField, SearchTextField
from .lead_times import LONGEST
from .models import (
    CapabilityRecord,
    Contact,
    Institute,
    Service,
    TechnologyArea,
    Testbed,
    has_evidence,
)


class InstituteFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or acronym"), method="filter_q", max_length=200)
    kind = django_filters.MultipleChoiceFilter(
        label=_("Kind"), choices=InstituteKind.choices, widget=forms.CheckboxSelectMultiple
    )
    economy = django_filters.MultipleChoiceFilter(label=_("Economy"), choices=countries)
    rmo = django_filters.MultipleChoiceFilter(
        label=_("RMO"), choices=RMO.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Institute
        fields = ["q", "kind", "economy", "rmo"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__unaccent__icontains=value) | Q(acronym__unaccent__icontains=value)
        )


@extend_schema_field(OpenApiTypes.STR)
class QuantityFilter(django_filters.Filter):
    """One end of a range filter; the FilterSet applies both ends together (see ``ranges``)."""

    field_class = QuantityField

    def __init__(self, *, dimension: str, **kwargs):
        super().__init__(dimension=dimension, help_text="", **kwargs)

    def filter(self, qs, value):
        return qs


class SearchFilter(django_filters.CharFilter):
    """The search box of testbeds and services, whose words may name quantities ("4 K")."""

    field_class = SearchTextField


@extend_schema_field(OpenApiTypes.STR)
def visible_institutes(request):
    """The institutes a filter may name: those the viewer may see, in acronym order. An
    unverified institute's slug is then refused as an unknown one is, so no filter tells a
    stranger that it exists. ``request`` is the FilterSet's: None, or anything with a ``user``."""
    user = getattr(request, "user", None) or AnonymousUser()
    return Institute.objects.visible_to(user).order_by("acronym")


@extend_schema_field(OpenApiTypes.STR)
class SlugsFilter(django_filters.ModelMultipleChoiceFilter):
    """Records chosen by the slugs of related objects (areas, institutes), as the URLs show."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)


class _AnyValuesField(forms.MultipleChoiceField):
    """Values of a free-text field (a KCDB branch), taken as typed rather than from choices
    that would cost a query to list."""

    def valid_value(self, value):
        return 0 < len(value) <= 300


@extend_schema_field(OpenApiTypes.STR)
class ValuesFilter(django_filters.MultipleChoiceFilter):
    """Records whose field is any of the values given (repeat the parameter for more)."""

    field_class = _AnyValuesField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)


#: The value of ``lead_time_max`` for any lead time that gives a number of weeks.
LEAD_TIME_ANY = "any"


class _WeeksField(forms.MultipleChoiceField):
    """Numbers of weeks (or ``any``), taken as typed rather than from a list of buckets."""

    def valid_value(self, value):
        return value == LEAD_TIME_ANY or (
            re.fullmatch("[0-9]{1,3}", value) is not None and int(value) <= LONGEST
        )


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^([0-9]{1,3}|any)$",
        "description": (
            "At most this many weeks of lead time (repeated: the largest applies), or `any` "
            "for any lead time stated in hours, days, weeks, months or years. A service whose "
            "lead time gives no number is left out."
        ),
    }
)
class LeadTimeFilter(django_filters.MultipleChoiceFilter):
    """Services whose lead time is at most the number of weeks given (the largest, when the
    parameter is repeated: the buckets of the page nest), or stated at all with ``any``. A
    lead time whose text gives no number is left out, as it cannot be compared."""

    field_class = _WeeksField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        if LEAD_TIME_ANY in value:
            return qs.filter(lead_time_weeks_max__isnull=False)
        return qs.filter(lead_time_weeks_max__lte=max(int(weeks) for weeks in value))


LISTED_STATUSES = [
    (TestbedStatus.PLANNED.value, TestbedStatus.PLANNED.label),
    (TestbedStatus.OPERATIONAL.value, TestbedStatus.OPERATIONAL.label),
    (ServiceStatus.OFFERED.value, ServiceStatus.OFFERED.label),
    (ServiceStatus.SUSPENDED.value, ServiceStatus.SUSPENDED.label),
]


def _overlaps(low: str, high: str, lo: float, hi: float) -> Q:
    """The record's [low, high] overlaps [lo, hi], ends included. One given end stands for
    both (a single temperature); a record with neither never matches."""
    low_expr, high_expr = Coalesce(F(low), F(high)), Coalesce(F(high), F(low))
    condition = Q(**{f"{low}__isnull": False}) | Q(**{f"{high}__isnull": False})
    if math.isfinite(hi):
        condition &= Q(LessThanOrEqual(low_expr, Value(hi, output_field=FloatField())))
    if math.isfinite(lo):
        condition &= Q(GreaterThanOrEqual(high_expr, Value(lo, output_field=FloatField())))
    return condition


class CapabilityFilterSet(django_filters.FilterSet):
    """Filters testbeds and services share: the page's facets, ranges and search box."""

    q = SearchFilter(
        label=_("Search"),
        method="filter_q",
        max_length=200,
        help_text=_(
            'Words match by prefix; "quoted words" as a phrase; -word excludes; a value with '
            "its unit (4 K, 1550 nm, 5 GHz) matches the ranges."
        ),
    )
    area = SlugsFilter(
        label=_("Technology area"),
        queryset=TechnologyArea.objects.all(),
        method="filter_area",
    )
    economy = django_filters.MultipleChoiceFilter(
        label=_("Economy"), field_name="institute__economy", choices=countries, distinct=False
    )
    rmo = django_filters.MultipleChoiceFilter(
        label=_("RMO"), field_name="institute__rmo", choices=RMO.choices, distinct=False
    )
    institute = SlugsFilter(
        label=_("Institute"),
        field_name="institute__slug",
        queryset=visible_institutes,
    )
    access = django_filters.MultipleChoiceFilter(
        label=_("Access mode"), choices=AccessMode.choices, method="filter_array"
    )
    audience = django_filters.MultipleChoiceFilter(
        label=_("Who may use it"), choices=Audience.choices, method="filter_array"
    )
    si = django_filters.BooleanFilter(
        label=_("SI traceable only"), widget=forms.CheckboxInput, method="filter_si"
    )
    has_evidence = django_filters.BooleanFilter(
        label=_("With evidence only"), widget=forms.CheckboxInput, method="filter_evidence"
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=LISTED_STATUSES, distinct=False
    )
    temperature_min = QuantityFilter(label=_("Temperature from"), dimension="temperature")
    temperature_max = QuantityFilter(label=_("Temperature to"), dimension="temperature")
    frequency_min = QuantityFilter(label=_("Frequency from"), dimension="frequency")
    frequency_max = QuantityFilter(label=_("Frequency to"), dimension="frequency")
    wavelength_min = QuantityFilter(label=_("Wavelength from"), dimension="wavelength")
    wavelength_max = QuantityFilter(label=_("Wavelength to"), dimension="wavelength")
    no_range = django_filters.MultipleChoiceFilter(
        label=_("States no range of"),
        choices=list(units.DIMENSION_NAMES.items()),
        method="filter_no_range",
    )

    ARRAY_FIELDS = {"access": "access_modes", "audience": "audiences"}

    class Meta:
        abstract = True

    def filter_area(self, queryset, name, areas):
        """Records in any of the chosen areas or below them in the tree."""
        if not areas:
            return queryset
        in_subtree = reduce(
            or_,
            (Q(path=area.path) | Q(path__startswith=f"{area.path}/") for area in areas),
        )
        through = queryset.model.technology_areas.through
        column = f"{queryset.model._meta.model_name}_id"
        tagged = through.objects.filter(
            technologyarea__in=TechnologyArea.objects.filter(in_subtree)
        ).values(column)
        return queryset.filter(pk__in=tagged)

    def filter_array(self, queryset, name, values):
        if not values:
            return queryset
        return queryset.filter(**{f"{self.ARRAY_FIELDS[name]}__overlap": list(values)})

    def filter_si(self, queryset, name, value):
        return queryset.filter(si_traceable=True) if value else queryset

    def filter_evidence(self, queryset, name, value):
        """Records with at least one piece of evidence (a comparison, result, guide, paper)."""
        return queryset.filter(has_evidence(queryset.model)) if value else queryset

    def filter_no_range(self, queryset, name, dimensions):
        """Records that state no range a search for ``dimensions`` could match."""
        for dimension in dimensions:
            queryset = queryset.exclude(self.range_condition(dimension, -math.inf, math.inf))
        return queryset

    def filter_q(self, queryset, name, value):
        ranges, text = units.quantities_in_text(value or "")
        queryset = self.filter_ranges(queryset, ranges)
        return search_text(queryset, text)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        ranges = {}
        for dimension in CapabilityRecord.RANGES:
            lo, hi = data.get(f"{dimension}_min"), data.get(f"{dimension}_max")
            if lo is not None or hi is not None:
                lo = 0.0 if lo is None else lo
                hi = math.inf if hi is None else hi
                ranges[dimension] = (min(lo, hi), max(lo, hi))
        return self.filter_ranges(queryset, ranges)

    @classmethod
    def range_condition(cls, dimension: str, lo: float, hi: float) -> Q:
        """Records whose ``dimension`` range overlaps [lo, hi] (stored units). Frequency and
        wavelength are one spectrum: a wavelength search also matches frequency ranges, and
        services match by their measurand range too (kept in SI base units)."""
        conditions = []
        low, high = CapabilityRecord.RANGE_FIELDS[dimension]
        conditions.append(_overlaps(low, high, lo, hi))
        spectral = {"frequency": "wavelength", "wavelength": "frequency"}
        if dimension in spectral:
            other = spectral[dimension]
            convert = (
                units.frequency_hz_to_wavelength_nm
                if dimension == "frequency"
                else units.wavelength_nm_to_frequency_hz
            )
            o_lo, o_hi = sorted((convert(lo), convert(hi)))
            o_low, o_high = CapabilityRecord.RANGE_FIELDS[other]
            conditions.append(_overlaps(o_low, o_high, o_lo, o_hi))
        if cls._meta.model is Service:
            base = {"temperature": ("K", 1.0), "frequency": ("1/s", 1.0), "wavelength": ("m", 1e9)}
            unit, factor = base[dimension]
            low_b, high_b = "range_base_lower", "range_base_upper"
            conditions.append(
                Q(range_base_unit=unit) & _overlaps(low_b, high_b, lo / factor, hi / factor)
            )
            if dimension in spectral:
                other_unit, other_factor = base[spectral[dimension]]
                conditions.append(
                    Q(range_base_unit=other_unit)
                    & _overlaps(low_b, high_b, o_lo / other_factor, o_hi / other_factor)
                )
        return reduce(or_, conditions)

    def filter_ranges(self, queryset, ranges: dict) -> object:
        for dimension, (lo, hi) in ranges.items():
            queryset = queryset.filter(self.range_condition(dimension, lo, hi))
        return queryset


#: Words shorter than this must be spelled right: a typo in "QKD" or "NV" is another word.
FUZZY_MIN_LENGTH = 4


def search_text(queryset, text: str):
    """Records matching ``text``, annotated with ``rank``: the full-text query, or (for plain
    words) every word either found in the text or close to a word of the name (one typo)."""
    text = (text or "").strip()
    if not text:
        return queryset
    raw = search.tsquery(text)
    if raw is None:
        return queryset.none()
    query = search.search_query(raw)
    matches = Q(search_vector=query)
    rank = search.rank("search_vector", text)
    if search.is_plain(text):
        name = search.Unaccent(Lower("name"))
        queryset = queryset.alias(folded_name=name)
        each_word, raw_words = Q(), []
        for _kind, word in search.typed_terms(text):
            raw_word = search.tsquery(word)
            if raw_word is None:
                continue
            raw_words.append(raw_word)
            word_matches = Q(search_vector=search.search_query(raw_word))
            if len(word) >= FUZZY_MIN_LENGTH and re.fullmatch(r"\w+", word):
                folded = search.Unaccent(Lower(Value(word)))
                word_matches |= Q(folded_name__trigram_word_similar=folded)
            each_word &= word_matches
        # One word: its own condition already holds the text's, which is then not written (and
        # evaluated) a second time.
        matches = each_word if raw_words == [raw] else matches | each_word
        folded_text = search.Unaccent(Lower(Value(text)))
        rank = rank + TrigramWordSimilarity(folded_text, name) * Value(0.5)
    return queryset.filter(matches).annotate(rank=rank)


class TestbedFilterSet(CapabilityFilterSet):
    class Meta:
        model = Testbed
        fields = []


class ServiceFilterSet(CapabilityFilterSet):
    kind = django_filters.MultipleChoiceFilter(
        label=_("Service kind"), choices=ServiceKind.choices, distinct=False
    )
    metrology_area = django_filters.MultipleChoiceFilter(
        label=_("Metrology area (KCDB)"), choices=MetrologyArea.choices, distinct=False
    )
    branch = ValuesFilter(label=_("Branch (KCDB)"))
    kcdb_service = ValuesFilter(label=_("Service (KCDB)"))
    lead_time_max = LeadTimeFilter(label=_("Lead time"))
    charging = django_filters.MultipleChoiceFilter(
        label=_("Charging"), choices=Charging.choices, distinct=False
    )

    class Meta:
        model = Service
        fields = []


class DirectoryInstituteFilterSet(django_filters.FilterSet):
    """Institutes as the directory search finds them (the institutes page keeps its own)."""

    q = SearchFilter(label=_("Search"), method="filter_q", max_length=200)
    economy = django_filters.MultipleChoiceFilter(label=_("Economy"), choices=countries)
    rmo = django_filters.MultipleChoiceFilter(label=_("RMO"), choices=RMO.choices)
    institute = SlugsFilter(
        label=_("Institute"),
        field_name="slug",
        queryset=visible_institutes,
    )

    class Meta:
        model = Institute
        fields = []

    def filter_q(self, queryset, name, value):
        ranges, text = units.quantities_in_text(value or "")
        if ranges:
            return queryset.none()
        return search_text(queryset, text)


class ContactFilterSet(django_filters.FilterSet):
    """Contacts, as the API lists them."""

    q = django_filters.CharFilter(label=_("Name or function"), method="filter_q", max_length=200)
    institute = SlugsFilter(
        label=_("Institute"),
        field_name="institute__slug",
        queryset=visible_institutes,
    )

    class Meta:
        model = Contact
        fields = []

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__unaccent__icontains=value) | Q(function__unaccent__icontains=value)
        )


class TechnologyAreaFilterSet(django_filters.FilterSet):
    """Technology areas: by name, by parent, or a whole subtree."""

    q = django_filters.CharFilter(
        label=_("Name"), field_name="name", lookup_expr="unaccent__icontains", max_length=200
    )
    parent = django_filters.ModelChoiceFilter(
        label=_("Parent area"), queryset=TechnologyArea.objects.all(), to_field_name="slug"
    )
    area = django_filters.ModelChoiceFilter(
        label=_("Area and its sub-areas"),
        queryset=TechnologyArea.objects.all(),
        to_field_name="slug",
        method="filter_area",
    )
    root = django_filters.BooleanFilter(
        label=_("Top-level areas only"), field_name="parent", lookup_expr="isnull"
    )

    class Meta:
        model = TechnologyArea
        fields = []

    @extend_schema_field(OpenApiTypes.STR)
    def filter_area(self, queryset, name, area):
        if area is None:
            return queryset
        return queryset.filter(Q(path=area.path) | Q(path__startswith=f"{area.path}/"))
