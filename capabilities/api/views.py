"""API views of institutes and of the directory: testbeds, services, contacts, areas."""

from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, status, viewsets
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error

from nmiq_portal.api.conditional import (
    WriteMixin,
    problem_response,
    read_schema,
    write_schema,
)
from nmiq_portal.api.fields import FieldsMixin
from nmiq_portal.api.parsers import JSONParser
from nmiq_portal.core.permissions import require

from .. import selectors, services
from ..filters import (
    ContactFilterSet,
    InstituteFilterSet,
    ServiceFilterSet,
    TechnologyAreaFilterSet,
    TestbedFilterSet,
)
from . import examples
from .serializers import (
    ContactSerializer,
    ContactWriteSerializer,
    InstituteSerializer,
    InstituteWriteSerializer,
    ServiceSerializer,
    ServiceWriteSerializer,
    TechnologyAreaSerializer,
    TestbedSerializer,
    TestbedWriteSerializer,
)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The resource cannot be changed this way in its current state."
    default_code = "conflict"


@contextmanager
def service_errors(write_serializer_class):
    """A service's ValidationError as a 400 problem naming the input's fields (a service names
    model fields: ``temperature_min_k`` is ``operating_ranges.temperature.min`` here)."""
    try:
        yield
    except DjangoValidationError as error:
        paths = write_serializer_class.error_paths()
        detail = {
            "non_field_errors" if name == NON_FIELD_ERRORS else paths.get(name, name): messages
            for name, messages in as_serializer_error(error).items()
        }
        raise exceptions.ValidationError(detail) from error


class JSONWriteMixin(WriteMixin):
    """Writes of the capabilities endpoints: JSON only, since the input nests objects (ranges,
    location, …), which form encodings cannot carry."""

    parser_classes = [JSONParser]


@extend_schema_view(
    list=extend_schema(
        summary="List institutes",
        tags=["institutes"],
        examples=examples.INSTITUTE_EXAMPLES["list"],
    ),
    retrieve=extend_schema(
        summary="One institute, by UUID",
        tags=["institutes"],
        examples=examples.INSTITUTE_EXAMPLES["retrieve"],
        **read_schema(InstituteSerializer),
    ),
    partial_update=extend_schema(
        summary="Change an institute's profile (its admins, or staff)",
        tags=["institutes"],
        examples=examples.INSTITUTE_EXAMPLES["partial_update"],
        **write_schema(request=InstituteWriteSerializer, response=InstituteSerializer),
    ),
)
class InstituteViewSet(JSONWriteMixin, FieldsMixin, viewsets.ReadOnlyModelViewSet):
    """Institutes of NMI-Q: NMIs, DIs and partners. Only verified institutes are public."""

    serializer_class = InstituteSerializer
    write_serializer_class = InstituteWriteSerializer
    filterset_class = InstituteFilterSet
    sort_options = {
        "acronym": ("acronym", "pk"),
        "name": ("name", "pk"),
        "updated": ("-updated_at", "pk"),
    }
    lookup_field = "uuid"
    lookup_value_regex = "[0-9a-f-]{36}"

    def get_queryset(self):
        return selectors.institutes_for_api(user=self.request.user)

    def partial_update(self, request, *args, **kwargs):
        institute = self.get_object()
        serializer, version = self.edit(request, institute, "capabilities.change_institute")
        with service_errors(self.write_serializer_class):
            institute = services.institute_update(
                actor=request.user,
                institute=institute,
                version=version,
                **serializer.service_kwargs(),
            )
        return self.respond(self.reread(institute))


# --- The directory ------------------------------------------------------------------------------


class ReadOnlyViewSet(FieldsMixin, viewsets.ReadOnlyModelViewSet):
    """Reads, and the writes a subclass defines: any other method is 405 for everyone, signed
    in or not, before the permission check would answer 401/403."""

    def check_permissions(self, request):
        if request.method not in self.allowed_methods:
            raise exceptions.MethodNotAllowed(request.method)
        super().check_permissions(request)


#: ``sort`` as on the directory page: relevance (with a search), name, or last update.
DIRECTORY_SORT = {"name": ("name", "pk"), "updated": ("-updated_at", "pk")}


class RecordViewSet(JSONWriteMixin, ReadOnlyViewSet):
    """A directory endpoint that institutes write to: POST, PATCH, DELETE (no PUT), through the
    services the edit pages use, so the same rules hold at both doors."""

    def perm(self, action: str) -> str:
        return f"capabilities.{action}_{self.write_serializer_class.Meta.model._meta.model_name}"

    def create(self, request, *args, **kwargs):
        serializer = self.write_serializer(data=request.data)
        valid = serializer.is_valid()
        if serializer.named_institute is not None:
            require(request.user, self.perm("add"), serializer.named_institute)
        if not valid:
            raise exceptions.ValidationError(serializer.errors)
        data = serializer.validated_data
        with service_errors(self.write_serializer_class), transaction.atomic():
            record = services.record_create(
                actor=request.user,
                model=self.write_serializer_class.Meta.model,
                institute=data["institute"],
                **serializer.service_kwargs(),
            )
            if data.get("published"):
                record = services.record_publish(actor=request.user, record=record)
        location = self.reverse_action("detail", kwargs={self.lookup_field: record.uuid})
        return self.respond(
            self.reread(record), status_code=status.HTTP_201_CREATED, headers={"Location": location}
        )

    def partial_update(self, request, *args, **kwargs):
        record = self.get_object()
        serializer, version = self.edit(request, record, self.perm("change"))
        with service_errors(self.write_serializer_class):
            record = services.record_change(
                actor=request.user,
                record=record,
                version=version,
                published=serializer.validated_data.get("published"),
                **serializer.service_kwargs(),
            )
        return self.respond(self.reread(record))

    def destroy(self, request, *args, **kwargs):
        record = self.get_object()
        require(request.user, self.perm("delete"), record)
        version = self.if_match_version(request, record, required=True)
        try:
            services.record_delete(actor=request.user, record=record, version=version)
        except DjangoValidationError as error:
            raise Conflict(" ".join(error.messages), code="protected") from error
        return Response(status=status.HTTP_204_NO_CONTENT)


