"""API views of technical working areas and projects; writes go through collaborations.services."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed

from nmiq_portal.api.conditional import WriteMixin, read_schema, write_schema
from nmiq_portal.api.fields import FieldsMixin
from nmiq_portal.core.permissions import require

from .. import selectors, services
from ..filters import IndustryNeedFilterSet, ProjectFilterSet, TWAFilterSet
from ..models import IndustryNeed, Project
from . import examples
from .serializers import (
    IndustryNeedDetailSerializer,
    IndustryNeedSerializer,
    IndustryNeedWriteSerializer,
    NeedAnswerWriteSerializer,
    ProjectDetailSerializer,
    ProjectSerializer,
    ProjectWriteSerializer,
    TransitionSerializer,
    TWASerializer,
)


@extend_schema_view(
    list=extend_schema(
        summary="List technical working areas",
        tags=["working areas"],
        examples=examples.TWA_EXAMPLES["list"],
    ),
    retrieve=extend_schema(
        summary="One technical working area, by slug",
        tags=["working areas"],
        examples=examples.TWA_EXAMPLES["retrieve"],
        parameters=[OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH)],
    ),
)
class TWAViewSet(FieldsMixin, viewsets.ReadOnlyModelViewSet):
    """Technical working areas (as in VAMAS): fields of joint work, each with coordinators who
    review the projects proposed in it. Every active working area is public."""

    serializer_class = TWASerializer
    filterset_class = TWAFilterSet
    sort_options = {"number": ("number",), "title": ("title", "pk")}
    lookup_field = "slug"

    def check_permissions(self, request):
        if request.method not in self.allowed_methods:
            raise MethodNotAllowed(request.method)
        super().check_permissions(request)

    def get_queryset(self):
        return selectors.twas_for_api(user=self.request.user)


_AUDIT = (
    "Its participants' members, its working area's coordinators and staff also see the audit: "
    "every participation in any state, and who made each move and why."
)


@extend_schema_view(
    list=extend_schema(
        summary="List projects",
        description="Public projects (approved, active, completed) for anyone; signed in, also "
        "those your institutes lead or take part in, and those in review in working areas you "
        "coordinate. Filters as on /projects/.",
        tags=["projects"],
        examples=examples.PROJECT_EXAMPLES["list"],
    ),
    retrieve=extend_schema(
        summary="One project, by UUID",
        description=_AUDIT,
        tags=["projects"],
        examples=examples.PROJECT_EXAMPLES["retrieve"],
        **read_schema(ProjectDetailSerializer),
    ),
    create=extend_schema(
        summary="Draft a proposal (a member of the lead institute)",
        description="Saved as a draft: nobody outside the lead institute sees it until it is "
        "submitted (POST its transition endpoint with `submit`).",
        tags=["projects"],
        examples=examples.PROJECT_EXAMPLES["create"],
        **write_schema(
            request=ProjectWriteSerializer, response=ProjectDetailSerializer, created=True
        ),
    ),
    partial_update=extend_schema(
        summary="Revise a draft, or a proposal sent back for changes (the lead institute)",
        description="Only what the body names changes; `deliverables` replaces the list. Send "
        "If-Match or `version`. The lead institute does not change; the working area only while "
        "a draft.",
        tags=["projects"],
        examples=examples.PROJECT_EXAMPLES["partial_update"],
        **write_schema(request=ProjectWriteSerializer, response=ProjectDetailSerializer),
    ),
)
class ProjectViewSet(WriteMixin, FieldsMixin, viewsets.ModelViewSet):
    """Collaborative projects proposed in the working areas, and their review."""

    serializer_class = ProjectSerializer
    write_serializer_class = ProjectWriteSerializer
    filterset_class = ProjectFilterSet
    sort_options = {
        "updated": ("-updated_at", "pk"),
        "created": ("-created_at", "pk"),
        "title": ("title", "pk"),
    }
    sort_descriptions = {"created": "created (the newest first)"}
    lookup_field = "uuid"
    lookup_value_regex = "[0-9a-f-]{36}"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def check_permissions(self, request):
        if request.method not in self.allowed_methods:
            raise MethodNotAllowed(request.method)
        super().check_permissions(request)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            # Schema generation: what the caller may see is read from the database.
            return Project.objects.none()
        return selectors.projects_for_api(user=self.request.user)

    def get_serializer_class(self):
        return ProjectSerializer if self.action == "list" else ProjectDetailSerializer

    def create(self, request, *args, **kwargs):
        require(request.user, "collaborations.add_project")
        serializer = self.write_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        project = services.project_create(actor=request.user, **serializer.service_kwargs())
        location = self.reverse_action("detail", kwargs={"uuid": project.uuid})
        return self.respond(
            self.reread(project),
            status_code=status.HTTP_201_CREATED,
            headers={"Location": location},
        )

    def partial_update(self, request, *args, **kwargs):
        project = self.get_object()
        # Only the lead institute revises; the service says why a revision is refused now.
        serializer, version = self.edit(request, project, "collaborations.lead_project")
        project = services.project_update(
            actor=request.user, project=project, version=version, **serializer.service_kwargs()
        )
        return self.respond(self.reread(project))

    @extend_schema(
        summary="Move a project along its workflow (submit, review, decide, withdraw …)",
        description="The same rules as on the project's page: who may make each move, from which "
        "state, and its guards (e.g. enough partner institutes to submit). A refused move "
        "changes nothing.",
        tags=["projects"],
        request=TransitionSerializer,
        responses={200: ProjectDetailSerializer},
        examples=examples.PROJECT_EXAMPLES["transition"],
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, *args, **kwargs):
        project = self.get_object()
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        project = services.project_transition(
            actor=request.user,
            project=project,
            action=serializer.validated_data["action"],
            comment=serializer.validated_data.get("comment", ""),
        )
        return self.respond(self.reread(project))


@extend_schema_view(
    list=extend_schema(
        summary="List industry needs",
        description="Public needs for anyone; members-only needs too for people of NMI-Q's "
        "verified institutes. Filters as on /needs/.",
        tags=["industry needs"],
        examples=examples.NEED_EXAMPLES["list"],
    ),
    retrieve=extend_schema(
        summary="One industry need, by UUID, with its answers",
        tags=["industry needs"],
        examples=examples.NEED_EXAMPLES["retrieve"],
        **read_schema(IndustryNeedDetailSerializer),
    ),
    create=extend_schema(
        summary="Post a need (someone of a verified industry consortium)",
        description='Ranges take a value with its unit (`{"wavelength": {"min": "1.55 µm"}}`) '
        "or numbers with `unit`; a unit of another quantity is refused by field.",
        tags=["industry needs"],
        examples=examples.NEED_EXAMPLES["create"],
        **write_schema(
            request=IndustryNeedWriteSerializer,
            response=IndustryNeedDetailSerializer,
            created=True,
        ),
    ),
)
class IndustryNeedViewSet(WriteMixin, FieldsMixin, viewsets.ModelViewSet):
    """Measurements industry needs, and the answers of NMI-Q's institutes."""

    serializer_class = IndustryNeedSerializer
    write_serializer_class = IndustryNeedWriteSerializer
    filterset_class = IndustryNeedFilterSet
    sort_options = {
        "updated": ("-updated_at", "pk"),
        "created": ("-created_at", "pk"),
        "title": ("title", "pk"),
    }
    lookup_field = "uuid"
    lookup_value_regex = "[0-9a-f-]{36}"
    http_method_names = ["get", "post", "head", "options"]

    def check_permissions(self, request):
        if request.method not in self.allowed_methods:
            raise MethodNotAllowed(request.method)
        super().check_permissions(request)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return IndustryNeed.objects.none()
        return selectors.needs_for_api(user=self.request.user)

    def get_serializer_class(self):
        return IndustryNeedSerializer if self.action == "list" else IndustryNeedDetailSerializer

    def get_object(self):
        need = super().get_object()
        need.shown_answers = selectors.need_answers(user=self.request.user, need=need)
        return need

    def reread(self, obj):
        need = super().reread(obj)
        need.shown_answers = selectors.need_answers(user=self.request.user, need=need)
        return need

    def create(self, request, *args, **kwargs):
        require(request.user, "collaborations.add_industry_need")
        serializer = self.write_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        need = services.need_create(actor=request.user, **serializer.service_kwargs())
        location = self.reverse_action("detail", kwargs={"uuid": need.uuid})
        return self.respond(
            self.reread(need), status_code=status.HTTP_201_CREATED, headers={"Location": location}
        )

    @extend_schema(
        summary="Answer a need with a testbed or service of your institute, or a comment",
        description="The same rules as on the need's page: a member of a verified institute "
        "other than the poster's, while the need is open. The poster hears of every answer.",
        tags=["industry needs"],
        request=NeedAnswerWriteSerializer,
        responses={201: IndustryNeedDetailSerializer},
        examples=examples.NEED_EXAMPLES["answer"],
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, *args, **kwargs):
        need = self.get_object()
        serializer = NeedAnswerWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        record = data.get("testbed") or data.get("service")
        if record is not None:
            services.need_answer_capability(
                actor=request.user, need=need, record=record, comment=data.get("comment", "")
            )
        else:
            services.need_answer_comment(
                actor=request.user,
                need=need,
                institute=data["institute"],
                comment=data.get("comment", ""),
            )
        return self.respond(self.reread(need), status_code=status.HTTP_201_CREATED)
