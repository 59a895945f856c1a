"""The shared FilterSets in the API, stricter than in a page: a value they cannot read is a 400."""

from django_filters import BooleanFilter
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

BOOLEANS = frozenset({"true", "false", "1", "0"})


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, refusing what a form quietly reads as "no filter" or as "yes":
    ``si=yes``, ``root=null``, ``si=``. A page's checkbox may be lenient; an API client wants to
    know its filter was not applied."""

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            errors = {
                name: ["Must be true or false."]
                for name, field in filterset.filters.items()
                if isinstance(field, BooleanFilter)
                and any(
                    value.lower() not in BOOLEANS for value in request.query_params.getlist(name)
                )
            }
            if errors:
                raise ValidationError(errors, code="invalid")
        return filterset