def _record_schema(kind: str, plural: str, read, write, by_action: dict):
    """The documentation of a directory endpoint's operations, with examples ``by_action``."""
    return extend_schema_view(
        list=extend_schema(summary=f"List {plural}", tags=[plural], examples=by_action["list"]),
        retrieve=extend_schema(
            summary=f"One {kind}, by UUID",
            tags=[plural],
            examples=by_action["retrieve"],
            **read_schema(read),
        ),
        create=extend_schema(
            summary=f"Add a {kind} (a draft unless published is true)",
            description="Needs `institute`: the UUID of an institute you belong to.",
            tags=[plural],
            examples=by_action["create"],
            **write_schema(request=write, response=read, created=True),
        ),
        partial_update=extend_schema(
            summary=f"Change a {kind}: its fields, publication and retirement",
            description="Only what the body names changes (nested objects too); `null` clears "
            'a group; lists are replaced. `"published"` publishes or unpublishes, `"status": '
            '"retired"` retires. Send If-Match or `version`.',
            tags=[plural],
            examples=by_action["partial_update"],
            **write_schema(request=write, response=read),
        ),
        destroy=extend_schema(
            summary=f"Delete a {kind} for good (If-Match required)",
            description="Refused (409) while access requests refer to it: retire it instead. "
            "Records that point at it let go of it.",
            tags=[plural],
            **_with_conflict(write_schema(request=None, response=None, deleting=True)),
        ),
    )


def _with_conflict(schema: dict) -> dict:
    refused = problem_response(409, "Access requests refer to it: retire it instead.")
    return {**schema, "responses": {**schema["responses"], **refused}}


@_record_schema(
    "testbed", "testbeds", TestbedSerializer, TestbedWriteSerializer, examples.TESTBED_EXAMPLES
)
class TestbedViewSet(RecordViewSet):
    """Testbeds you may see: public ones; members-only ones when you belong to a verified
    institute; all of your own institute's, drafts included. Filters as on /directory/."""

    serializer_class = TestbedSerializer
    write_serializer_class = TestbedWriteSerializer
    filterset_class = TestbedFilterSet
    sort_options = DIRECTORY_SORT
    sort_by_relevance = True
    lookup_field = "uuid"
    lookup_value_regex = "[0-9a-f-]{36}"

    def get_queryset(self):
        return selectors.testbeds_for_api(user=self.request.user)


@_record_schema(
    "service", "services", ServiceSerializer, ServiceWriteSerializer, examples.SERVICE_EXAMPLES
)
class ServiceViewSet(RecordViewSet):
    """Calibration, testing and other services, shaped like KCDB CMCs; visible as testbeds
    are. Filters as on /directory/."""

    serializer_class = ServiceSerializer
    write_serializer_class = ServiceWriteSerializer
    filterset_class = ServiceFilterSet
    sort_options = DIRECTORY_SORT
    sort_by_relevance = True
    lookup_field = "uuid"
    lookup_value_regex = "[0-9a-f-]{36}"

    def get_queryset(self):
        return selectors.services_for_api(user=self.request.user)


@_record_schema(
    "contact", "contacts", ContactSerializer, ContactWriteSerializer, examples.CONTACT_EXAMPLES
)
class ContactViewSet(RecordViewSet):
    """People to ask about an institute's testbeds and services. Their e-mail address is
    given to authenticated clients only."""

    serializer_class = ContactSerializer
    write_serializer_class = ContactWriteSerializer
    filterset_class = ContactFilterSet
    sort_options = DIRECTORY_SORT
    lookup_field = "uuid"
    lookup_value_regex = "[0-9a-f-]{36}"

    def get_queryset(self):
        return selectors.contacts_for_api(user=self.request.user)


@extend_schema_view(
    list=extend_schema(
        summary="List technology areas",
        tags=["technology areas"],
        examples=examples.TECHNOLOGY_AREA_EXAMPLES["list"],
    ),
    retrieve=extend_schema(
        summary="One technology area, by slug",
        tags=["technology areas"],
        examples=examples.TECHNOLOGY_AREA_EXAMPLES["retrieve"],
        parameters=[OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH)],
    ),
)
class TechnologyAreaViewSet(ReadOnlyViewSet):
    """The taxonomy of quantum technologies, a tree ordered by path (a subtree is a prefix).
    Every area is public."""

    serializer_class = TechnologyAreaSerializer
    filterset_class = TechnologyAreaFilterSet
    sort_options = {"path": ("path", "pk"), "name": ("name", "pk")}
    sort_descriptions = {"path": "path (the tree: each area followed by its sub-areas)"}
    lookup_field = "slug"

    def get_queryset(self):
        return selectors.technology_areas_for_api(user=self.request.user)
