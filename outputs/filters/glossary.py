"""The glossary's FilterSet, shared by the glossary page and the terms API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from capabilities.models import TechnologyArea

from ..enums import TermStatus
from ..models import Term
from ..selectors import LETTERS, search_terms


@extend_schema_field(OpenApiTypes.STR)
class SlugFilter(django_filters.ModelChoiceFilter):
    """A row named by its slug; documented as a string."""


class TermFilterSet(django_filters.FilterSet):
    """Terms by words, first letter, technology area (with its sub-areas), source and state."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_q", max_length=200)
    letter = django_filters.ChoiceFilter(
        label=_("Letter"), choices=[(letter, letter) for letter in LETTERS]
    )
    technology_area = SlugFilter(
        label=_("Technology area"),
        help_text=_("Its slug; the terms of its sub-areas too."),
        to_field_name="slug",
        queryset=TechnologyArea.objects.order_by("path"),
        method="filter_technology_area",
    )
    source = django_filters.CharFilter(label=_("Source"), method="filter_source", max_length=200)
    status = django_filters.MultipleChoiceFilter(label=_("State"), choices=TermStatus.choices)

    class Meta:
        model = Term
        fields = ["q", "letter", "technology_area", "source", "status"]

    def filter_q(self, queryset, name, value):
        return search_terms(queryset, value)

    def filter_technology_area(self, queryset, name, area):
        if area is None:
            return queryset
        return queryset.filter(
            Q(technology_area__path=area.path)
            | Q(technology_area__path__startswith=f"{area.path}/")
        )

    def filter_source(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(source__unaccent__icontains=value)
