"""The FilterSet of readiness assessments, shared by the pages and the assessments API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from capabilities.models import ReadinessScale, TechnologyArea

from ..enums import AssessmentStatus
from ..models import ReadinessAssessment
from .glossary import SlugFilter


class AssessmentFilterSet(django_filters.FilterSet):
    """Assessments by technology area (with its sub-areas), scale and state (the states beyond
    published match only what the person may see)."""

    area = SlugFilter(
        label=_("Technology area"),
        help_text=_("Its slug; the assessments of its sub-areas too."),
        to_field_name="slug",
        queryset=TechnologyArea.objects.order_by("path"),
        method="filter_area",
    )
    scale = SlugFilter(
        label=_("Readiness scale"),
        help_text=_("Its slug, e.g. srl or trl."),
        to_field_name="slug",
        queryset=ReadinessScale.objects.order_by("name"),
        field_name="level__scale",
    )
    status = django_filters.MultipleChoiceFilter(label=_("State"), choices=AssessmentStatus.choices)

    class Meta:
        model = ReadinessAssessment
        fields = ["area", "scale", "status"]

    def filter_area(self, queryset, name, area):
        if area is None:
            return queryset
        return queryset.filter(
            Q(technology_area__path=area.path)
            | Q(technology_area__path__startswith=f"{area.path}/")
        )
