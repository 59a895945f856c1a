"""The FilterSet of comparisons, shared by the list page and the API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from capabilities.filters import visible_institutes
from collaborations.filters import SlugsFilter
from collaborations.models import TechnicalWorkingArea

from ..enums import ReferenceMethod
from ..models import Comparison, ComparisonResult


class ComparisonFilterSet(django_filters.FilterSet):
    """Comparisons by words, working area, reference-value method and participating institute."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_q", max_length=200)
    twa = SlugsFilter(
        label=_("Technical working area"),
        field_name="project__twa__slug",
        to_field_name="slug",
        queryset=TechnicalWorkingArea.objects.order_by("number"),
        distinct=False,
    )
    method = django_filters.MultipleChoiceFilter(
        label=_("Reference-value method"),
        choices=ReferenceMethod.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    institute = SlugsFilter(
        label=_("Participating institute"),
        to_field_name="slug",
        queryset=visible_institutes,
        method="filter_institute",
    )

    class Meta:
        model = Comparison
        fields = ["q", "twa", "method", "institute"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(identifier__unaccent__icontains=value)
            | Q(measurand__unaccent__icontains=value)
            | Q(project__title__unaccent__icontains=value)
        )

    def filter_institute(self, queryset, name, institutes):
        if not institutes:
            return queryset
        return queryset.filter(
            pk__in=ComparisonResult.objects.filter(institute__in=institutes).values("comparison_id")
        )
