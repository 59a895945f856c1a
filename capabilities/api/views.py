"""API views of institutes and of the directory: testbeds, services, contacts, areas."""

from django.db.models import F, OuterRef, Prefetch, Subquery
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, viewsets
from rest_framework.filters import BaseFilterBackend

from .. import selectors
from ..filters import (
    ContactFilterSet,
    InstituteFilterSet,
    ServiceFilterSet,
    TechnologyAreaFilterSet,
    TestbedFilterSet,
)
from ..models import Contact, Service, TechnologyArea, Testbed
from .serializers import (
    ContactSerializer,
    InstituteSerializer,
    ServiceSerializer,
    TechnologyAreaSerializer,
    TestbedSerializer,
)


@extend_schema_view(
    list=extend_schema(summary="List institutes", tags=["institutes"]),
    retrieve=extend_schema(summary="One institute, by UUID", tags=["institutes"]),
)
class InstituteViewSet(viewsets.ReadOnlyModelViewSet):
    """Institutes of NMI-Q: NMIs, DIs and partners. Only verified institutes are public."""

    serializer_class = InstituteSerializer
    filterset_class = InstituteFilterSet
    lookup_field = "uuid"
    lookup_value_regex = "[0-9a-f-]{36}"

    def get_queryset(self):
        return selectors.institute_list(user=self.request.user)


# --- The directory ------------------------------------------------------------------------------


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """Reads only: any other method is 405 for everyone, signed in or not, before the
    permission check would answer 401/403 (writes come with their own endpoints)."""

    def check_permissions(self, request):
        if request.method not in self.allowed_methods:
            raise exceptions.MethodNotAllowed(request.method)
        super().check_permissions(request)


class SortBackend(BaseFilterBackend):
    """``sort`` as on the directory page: relevance (with a search), name, or last update."""

    CHOICES = ("relevance", "name", "updated")

    def filter_queryset(self, request, queryset, view):
        sort = request.query_params.get("sort") or "relevance"
        if sort not in self.CHOICES:
            raise exceptions.ValidationError(
                {"sort": [f"Choose one of: {', '.join(self.CHOICES)}."]}, code="invalid_choice"
            )
        ranked = "rank" in queryset.query.annotations
        if sort == "relevance" and ranked:
            return queryset.order_by(F("rank").desc(nulls_last=True), "name", "pk")
        if sort == "updated":
            return queryset.order_by("-updated_at", "pk")
        return queryset.order_by("name", "pk")

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "sort",
                "required": False,
                "in": "query",
                "description": "relevance (the default; by name without a search), name, "
                "or updated (the most recently updated first).",
                "schema": {"type": "string", "enum": list(self.CHOICES)},
            }
        ]


def _visible_contacts(user):
    return Prefetch("contacts", queryset=Contact.objects.visible_to(user).order_by("name", "pk"))


# What each endpoint shows ``user``, ready to serialise; the change feed and the snapshot call
# them with an anonymous user, so they hand out exactly what the public API does.


def testbed_queryset(user):
    return (
        Testbed.objects.visible_to(user)
        .select_related("institute", "readiness__scale")
        .prefetch_related("technology_areas", _visible_contacts(user), "evidence")
        .order_by("name", "pk")
    )


def service_queryset(user):
    testbed = Testbed.objects.visible_to(user).filter(pk=OuterRef("testbed_id"))
    return (
        Service.objects.visible_to(user)
        .select_related("institute")
        .prefetch_related("technology_areas", _visible_contacts(user), "evidence")
        .annotate(visible_testbed_uuid=Subquery(testbed.values("uuid")[:1]))
        .order_by("name", "pk")
    )


def contact_queryset(user):
    return Contact.objects.visible_to(user).select_related("institute").order_by("name", "pk")


DIRECTORY_FILTERS = [*viewsets.ReadOnlyModelViewSet.filter_backends, SortBackend]


@extend_schema_view(
    list=extend_schema(summary="List testbeds", tags=["testbeds"]),
    retrieve=extend_schema(summary="One testbed, by UUID", tags=["testbeds"]),
)
class TestbedViewSet(ReadOnlyViewSet):
    """Testbeds you may see: public ones; members-only ones when you belong to a verified
    institute; all of your own institute's, drafts included. Filters as on /directory/."""

    serializer_class = TestbedSerializer
    filterset_class = TestbedFilterSet
    filter_backends = DIRECTORY_FILTERS
    lookup_field = "uuid"
    lookup_value_regex = "[0-9a-f-]{36}"

    def get_queryset(self):
        return testbed_queryset(self.request.user)


@extend_schema_view(
    list=extend_schema(summary="List services", tags=["services"]),
    retrieve=extend_schema(summary="One service, by UUID", tags=["services"]),
)
class ServiceViewSet(ReadOnlyViewSet):
    """Calibration, testing and other services, shaped like KCDB CMCs; visible as testbeds
    are. Filters as on /directory/."""

    serializer_class = ServiceSerializer
    filterset_class = ServiceFilterSet
    filter_backends = DIRECTORY_FILTERS
    lookup_field = "uuid"
    lookup_value_regex = "[0-9a-f-]{36}"

    def get_queryset(self):
        return service_queryset(self.request.user)


@extend_schema_view(
    list=extend_schema(summary="List contacts", tags=["contacts"]),
    retrieve=extend_schema(summary="One contact, by UUID", tags=["contacts"]),
)
class ContactViewSet(ReadOnlyViewSet):
    """People to ask about an institute's testbeds and services. Their e-mail address is
    given to authenticated clients only."""

    serializer_class = ContactSerializer
    filterset_class = ContactFilterSet
    lookup_field = "uuid"
    lookup_value_regex = "[0-9a-f-]{36}"

    def get_queryset(self):
        return contact_queryset(self.request.user)


@extend_schema_view(
    list=extend_schema(summary="List technology areas", tags=["technology areas"]),
    retrieve=extend_schema(
        summary="One technology area, by slug",
        tags=["technology areas"],
        parameters=[OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH)],
    ),
)
class TechnologyAreaViewSet(ReadOnlyViewSet):
    """The taxonomy of quantum technologies, a tree ordered by path (a subtree is a prefix).
    Every area is public."""

    serializer_class = TechnologyAreaSerializer
    filterset_class = TechnologyAreaFilterSet
    lookup_field = "slug"
    queryset = TechnologyArea.objects.select_related("parent").order_by("path")
