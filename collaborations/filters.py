"""FilterSets of the collaborations app, shared by the pages and the API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from capabilities.filters import visible_institutes
from capabilities.models import TechnologyArea

from .enums import (
    PUBLIC_PROJECT_STATUSES,
    NeedStatus,
    NeedUrgency,
    ParticipationStatus,
    ProjectKind,
    ProjectStatus,
)
from .models import IndustryNeed, Participation, Project, TechnicalWorkingArea


@extend_schema_field(OpenApiTypes.STR)
class SlugsFilter(django_filters.ModelMultipleChoiceFilter):
    """Rows named by slug (repeat the parameter for several); documented as strings."""


class TWAFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q", max_length=200)

    class Meta:
        model = TechnicalWorkingArea
        fields = ["q"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q(title__unaccent__icontains=value) | Q(scope__unaccent__icontains=value)
        # ASCII digits only: str.isdigit() also takes "¹" or "٣", which int() refuses; and no
        # more than a working area's number can hold.
        if value.isascii() and value.isdigit() and len(value) <= 4:
            condition |= Q(number=int(value))
        return queryset.filter(condition)


class ProjectFilterSet(django_filters.FilterSet):
    """Projects by words, area, kind, state, and the institutes and economies taking part
    (the lead or an accepted participant)."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_q", max_length=200)
    twa = SlugsFilter(
        label=_("Technical working area"),
        field_name="twa__slug",
        to_field_name="slug",
        queryset=TechnicalWorkingArea.objects.order_by("number"),
        distinct=False,
    )
    kind = django_filters.MultipleChoiceFilter(
        label=_("Kind"), choices=ProjectKind.choices, widget=forms.CheckboxSelectMultiple
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("State"), choices=ProjectStatus.choices, widget=forms.CheckboxSelectMultiple
    )
    institute = SlugsFilter(
        label=_("Institute"),
        to_field_name="slug",
        queryset=visible_institutes,
        method="filter_institute",
    )
    economy = django_filters.MultipleChoiceFilter(
        label=_("Economy"), choices=countries, method="filter_economy"
    )

    class Meta:
        model = Project
        fields = ["q", "twa", "kind", "status", "institute", "economy"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            # Asking for drafts would find nothing anyway; the public is not offered them. Set on
            # this request's form: the filter's own field may be built and cached already (the
            # API schema reads it).
            self.form.fields["status"].choices = [
                (status.value, status.label) for status in PUBLIC_PROJECT_STATUSES
            ]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__unaccent__icontains=value)
            | Q(acronym__unaccent__icontains=value)
            | Q(summary__unaccent__icontains=value)
        )

    def _taking_part(self, queryset, condition: Q):
        projects = Participation.objects.filter(
            condition, status=ParticipationStatus.ACCEPTED
        ).values("project_id")
        return queryset.filter(pk__in=projects)

    def filter_institute(self, queryset, name, institutes):
        if not institutes:
            return queryset
        return self._taking_part(queryset, Q(institute__in=institutes))

    def filter_economy(self, queryset, name, value: list[str]):
        # The parameter is named ``value`` so that the API schema reads its type.
        if not value:
            return queryset
        return self._taking_part(queryset, Q(institute__economy__in=value))


class IndustryNeedFilterSet(django_filters.FilterSet):
    """Needs by technology area (and the areas below it), state and urgency."""

    area = SlugsFilter(
        label=_("Technology area"),
        to_field_name="slug",
        queryset=TechnologyArea.objects.all(),
        method="filter_area",
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("State"), choices=NeedStatus.choices, widget=forms.CheckboxSelectMultiple
    )
    urgency = django_filters.MultipleChoiceFilter(
        label=_("Urgency"), choices=NeedUrgency.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = IndustryNeed
        fields = ["area", "status", "urgency"]

    def filter_area(self, queryset, name, areas):
        if not areas:
            return queryset
        condition = Q(pk__in=[])
        for area in areas:
            condition |= Q(technology_area__path=area.path) | Q(
                technology_area__path__startswith=f"{area.path}/"
            )
        return queryset.filter(condition)
