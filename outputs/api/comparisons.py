"""The comparisons endpoint: each comparison with its results, reference value, consistency and
degrees of equivalence, all computed from the stored results. The lead institute revises a draft
(PATCH, with If-Match or ``version``) and moves it along its workflow (POST …/transition/), through
outputs.services; results themselves are entered on the pages."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed

from capabilities.api.serializers import InstituteReferenceSerializer
from nmiq_portal.api.conditional import WriteMixin, read_schema, write_schema
from nmiq_portal.api.fields import FieldsMixin
from nmiq_portal.api.numbers import IntegerField, ModelSerializer

from .. import selectors, services
from ..enums import ComparisonStatus, ReferenceMethod, UncertaintyKind
from ..filters.comparisons import ComparisonFilterSet
from ..models import Comparison
from ..services.comparisons import COMPARISON_FIELDS
from ..workflows import COMPARISON
from . import comparisons_examples as examples


class ComparisonProjectSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    acronym = serializers.CharField()
    title = serializers.CharField()
    url = serializers.HyperlinkedIdentityField(view_name="project-detail", lookup_field="uuid")


class ComparisonReferenceSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=ReferenceMethod.choices)
    value = serializers.FloatField(help_text="x_ref, in the comparison's unit.")
    u = serializers.FloatField(help_text="Standard uncertainty of x_ref.")
    U = serializers.FloatField(help_text="k·u, with the comparison's coverage factor.")
    n = serializers.IntegerField(help_text="Results included in it (0 for a fixed reference).")


class ComparisonConsistencySerializer(serializers.Serializer):
    chi2 = serializers.FloatField(help_text="χ²_obs = Σ (x_i - x_ref)²/u_i² (included results).")
    dof = serializers.IntegerField(help_text="nu = n - 1.")
    p_value = serializers.FloatField(help_text="P(χ²(nu) > χ²_obs).")
    birge_ratio = serializers.FloatField(help_text="R_B = √(χ²_obs/nu).")
    consistent = serializers.BooleanField(help_text="p ≥ 0.05.")


class ComparisonResultSerializer(serializers.Serializer):
    institute = InstituteReferenceSerializer()
    reported_as = serializers.CharField(help_text="The name in the published table, if renamed.")
    position = serializers.IntegerField(help_text="Row in the published table.")
    value = serializers.FloatField()
    uncertainty_kind = serializers.ChoiceField(choices=UncertaintyKind.choices)
    uncertainty = serializers.FloatField(help_text="As reported: u, or U with coverage_factor.")
    coverage_factor = serializers.FloatField(allow_null=True)
    u = serializers.FloatField(help_text="Standard uncertainty (U/k when U was reported).")
    method = serializers.CharField()
    included = serializers.BooleanField(help_text="In the reference value (never when fixed).")
    d = serializers.FloatField(allow_null=True, help_text="d_i = x_i - x_ref.")
    U_d = serializers.FloatField(allow_null=True, help_text="U(d_i) = k·u(d_i).")
    correlated = serializers.BooleanField(
        allow_null=True, help_text="u(d_i) accounts for the result's part in x_ref."
    )


def _evaluated(comparison):
    """(evaluation or None, results) of ``comparison``, computed once per object."""
    cached = getattr(comparison, "_evaluated", None)
    if cached is None:
        evaluation, _error, rows = selectors.comparison_rows(comparison)
        cached = comparison._evaluated = (evaluation, rows)
    return cached


class ComparisonSerializer(serializers.ModelSerializer):
    """A comparison with its results and what is computed from them."""

    url = serializers.HyperlinkedIdentityField(view_name="comparison-detail", lookup_field="uuid")
    html_url = serializers.SerializerMethodField(help_text="The comparison's page.")
    status = serializers.ChoiceField(choices=ComparisonStatus.choices, read_only=True)
    project = ComparisonProjectSerializer(read_only=True)
    reference = serializers.SerializerMethodField(help_text="Null while it cannot be computed.")
    consistency = serializers.SerializerMethodField(help_text="Null for a fixed reference.")
    results = serializers.SerializerMethodField()

    class Meta:
        model = Comparison
        fields = [
            "uuid",
            "url",
            "html_url",
            "identifier",
            "measurand",
            "unit",
            "method",
            "coverage_factor",
            "description",
            "source",
            "status",
            "project",
            "reference",
            "consistency",
            "results",
            "published_at",
            "version",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, comparison) -> str:
        return self.context["request"].build_absolute_uri(comparison.get_absolute_url())

    @extend_schema_field(ComparisonReferenceSerializer(allow_null=True))
    def get_reference(self, comparison):
        evaluation, _rows = _evaluated(comparison)
        if evaluation is None:
            return None
        reference = evaluation.reference
        return {
            "method": reference.method.value,
            "value": reference.value,
            "u": reference.u,
            "U": comparison.coverage_factor * reference.u,
            "n": reference.n,
        }

    @extend_schema_field(ComparisonConsistencySerializer(allow_null=True))
    def get_consistency(self, comparison):
        evaluation, _rows = _evaluated(comparison)
        if evaluation is None or evaluation.consistency is None:
            return None
        c = evaluation.consistency
        return {
            "chi2": c.chi2,
            "dof": c.dof,
            "p_value": c.p_value,
            "birge_ratio": c.birge_ratio,
            "consistent": c.consistent,
        }

    @extend_schema_field(ComparisonResultSerializer(many=True))
    def get_results(self, comparison):
        _evaluation, rows = _evaluated(comparison)
        fixed = comparison.method == ReferenceMethod.FIXED
        shown = []
        for row in rows:
            result, eq = row.result, row.equivalence
            shown.append(
                {
                    "institute": InstituteReferenceSerializer(
                        result.institute, context=self.context
                    ).data,
                    "reported_as": result.reported_as,
                    "position": result.position,
                    "value": result.value,
                    "uncertainty_kind": result.uncertainty_kind,
                    "uncertainty": result.uncertainty,
                    "coverage_factor": result.coverage_factor,
                    "u": result.standard_uncertainty,
                    "method": result.method,
                    "included": result.included and not fixed,
                    "d": eq.d if eq else None,
                    "U_d": eq.U if eq else None,
                    "correlated": eq.correlated if eq else None,
                }
            )
        return shown


class ComparisonWriteSerializer(ModelSerializer):
    """What the lead institute changes on its draft comparison."""

    version = IntegerField(
        required=False,
        min_value=1,
        write_only=True,
        help_text="The version you edited (or send If-Match instead).",
    )

    class Meta:
        model = Comparison
        fields = [*COMPARISON_FIELDS, "version"]

    def service_kwargs(self) -> dict:
        return {k: v for k, v in self.validated_data.items() if k != "version"}


class ComparisonTransitionSerializer(serializers.Serializer):
    """A move of the comparison's workflow."""

    action = serializers.ChoiceField(
        choices=[name for name in COMPARISON.actions if name != "create"],
        help_text="submit, publish, send_back or withdraw.",
    )
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=4000,
        help_text="Why: required to send back or to withdraw.",
    )


