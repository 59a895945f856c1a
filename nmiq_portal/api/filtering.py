"""The shared FilterSets in the API, stricter than in a page: a value they cannot read, or a
parameter nobody reads, is a 400; an empty value is no filter, as on the pages."""

from django_filters import BooleanFilter
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

from .fields import FIELDS_PARAM
from .sorting import SortBackend

BOOLEANS = frozenset({"true", "false", "1", "0"})
#: Read by every view whatever its FilterSet: DRF's format override.
ALWAYS_KNOWN = frozenset({"format", FIELDS_PARAM, SortBackend.param})


def _given(params):
    """The parameters with their blank values left out (``?area=&q=cryo`` is ``?q=cryo``)."""
    given = params.copy()
    for name in list(given):
        values = [value for value in given.getlist(name) if value.strip()]
        if values:
            given.setlist(name, values)
        else:
            del given[name]
    return given


def _known(filters: dict, view) -> set[str]:
    """The parameters a request to ``view`` may carry: its ``filters``' (with the suffixes of
    a range's two inputs), its paginator's and the ones every view reads."""
    known = set(ALWAYS_KNOWN)
    for name, filter_ in filters.items():
        # The widget as declared, never ``filter_.field``: on a class's base filter that would
        # build the field once, with the queryset of no viewer (an anonymous one), and every
        # FilterSet copied from it later would keep that field.
        widget = filter_.extra.get("widget") or filter_.field_class.widget
        suffixes = getattr(widget, "suffixes", None)
        known.update(f"{name}_{suffix}" for suffix in suffixes) if suffixes else known.add(name)
    paginator = getattr(view, "paginator", None)
    for attribute in ("page_query_param", "page_size_query_param", "mode_query_param"):
        if getattr(paginator, attribute, None):
            known.add(getattr(paginator, attribute))
    if getattr(paginator, "cursor_query_param", None):
        known.add(paginator.cursor_query_param)
    return known


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, refusing what a form quietly ignores or reads as "yes": a
    parameter no filter reads (``?institue=npl``, a typo that would answer every record),
    ``si=yes``, ``root=null``. A page may be lenient; an API client wants to know its filter
    was not applied. A blank value is no filter, on the pages as here."""

    def filter_queryset(self, request, queryset, view):
        """Lists only: a detail request (one object by its key) builds no FilterSet, whose
        forms and querysets cost a list's worth of work for nothing; its parameters are still
        checked against the filters' names."""
        if getattr(view, "detail", False):
            filterset_class = self.get_filterset_class(view, queryset)
            filters = filterset_class.base_filters if filterset_class else {}
            _refuse_unknown(request, _known(filters, view))
            return queryset
        return super().filter_queryset(request, queryset, view)

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        kwargs["data"] = _given(request.query_params)
        return kwargs

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is None:
            return None
        errors = _unknown(request, _known(filterset.filters, view))
        errors.update(
            {
                name: ["Must be true or false."]
                for name, field in filterset.filters.items()
                if isinstance(field, BooleanFilter)
                and any(value.lower() not in BOOLEANS for value in filterset.data.getlist(name))
            }
        )
        if errors:
            raise ValidationError(errors, code="invalid")
        return filterset


def _unknown(request, known: set[str]) -> dict:
    choices = ", ".join(sorted(known))
    return {
        name: [f"Unknown parameter; choose from: {choices}."]
        for name in sorted(set(request.query_params) - known)
    }


def _refuse_unknown(request, known: set[str]) -> None:
    errors = _unknown(request, known)
    if errors:
        raise ValidationError(errors, code="invalid")
