"""API representations of working areas and projects, and what proposers send to write them."""

from datetime import datetime

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from capabilities.api.serializers import (
    RANGE_UNITS,
    InstituteReferenceSerializer,
    OperatingRangesSerializer,
    OperatingRangesWriteSerializer,
    UUIDReferenceField,
)
from capabilities.models import Institute, Service, TechnologyArea, Testbed
from nmiq_portal.api.numbers import IntegerField, ModelSerializer
from nmiq_portal.core.markdown import render_markdown
from nmiq_portal.workflow import available_actions, events_for

from ..models import IndustryNeed, NeedAnswer, Participation, Project, TechnicalWorkingArea
from ..selectors import participants_order
from ..services import PROJECT_FIELDS
from ..workflows import PROJECT

#: Who may see who did what, and why (the audit), on a project.
AUDIT_PERMISSION = "collaborations.view_project_audit"


class CoordinatorSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="As the person wrote it on their profile.")


class TWASerializer(serializers.ModelSerializer):
    """A technical working area: its scope, coordinators and how many public projects."""

    url = serializers.HyperlinkedIdentityField(view_name="twa-detail", lookup_field="slug")
    html_url = serializers.SerializerMethodField(help_text="The working area's page.")
    scope_html = serializers.SerializerMethodField(help_text="The scope rendered to HTML.")
    coordinators = CoordinatorSerializer(many=True, read_only=True)
    public_projects = serializers.IntegerField(
        read_only=True, help_text="Approved, active and completed projects."
    )
    projects = serializers.SerializerMethodField(help_text="Its projects in the projects API.")

    class Meta:
        model = TechnicalWorkingArea
        fields = [
            "uuid",
            "url",
            "html_url",
            "number",
            "slug",
            "title",
            "scope",
            "scope_html",
            "active",
            "coordinators",
            "min_institutes",
            "min_economies",
            "public_projects",
            "projects",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, twa) -> str:
        return self.context["request"].build_absolute_uri(twa.get_absolute_url())

    def get_scope_html(self, twa) -> str:
        return render_markdown(twa.scope)

    @extend_schema_field(OpenApiTypes.URI)
    def get_projects(self, twa) -> str:
        path = f"{reverse('project-list')}?twa={twa.slug}"
        return self.context["request"].build_absolute_uri(path)


class TWAReferenceSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    slug = serializers.SlugField()
    title = serializers.CharField()
    url = serializers.HyperlinkedIdentityField(view_name="twa-detail", lookup_field="slug")


class ParticipantSerializer(serializers.ModelSerializer):
    """An institute's part in a project."""

    institute = InstituteReferenceSerializer(read_only=True)

    class Meta:
        model = Participation
        fields = ["institute", "role", "status"]
        read_only_fields = fields


class DeliverableSerializer(serializers.Serializer):
    title = serializers.CharField()
    description = serializers.CharField()
    due_date = serializers.DateField()
    done = serializers.BooleanField()


class TimelineEntrySerializer(serializers.Serializer):
    """One move of the project or of a participation in it."""

    subject = serializers.ChoiceField(
        choices=["project", "participation"],
        help_text="What moved: the project, or an institute's participation (audit only).",
    )
    action = serializers.CharField(help_text="e.g. submit, approve, request_changes.")
    from_state = serializers.CharField(help_text="Empty for the move that created it.")
    to_state = serializers.CharField()
    created_at = serializers.DateTimeField()
    actor = serializers.CharField(
        allow_null=True, help_text="Who moved it: for those who may see the audit, else null."
    )
    comment = serializers.CharField(
        allow_null=True, help_text="Why: for those who may see the audit, else null."
    )
    institute = InstituteReferenceSerializer(
        allow_null=True, help_text="The institute whose participation moved; null for the project."
    )


class ActionSerializer(serializers.Serializer):
    """A move the caller may make now (POST it to the project's transition endpoint)."""

    action = serializers.CharField()
    label = serializers.CharField()
    to_state = serializers.CharField()
    comment_required = serializers.BooleanField()
    allowed = serializers.BooleanField(help_text="False while a guard stands in the way.")
    reasons = serializers.ListField(child=serializers.CharField(), help_text="Why not, if not.")


_DATETIME = serializers.DateTimeField()


