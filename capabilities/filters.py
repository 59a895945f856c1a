"""FilterSets of the capabilities app, shared by the pages and the API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .enums import RMO, InstituteKind
from .models import Institute


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