@extend_schema_view(
    list=extend_schema(
        summary="List interlaboratory comparisons",
        description="Published comparisons for anyone; signed in, also the drafts and those in "
        "review of projects your institutes lead or take part in, and those in review in working "
        "areas you coordinate. Filters as on /comparisons/.",
        tags=["comparisons"],
        examples=examples.COMPARISON_EXAMPLES["list"],
    ),
    retrieve=extend_schema(
        summary="One comparison, by UUID",
        description="Reference value, consistency and degrees of equivalence are computed from "
        "the stored results with the stored method.",
        tags=["comparisons"],
        examples=examples.COMPARISON_EXAMPLES["retrieve"],
        **read_schema(ComparisonSerializer),
    ),
    partial_update=extend_schema(
        summary="Revise a draft comparison (the lead institute)",
        description="Only what the body names changes. Send If-Match or `version`. A fixed or "
        "pilot reference needs its value and standard uncertainty; the other methods compute "
        "them from the results.",
        tags=["comparisons"],
        examples=examples.COMPARISON_EXAMPLES["partial_update"],
        **write_schema(request=ComparisonWriteSerializer, response=ComparisonSerializer),
    ),
)
class ComparisonViewSet(
    WriteMixin,
    FieldsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Interlaboratory comparisons of comparison projects."""

    serializer_class = ComparisonSerializer
    write_serializer_class = ComparisonWriteSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_class = ComparisonFilterSet
    sort_options = {
        "updated": ("-updated_at", "pk"),
        "identifier": ("identifier", "pk"),
    }
    lookup_field = "uuid"
    lookup_value_regex = "[0-9a-f-]{36}"

    def check_permissions(self, request):
        if request.method not in self.allowed_methods:
            raise MethodNotAllowed(request.method)
        super().check_permissions(request)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Comparison.objects.none()
        return selectors.comparisons_for_api(user=self.request.user)

    def partial_update(self, request, *args, **kwargs):
        comparison = self.get_object()
        serializer, version = self.edit(request, comparison, "outputs.change_comparison")
        comparison = services.comparison_update(
            actor=request.user,
            comparison=comparison,
            version=version,
            **serializer.service_kwargs(),
        )
        return self.respond(self.reread(comparison))

    @extend_schema(
        summary="Move a comparison along its workflow (submit, publish, send back, withdraw)",
        description="The same rules as on its page: the lead institute submits; the working "
        "area's coordinators (or staff) without a conflict publish or send back. A refused move "
        "changes nothing.",
        tags=["comparisons"],
        request=ComparisonTransitionSerializer,
        responses={200: ComparisonSerializer},
        examples=examples.COMPARISON_EXAMPLES["transition"],
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, *args, **kwargs):
        comparison = self.get_object()
        serializer = ComparisonTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comparison = services.comparison_transition(
            actor=request.user,
            comparison=comparison,
            action=serializer.validated_data["action"],
            comment=serializer.validated_data.get("comment", ""),
        )
        return self.respond(self.reread(comparison))