class ProjectSerializer(serializers.ModelSerializer):
    """A project as lists show it to anyone: its accepted institutes and the moves of the
    project (what and when, not who)."""

    #: Whether this representation adds the audit for those who may see it.
    with_audit = False

    url = serializers.HyperlinkedIdentityField(view_name="project-detail", lookup_field="uuid")
    html_url = serializers.SerializerMethodField(help_text="The project's page.")
    twa = TWAReferenceSerializer(read_only=True)
    lead_institute = InstituteReferenceSerializer(read_only=True)
    participants = serializers.SerializerMethodField(
        help_text="Institutes taking part (accepted); with the audit, every participation in "
        "any state."
    )
    deliverables = DeliverableSerializer(many=True, read_only=True)
    timeline = serializers.SerializerMethodField(
        help_text="The moves of the project, oldest first; with the audit, who made each and "
        "why, and the moves of participations too."
    )

    class Meta:
        model = Project
        fields = [
            "uuid",
            "url",
            "html_url",
            "slug",
            "acronym",
            "title",
            "kind",
            "status",
            "twa",
            "lead_institute",
            "summary",
            "objectives",
            "work_plan",
            "expected_outputs",
            "start_date",
            "end_date",
            "final_report_url",
            "submitted_at",
            "decided_at",
            "created_at",
            "updated_at",
            "version",
            "participants",
            "deliverables",
            "timeline",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "objectives": {"help_text": "Markdown."},
            "work_plan": {"help_text": "Markdown."},
            "expected_outputs": {"help_text": "Markdown."},
        }

    def audit(self, project) -> bool:
        """Whether the caller sees the audit of ``project`` here (decided once per project)."""
        if not self.with_audit:
            return False
        if not hasattr(project, "_api_audit"):
            user = self.context["request"].user
            project._api_audit = user.has_perm(AUDIT_PERMISSION, project)
        return project._api_audit

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, project) -> str:
        return self.context["request"].build_absolute_uri(project.get_absolute_url())

    def _participations(self, project) -> list:
        if not self.audit(project):
            return project.shown_participations
        if not hasattr(project, "_api_participations"):
            project._api_participations = list(
                Participation.objects.filter(project=project)
                .select_related("institute")
                .order_by(*participants_order())
            )
        return project._api_participations

    @extend_schema_field(ParticipantSerializer(many=True))
    def get_participants(self, project) -> list:
        return ParticipantSerializer(
            self._participations(project), many=True, context=self.context
        ).data

    @extend_schema_field(TimelineEntrySerializer(many=True))
    def get_timeline(self, project) -> list:
        if self.audit(project):
            return self._audit_timeline(project)
        return [
            {
                "subject": "project",
                "action": event["action"],
                "from_state": event["from_state"],
                "to_state": event["to_state"],
                "created_at": _DATETIME.to_representation(
                    datetime.fromisoformat(event["created_at"])
                ),
                "actor": None,
                "comment": None,
                "institute": None,
            }
            for event in project.public_timeline
        ]

    def _audit_timeline(self, project) -> list:
        participations = {p.pk: p for p in self._participations(project)}
        entries = []
        for event in events_for(project, Participation.objects.filter(project=project)):
            about_project = event.workflow == PROJECT.name
            participation = None if about_project else participations.get(event.object_id)
            entries.append(
                {
                    "subject": "project" if about_project else "participation",
                    "action": event.action,
                    "from_state": event.from_state,
                    "to_state": event.to_state,
                    "created_at": _DATETIME.to_representation(event.created_at),
                    "actor": (event.actor.name or str(event.actor)) if event.actor else None,
                    "comment": event.comment,
                    "institute": InstituteReferenceSerializer(
                        participation.institute, context=self.context
                    ).data
                    if participation is not None
                    else None,
                }
            )
        return entries


class ProjectDetailSerializer(ProjectSerializer):
    """A project on its own endpoint: for its participants' members, its working area's
    coordinators and staff, with the audit; and the moves the caller may make now."""

    with_audit = True

    actions = serializers.SerializerMethodField(
        help_text="The moves you may make now (none when signed out)."
    )

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "actions"]
        read_only_fields = fields

    @extend_schema_field(ActionSerializer(many=True))
    def get_actions(self, project) -> list:
        user = self.context["request"].user
        return [
            {
                "action": action.name,
                "label": str(action.label),
                "to_state": action.target,
                "comment_required": action.comment_required,
                "allowed": action.allowed,
                "reasons": list(action.reasons),
            }
            for action in available_actions(project, user)
        ]


# --- Writes ------------------------------------------------------------------------------------


class TWAReferenceField(serializers.SlugRelatedField):
    """A working area named by its slug, alone or inside the object the read side nests."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="slug", **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, dict):
            data = data.get("slug")
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class DeliverableWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    due_date = serializers.DateField()
    done = serializers.BooleanField(required=False)


class ProjectWriteSerializer(ModelSerializer):
    """What a proposer sends: the proposal's fields, its working area and lead institute (when
    creating it), and its deliverables (the list given replaces the project's)."""

    twa = TWAReferenceField(
        queryset=TechnicalWorkingArea.objects.all(),
        help_text="Slug of the working area (e.g. twa-1).",
    )
    lead_institute = UUIDReferenceField(
        queryset=Institute.objects.all(),
        help_text="UUID of the institute that leads: one you belong to. Set when creating.",
    )
    deliverables = DeliverableWriteSerializer(many=True, required=False)
    version = IntegerField(
        required=False,
        min_value=1,
        write_only=True,
        help_text="The version you edited (or send If-Match instead).",
    )

    class Meta:
        model = Project
        fields = ["twa", "lead_institute", *PROJECT_FIELDS, "deliverables", "version"]

    def validate_lead_institute(self, institute):
        if self.instance is not None and institute.pk != self.instance.lead_institute_id:
            raise serializers.ValidationError("The lead institute of a project does not change.")
        return institute

    def service_kwargs(self) -> dict:
        """The validated input as the service's keyword arguments."""
        data = dict(self.validated_data)
        data.pop("version", None)
        if self.instance is not None:
            data.pop("lead_institute", None)
        if "deliverables" in data:
            data["deliverables"] = [dict(item) for item in data["deliverables"]]
        return data


class TransitionSerializer(serializers.Serializer):
    """A move of the project's workflow."""

    action = serializers.ChoiceField(
        choices=[action for action in PROJECT.actions if action != "create"],
        help_text="submit, start_review, approve, reject, request_changes, activate, complete "
        "or withdraw; the project's `actions` lists those you may make now.",
    )
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=4000,
        help_text="Why: required to reject or to request changes.",
    )


