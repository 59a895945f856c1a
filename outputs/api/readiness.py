"""The assessments and landscape endpoints: readiness assessments as their pages show them,
and the landscape's table (what /landscape/export/json/ gives)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import viewsets
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.response import Response

from capabilities.api.serializers import InstituteReferenceSerializer
from collaborations.api.serializers import TWAReferenceSerializer
from nmiq_portal.api import serializers
from nmiq_portal.api.fields import FieldsMixin
from nmiq_portal.core.markdown import render_markdown

from .. import selectors
from ..enums import AssessmentStatus, Trend
from ..filters.readiness import AssessmentFilterSet
from ..models import BenchmarkResult, Comparison, GuideVersion, ReadinessAssessment
from . import readiness_examples as examples

CITATION_KINDS = {GuideVersion: "guide", BenchmarkResult: "result", Comparison: "comparison"}


class AssessmentAreaSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    path = serializers.CharField()


class AssessmentLevelSerializer(serializers.Serializer):
    scale = serializers.CharField(source="scale.slug", help_text="The scale's slug, e.g. srl.")
    level = serializers.IntegerField()
    name = serializers.CharField()


class CitationSerializer(serializers.Serializer):
    kind = serializers.SerializerMethodField(help_text="guide, result or comparison.")
    title = serializers.SerializerMethodField()
    html_url = serializers.SerializerMethodField(help_text="The output's page.")

    def get_kind(self, citation) -> str:
        return CITATION_KINDS[type(citation.output)]

    def get_title(self, citation) -> str:
        return str(citation.output)

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, citation) -> str:
        return self.context["request"].build_absolute_uri(citation.output.get_absolute_url())


class AssessmentSerializer(serializers.ModelSerializer):
    """A technology area's readiness level on a scale, with its rationale and references."""

    url = serializers.HyperlinkedIdentityField(view_name="assessment-detail", lookup_field="uuid")
    html_url = serializers.SerializerMethodField(help_text="The assessment's page.")
    technology_area = AssessmentAreaSerializer(read_only=True)
    twa = TWAReferenceSerializer(read_only=True)
    level = AssessmentLevelSerializer(read_only=True)
    rationale_html = serializers.SerializerMethodField(help_text="The rationale as HTML.")
    dois = serializers.ListField(child=serializers.CharField(), read_only=True)
    standards = serializers.ListField(child=serializers.CharField(), read_only=True)
    cites = CitationSerializer(
        source="citations", many=True, read_only=True, help_text="Portal outputs it rests on."
    )
    author_institute = InstituteReferenceSerializer(read_only=True, allow_null=True)
    status = serializers.ChoiceField(choices=AssessmentStatus.choices, read_only=True)

    class Meta:
        model = ReadinessAssessment
        fields = [
            "uuid",
            "url",
            "html_url",
            "technology_area",
            "twa",
            "level",
            "assessed_on",
            "rationale",
            "rationale_html",
            "dois",
            "standards",
            "cites",
            "author_institute",
            "status",
            "published_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, assessment) -> str:
        return self.context["request"].build_absolute_uri(assessment.get_absolute_url())

    def get_rationale_html(self, assessment) -> str:
        return render_markdown(assessment.rationale)


_UUID = [OpenApiParameter("uuid", OpenApiTypes.UUID, OpenApiParameter.PATH)]


@extend_schema_view(
    list=extend_schema(
        summary="List readiness assessments",
        description="Published assessments for anyone, oldest ones included (each area's "
        "history); signed in, also those you wrote and, as a coordinator of their working "
        "area, those submitted. Filter by technology area (with its sub-areas), scale, state.",
        tags=["landscape"],
        examples=examples.ASSESSMENT_EXAMPLES["list"],
    ),
    retrieve=extend_schema(
        summary="One readiness assessment, by UUID",
        tags=["landscape"],
        examples=examples.ASSESSMENT_EXAMPLES["retrieve"],
        parameters=_UUID,
    ),
)
class AssessmentViewSet(FieldsMixin, viewsets.ReadOnlyModelViewSet):
    """Standardisation readiness assessments of technology areas."""

    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilterSet
    sort_options = {
        "area": ("technology_area__path", "-assessed_on", "-pk"),
        "assessed": ("-assessed_on", "-pk"),
        "updated": ("-updated_at", "pk"),
    }
    lookup_field = "uuid"
    lookup_value_regex = "[0-9a-f-]{36}"

    def check_permissions(self, request):
        if request.method not in self.allowed_methods:
            raise MethodNotAllowed(request.method)
        super().check_permissions(request)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ReadinessAssessment.objects.none()
        return selectors.assessments_for_api(user=self.request.user)


class LandscapeKindSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()


class LandscapeReadinessSerializer(serializers.Serializer):
    scale = serializers.CharField(help_text="The scale's slug, e.g. srl.")
    level = serializers.IntegerField()
    name = serializers.CharField()
    assessed_on = serializers.DateField()
    trend = serializers.ChoiceField(choices=Trend.choices)
    assessment = serializers.UUIDField(help_text="The latest published assessment.")


class LandscapeAreaSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    path = serializers.CharField()
    depth = serializers.IntegerField(help_text="0 for a root of the tree.")
    readiness = LandscapeReadinessSerializer(allow_null=True)
    counts = serializers.DictField(
        child=serializers.IntegerField(), help_text="Public items per kind, sub-areas included."
    )
    gaps = serializers.ListField(child=serializers.CharField())


# One object, although its endpoint is a viewset's list.
@extend_schema_serializer(many=False)
class LandscapeSerializer(serializers.Serializer):
    kinds = LandscapeKindSerializer(many=True)
    areas = LandscapeAreaSerializer(many=True)


class LandscapeViewSet(viewsets.ViewSet):
    """The landscape: the same for everyone, since it counts public items only."""

    @extend_schema(
        summary="The standardisation landscape",
        description="Every technology area in tree order with its current readiness level and "
        "trend, the counts of public items per kind (an area counts its sub-areas' items) and "
        "its gaps, as on /landscape/.",
        tags=["landscape"],
        responses={200: LandscapeSerializer},
        examples=examples.LANDSCAPE_EXAMPLES,
    )
    def list(self, request, *args, **kwargs):
        return Response(selectors.landscape_data(selectors.landscape()))
