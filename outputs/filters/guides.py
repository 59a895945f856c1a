"""The FilterSet of good-practice guides, shared by the guide list page and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from capabilities.filters import visible_institutes
from capabilities.models import TechnologyArea
from collaborations.filters import SlugsFilter
from collaborations.models import TechnicalWorkingArea

from ..models import Guide


class GuideFilterSet(django_filters.FilterSet):
    """Guides by words, working area, authoring institute and technology area (an area matches
    the guides of the areas under it too)."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_q", max_length=200)
    twa = SlugsFilter(
        label=_("Technical working area"),
        field_name="twa__slug",
        to_field_name="slug",
        queryset=TechnicalWorkingArea.objects.order_by("number"),
        distinct=False,
    )
    institute = SlugsFilter(
        label=_("Institute"),
        to_field_name="slug",
        queryset=visible_institutes,
        method="filter_institute",
    )
    area = SlugsFilter(
        label=_("Technology area"),
        to_field_name="slug",
        queryset=TechnologyArea.objects.order_by("path"),
        method="filter_area",
    )

    class Meta:
        model = Guide
        fields = ["q", "twa", "institute", "area"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__unaccent__icontains=value) | Q(summary__unaccent__icontains=value)
        )

    def filter_institute(self, queryset, name, institutes):
        if not institutes:
            return queryset
        through = Guide.institutes.through.objects.filter(institute__in=institutes)
        return queryset.filter(pk__in=through.values("guide_id"))

    def filter_area(self, queryset, name, areas):
        if not areas:
            return queryset
        condition = Q(pk__in=[])
        for area in areas:
            condition |= Q(technologyarea__path=area.path) | Q(
                technologyarea__path__startswith=f"{area.path}/"
            )
        through = Guide.technology_areas.through.objects.filter(condition)
        return queryset.filter(pk__in=through.values("guide_id"))
