"""``?sort=`` on every list: the orders a view declares, plus relevance where it searches."""

from django.db.models import F
from rest_framework import exceptions
from rest_framework.filters import BaseFilterBackend

RELEVANCE = "relevance"


class SortBackend(BaseFilterBackend):
    """Orders a list by one of the view's ``sort_options`` ({name: order_by keys}, the first is
    the default). A view with ``sort_by_relevance`` also sorts by the ``rank`` its search
    annotates, the default then; without a search, relevance falls back to the first option.
    Every order ends with the primary key, so pages (and cursors) are stable."""

    param = "sort"

    def choices(self, view) -> list[str]:
        options = list(getattr(view, "sort_options", {}))
        return [RELEVANCE, *options] if getattr(view, "sort_by_relevance", False) else options

    def filter_queryset(self, request, queryset, view):
        choices = self.choices(view)
        if not choices:
            return queryset
        sort = request.query_params.get(self.param, choices[0])
        if sort not in choices:
            raise exceptions.ValidationError(
                {self.param: [f"Choose one of: {', '.join(choices)}."]}, code="invalid_choice"
            )
        options = view.sort_options
        if sort == RELEVANCE:
            fallback = next(iter(options.values()))
            if "rank" in queryset.query.annotations:
                return queryset.order_by(F("rank").desc(nulls_last=True), *fallback)
            return queryset.order_by(*fallback)
        return queryset.order_by(*options[sort])

    def get_schema_operation_parameters(self, view):
        choices = self.choices(view)
        if not choices:
            return []
        descriptions = {
            "updated": "updated (the most recently updated first)",
            **getattr(view, "sort_descriptions", {}),
        }
        if choices[0] == RELEVANCE:
            first = next(iter(view.sort_options))
            described = [f"relevance (the default; by {first} without a search)"]
        else:
            described = [f"{choices[0]} (the default)"]
        described += [descriptions.get(choice, choice) for choice in choices[1:]]
        return [
            {
                "name": self.param,
                "required": False,
                "in": "query",
                "description": "The order: " + ", ".join(described) + ".",
                "schema": {"type": "string", "enum": choices},
            }
        ]
