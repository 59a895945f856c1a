"""The benchmarks and results API: benchmarks with the chart data of their results, and the
results anyone may see (signed in, also those of your institutes and those waiting for your
review). Read-only: authors and reviewers write on the pages, through outputs.services."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed, ValidationError
from rest_framework.response import Response

from capabilities.api.serializers import InstituteReferenceSerializer
from nmiq_portal.api import serializers
from nmiq_portal.api.fields import FieldsMixin

from ..enums import ResultStatus, UncertaintyKind
from ..filters.benchmarks import BenchmarkFilterSet, ResultFilterSet
from ..models import Benchmark, BenchmarkResult
from ..selectors import benchmarks as selectors
from . import benchmarks_examples as examples
from .guides import GuideProjectSerializer, GuideTWASerializer


class BenchmarkSerializer(serializers.ModelSerializer):
    """What a benchmark measures, in which unit, and which way is better."""

    url = serializers.HyperlinkedIdentityField(view_name="benchmark-detail", lookup_field="uuid")
    html_url = serializers.SerializerMethodField(help_text="The benchmark's page.")
    chart_url = serializers.HyperlinkedIdentityField(
        view_name="benchmark-chart",
        lookup_field="uuid",
        help_text="Its results over time per platform, as the page's chart draws them.",
    )
    technology_area = serializers.SlugRelatedField(
        read_only=True, slug_field="slug", help_text="Slug of the technology area."
    )
    twa = GuideTWASerializer(read_only=True, help_text="Its coordinators review the results.")

    class Meta:
        model = Benchmark
        fields = [
            "uuid",
            "url",
            "html_url",
            "chart_url",
            "slug",
            "name",
            "metric",
            "unit",
            "higher_is_better",
            "technology_area",
            "twa",
            "protocol",
            "description",
            "metriq_job_type",
            "metriq_metric",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, benchmark) -> str:
        return self.context["request"].build_absolute_uri(benchmark.get_absolute_url())


class ResultBenchmarkSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    slug = serializers.SlugField()
    name = serializers.CharField()
    url = serializers.HyperlinkedIdentityField(view_name="benchmark-detail", lookup_field="uuid")


class ConditionSerializer(serializers.Serializer):
    name = serializers.CharField()
    value = serializers.CharField()


class ResultSerializer(serializers.ModelSerializer):
    """A result with its uncertainty as given and the standard uncertainty derived from it."""

    url = serializers.HyperlinkedIdentityField(view_name="result-detail", lookup_field="uuid")
    html_url = serializers.SerializerMethodField(help_text="The result's page.")
    benchmark = ResultBenchmarkSerializer(read_only=True)
    institute = InstituteReferenceSerializer(read_only=True)
    unit = serializers.CharField(
        source="benchmark.unit", read_only=True, help_text="Of value and uncertainties."
    )
    status = serializers.ChoiceField(choices=ResultStatus.choices, read_only=True)
    uncertainty_kind = serializers.ChoiceField(choices=UncertaintyKind.choices, read_only=True)
    uncertainty = serializers.FloatField(
        read_only=True, allow_null=True, help_text="u or U as given; null when not stated."
    )
    standard_uncertainty = serializers.FloatField(
        read_only=True, allow_null=True, help_text="u (U/k for an expanded one)."
    )
    conditions = ConditionSerializer(many=True, read_only=True)
    project = GuideProjectSerializer(read_only=True, allow_null=True)
    sample_count = serializers.SerializerMethodField(help_text="Raw samples stored.")

    class Meta:
        model = BenchmarkResult
        fields = [
            "uuid",
            "url",
            "html_url",
            "benchmark",
            "institute",
            "provider",
            "device",
            "qubit_count",
            "value",
            "unit",
            "value_as_given",
            "uncertainty_kind",
            "uncertainty",
            "uncertainty_as_given",
            "coverage_factor",
            "standard_uncertainty",
            "measured_on",
            "conditions",
            "method",
            "project",
            "sample_count",
            "status",
            "published_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, result) -> str:
        return self.context["request"].build_absolute_uri(result.get_absolute_url())

    def get_sample_count(self, result) -> int:
        return len(result.samples)


class _ReadOnly(FieldsMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "uuid"
    lookup_value_regex = "[0-9a-f-]{36}"

    def check_permissions(self, request):
        if request.method not in self.allowed_methods:
            raise MethodNotAllowed(request.method)
        super().check_permissions(request)


_UUID = [OpenApiParameter("uuid", OpenApiTypes.UUID, OpenApiParameter.PATH)]


@extend_schema_view(
    list=extend_schema(
        summary="List benchmarks",
        description="Every benchmark: what is measured is public. Filters as on /benchmarks/.",
        tags=["benchmarks"],
        examples=examples.BENCHMARK_EXAMPLES["list"],
    ),
    retrieve=extend_schema(
        summary="One benchmark, by UUID",
        tags=["benchmarks"],
        examples=examples.BENCHMARK_EXAMPLES["retrieve"],
        parameters=_UUID,
    ),
)
class BenchmarkViewSet(_ReadOnly):
    """Benchmarks and the chart data of their results."""

    serializer_class = BenchmarkSerializer
    filterset_class = BenchmarkFilterSet
    sort_options = {"updated": ("-updated_at", "pk"), "name": ("name", "pk")}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Benchmark.objects.none()
        return selectors.benchmarks_for_api(user=self.request.user)

    @extend_schema(
        summary="The results of a benchmark over time per platform (chart data)",
        description="The points the benchmark's page draws: the value with ± its uncertainty as "
        "given, only of the results you may see; the results' filters (provider, device, "
        "institute, dates) apply.",
        tags=["benchmarks"],
        parameters=_UUID,
        responses={200: OpenApiTypes.OBJECT},
        examples=examples.BENCHMARK_EXAMPLES["chart"],
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def chart(self, request, *args, **kwargs):
        filterset = ResultFilterSet(
            request.query_params,
            queryset=selectors.benchmark_results(user=request.user),
            request=request,
        )
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        benchmark = get_object_or_404(
            selectors.benchmark_for_page(user=request.user, results=filterset.qs),
            uuid=kwargs["uuid"],
        )
        return Response(selectors.benchmark_chart(benchmark))


@extend_schema_view(
    list=extend_schema(
        summary="List benchmark results",
        description="Published results for anyone; signed in, also every result of your "
        "institutes and those in review you may decide on. Filter by benchmark, institute, "
        "provider, device, state and date.",
        tags=["benchmarks"],
        examples=examples.RESULT_EXAMPLES["list"],
    ),
    retrieve=extend_schema(
        summary="One benchmark result, by UUID",
        tags=["benchmarks"],
        examples=examples.RESULT_EXAMPLES["retrieve"],
        parameters=_UUID,
    ),
)
class ResultViewSet(_ReadOnly):
    """Results of benchmarks."""

    serializer_class = ResultSerializer
    filterset_class = ResultFilterSet
    sort_options = {
        "updated": ("-updated_at", "pk"),
        "measured": ("measured_on", "pk"),
        "value": ("value", "pk"),
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return BenchmarkResult.objects.none()
        return selectors.results_for_api(user=self.request.user)
