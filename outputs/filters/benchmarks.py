"""The FilterSets of benchmarks and their results, shared by the pages and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from capabilities.filters import visible_institutes
from capabilities.models import TechnologyArea
from collaborations.filters import SlugsFilter
from collaborations.models import TechnicalWorkingArea

from ..enums import ResultStatus
from ..models import Benchmark, BenchmarkResult


def _area_condition(prefix: str, areas) -> Q:
    """``areas`` and the areas under them (a path is "computing/superconducting")."""
    condition = Q(pk__in=[])
    for area in areas:
        condition |= Q(**{f"{prefix}__path": area.path}) | Q(
            **{f"{prefix}__path__startswith": f"{area.path}/"}
        )
    return condition


class BenchmarkFilterSet(django_filters.FilterSet):
    """Benchmarks by words, working area and technology area (with the areas under it)."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_q", max_length=200)
    twa = SlugsFilter(
        label=_("Technical working area"),
        field_name="twa__slug",
        to_field_name="slug",
        queryset=TechnicalWorkingArea.objects.order_by("number"),
        distinct=False,
    )
    area = SlugsFilter(
        label=_("Technology area"),
        to_field_name="slug",
        queryset=TechnologyArea.objects.order_by("path"),
        method="filter_area",
    )

    class Meta:
        model = Benchmark
        fields = ["q", "twa", "area"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__unaccent__icontains=value) | Q(metric__unaccent__icontains=value)
        )

    def filter_area(self, queryset, name, areas):
        if not areas:
            return queryset
        return queryset.filter(_area_condition("technology_area", areas))


class ResultFilterSet(django_filters.FilterSet):
    """Results by benchmark, institute, platform provider or device, state and date."""

    benchmark = SlugsFilter(
        label=_("Benchmark"),
        field_name="benchmark__slug",
        to_field_name="slug",
        queryset=Benchmark.objects.order_by("name"),
        distinct=False,
    )
    institute = SlugsFilter(
        label=_("Institute"),
        field_name="institute__slug",
        to_field_name="slug",
        queryset=visible_institutes,
        distinct=False,
    )
    provider = django_filters.CharFilter(
        label=_("Platform provider"), lookup_expr="iexact", max_length=100
    )
    device = django_filters.CharFilter(label=_("Device"), lookup_expr="iexact", max_length=200)
    status = django_filters.MultipleChoiceFilter(label=_("State"), choices=ResultStatus.choices)
    measured_after = django_filters.DateFilter(
        label=_("Measured on or after"), field_name="measured_on", lookup_expr="gte"
    )
    measured_before = django_filters.DateFilter(
        label=_("Measured on or before"), field_name="measured_on", lookup_expr="lte"
    )

    class Meta:
        model = BenchmarkResult
        fields = [
            "benchmark",
            "institute",
            "provider",
            "device",
            "status",
            "measured_after",
            "measured_before",
        ]