# --- industry needs ---


class NeedAnswerSerializer(serializers.ModelSerializer):
    """An answer as anyone who may see the need reads it; a linked testbed, service or project
    the caller may not see is left out (null)."""

    institute = InstituteReferenceSerializer(read_only=True)
    links_to = serializers.SerializerMethodField(
        help_text="The page of the testbed, service or project the answer links, when you may "
        "see it."
    )

    class Meta:
        model = NeedAnswer
        fields = ["kind", "institute", "links_to", "comment", "created_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_links_to(self, answer) -> str | None:
        shown = getattr(answer, "shown", None)
        if shown is None:
            return None
        return self.context["request"].build_absolute_uri(shown.get_absolute_url())


class IndustryNeedSerializer(serializers.ModelSerializer):
    """An industry need: what must be measured, where in the taxonomy, its ranges in stored
    units (K, Hz, nm), how urgent, by when, and its state."""

    url = serializers.HyperlinkedIdentityField(view_name="need-detail", lookup_field="uuid")
    html_url = serializers.SerializerMethodField(help_text="The need's page.")
    description_html = serializers.SerializerMethodField(help_text="The description as HTML.")
    technology_area = serializers.SlugRelatedField(read_only=True, slug_field="slug")
    institute = InstituteReferenceSerializer(read_only=True)
    ranges = serializers.SerializerMethodField()
    answer_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = IndustryNeed
        fields = [
            "uuid",
            "url",
            "html_url",
            "slug",
            "title",
            "description",
            "description_html",
            "technology_area",
            "institute",
            "urgency",
            "needed_by",
            "visibility",
            "ranges",
            "status",
            "answer_count",
            "created_at",
            "decided_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, need) -> str:
        return self.context["request"].build_absolute_uri(need.get_absolute_url())

    def get_description_html(self, need) -> str:
        return render_markdown(need.description)

    @extend_schema_field(OperatingRangesSerializer)
    def get_ranges(self, need) -> dict:
        ranges = {}
        for dimension, (low, high) in need.RANGE_FIELDS.items():
            lo, hi = getattr(need, low), getattr(need, high)
            ranges[dimension] = (
                None
                if lo is None and hi is None
                else {"min": lo, "max": hi, "unit": RANGE_UNITS[dimension]}
            )
        return ranges


class IndustryNeedDetailSerializer(IndustryNeedSerializer):
    """A need on its own endpoint, with its answers."""

    answers = NeedAnswerSerializer(many=True, read_only=True, source="shown_answers")

    class Meta(IndustryNeedSerializer.Meta):
        fields = [*IndustryNeedSerializer.Meta.fields, "answers"]
        read_only_fields = fields


class IndustryNeedWriteSerializer(ModelSerializer):
    """What a poster sends: the need's fields, its ranges with units ("1550 nm", or numbers
    with ``unit``), and the industry consortium it is posted for."""

    institute = UUIDReferenceField(
        queryset=Institute.objects.all(),
        help_text="UUID of the industry consortium or company you post for: one you belong to.",
    )
    technology_area = serializers.SlugRelatedField(
        slug_field="slug", queryset=TechnologyArea.objects.all(), help_text="Slug of the area."
    )
    ranges = OperatingRangesWriteSerializer(source="*", required=False)

    class Meta:
        model = IndustryNeed
        fields = [
            "institute",
            "title",
            "description",
            "technology_area",
            "urgency",
            "needed_by",
            "visibility",
            "ranges",
        ]

    def service_kwargs(self) -> dict:
        return dict(self.validated_data)


class NeedAnswerWriteSerializer(serializers.Serializer):
    """An answer: a testbed or a service of your institute (by UUID), or a comment for one of
    your institutes."""

    testbed = UUIDReferenceField(queryset=Testbed.objects.all(), required=False)
    service = UUIDReferenceField(queryset=Service.objects.all(), required=False)
    institute = UUIDReferenceField(
        queryset=Institute.objects.all(),
        required=False,
        help_text="The institute a comment answers for (one you belong to).",
    )
    comment = serializers.CharField(required=False, allow_blank=True, max_length=4000)

    def validate(self, attrs):
        records = [attrs.get(name) for name in ("testbed", "service") if attrs.get(name)]
        if len(records) > 1:
            raise serializers.ValidationError("Point to one testbed or one service.")
        if not records and not attrs.get("institute"):
            raise serializers.ValidationError(
                {"institute": "Name the institute a comment answers for."}
            )
        return attrs
