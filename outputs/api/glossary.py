"""The terms endpoint: the glossary as the API shows it, and proposals, revisions and decisions
through the same services as the pages (ETag / If-Match against lost updates)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed

from capabilities.api.serializers import UUIDReferenceField
from capabilities.models import Institute, TechnologyArea
from collaborations.api.serializers import TWAReferenceSerializer
from collaborations.models import TechnicalWorkingArea
from nmiq_portal.api.conditional import WriteMixin, read_schema, write_schema
from nmiq_portal.api.fields import FieldsMixin
from nmiq_portal.api.numbers import IntegerField, ModelSerializer
from nmiq_portal.core.markdown import render_markdown
from nmiq_portal.core.permissions import require

from .. import selectors, services
from ..filters.glossary import TermFilterSet
from ..models import Term
from ..services import TERM_FIELDS
from ..workflows import TERM
from . import glossary_examples as examples


class TermTechnologyAreaSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class TermSuccessorSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    term = serializers.CharField()
    url = serializers.HyperlinkedIdentityField(view_name="term-detail", lookup_field="uuid")


class TermSerializer(serializers.ModelSerializer):
    """A glossary term: its definition quoted from a cited source, and its state."""

    url = serializers.HyperlinkedIdentityField(view_name="term-detail", lookup_field="uuid")
    html_url = serializers.SerializerMethodField(help_text="The term's page (a stable address).")
    definition_html = serializers.SerializerMethodField(help_text="The definition as HTML.")
    note_html = serializers.SerializerMethodField(help_text="The note as HTML.")
    letter = serializers.CharField(
        read_only=True, help_text="Listed under this letter (accents folded), or # for none."
    )
    technology_area = TermTechnologyAreaSerializer(read_only=True, allow_null=True)
    twa = TWAReferenceSerializer(read_only=True, allow_null=True)
    superseded_by = TermSuccessorSerializer(
        read_only=True, allow_null=True, help_text="The term that replaces it, once superseded."
    )
    synonyms = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Term
        fields = [
            "uuid",
            "url",
            "html_url",
            "slug",
            "term",
            "letter",
            "abbreviation",
            "synonyms",
            "definition",
            "definition_html",
            "source",
            "clause",
            "source_url",
            "note",
            "note_html",
            "technology_area",
            "twa",
            "status",
            "superseded_by",
            "agreed_at",
            "version",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, term) -> str:
        return self.context["request"].build_absolute_uri(term.get_absolute_url())

    def get_definition_html(self, term) -> str:
        return render_markdown(term.definition)

    def get_note_html(self, term) -> str:
        return render_markdown(term.note)


class TermWriteSerializer(ModelSerializer):
    """What a proposer sends: the term, its quoted definition and source, where it belongs, and
    (when proposing) the institute it is proposed for."""

    institute = UUIDReferenceField(
        queryset=Institute.objects.all(),
        required=False,
        allow_null=True,
        help_text="UUID of the institute you propose the term for (one you belong to); staff "
        "may leave it out. Set when proposing.",
    )
    technology_area = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=TechnologyArea.objects.all(),
        required=False,
        allow_null=True,
        help_text="Slug of its technology area (e.g. single-photon-detectors).",
    )
    twa = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=TechnicalWorkingArea.objects.public(),
        required=False,
        allow_null=True,
        help_text="Slug of the working area whose coordinators decide on it (e.g. twa-2).",
    )
    synonyms = serializers.ListField(
        child=serializers.CharField(max_length=200), max_length=20, required=False
    )
    version = IntegerField(
        required=False,
        min_value=1,
        write_only=True,
        help_text="The version you edited (or send If-Match instead).",
    )

    class Meta:
        model = Term
        fields = ["institute", *TERM_FIELDS, "version"]

    def validate_institute(self, institute):
        if self.instance is not None:
            raise serializers.ValidationError("Who proposed a term does not change.")
        return institute

    def service_kwargs(self) -> dict:
        """The validated input as the service's keyword arguments."""
        data = dict(self.validated_data)
        data.pop("version", None)
        return data


class TermTransitionSerializer(serializers.Serializer):
    """A move of the term's workflow."""

    action = serializers.ChoiceField(
        choices=[name for name in TERM.actions if name != "create"],
        help_text="agree, reject, withdraw or supersede.",
    )
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=4000,
        help_text="Why: required to reject.",
    )
    successor = UUIDReferenceField(
        queryset=Term.objects.all(),
        required=False,
        help_text="To supersede: the UUID of the agreed term that replaces this one.",
    )

    def validate(self, data):
        if data["action"] == "supersede" and "successor" not in data:
            raise serializers.ValidationError({"successor": "Name the term that replaces it."})
        return data


@extend_schema_view(
    list=extend_schema(
        summary="List glossary terms",
        description="Agreed and superseded terms for anyone; signed in, also the proposals you "
        "made and those you may decide on. Filters as on /glossary/.",
        tags=["glossary"],
        examples=examples.TERM_EXAMPLES["list"],
    ),
    retrieve=extend_schema(
        summary="One glossary term, by UUID",
        tags=["glossary"],
        examples=examples.TERM_EXAMPLES["retrieve"],
        **read_schema(TermSerializer),
    ),
    create=extend_schema(
        summary="Propose a term (a member of an institute)",
        description="Quote the definition exactly as its source gives it, with the source and "
        "its clause. Nobody but you, the coordinators who decide on it and staff sees it until "
        "it is agreed.",
        tags=["glossary"],
        examples=examples.TERM_EXAMPLES["create"],
        **write_schema(request=TermWriteSerializer, response=TermSerializer, created=True),
    ),
    partial_update=extend_schema(
        summary="Revise a proposal (its proposer) or correct any term (staff)",
        description="Only what the body names changes; the slug, and so the term's address, "
        "never does. Send If-Match or `version`.",
        tags=["glossary"],
        examples=examples.TERM_EXAMPLES["partial_update"],
        **write_schema(request=TermWriteSerializer, response=TermSerializer),
    ),
)
class TermViewSet(WriteMixin, FieldsMixin, viewsets.ModelViewSet):
    """The shared glossary: terms with definitions quoted from cited sources (e.g. the VIM)."""

    serializer_class = TermSerializer
    filterset_class = TermFilterSet
    sort_options = {
        "term": ("letter", "term", "pk"),
        "updated": ("-updated_at", "pk"),
    }
    lookup_field = "uuid"
    lookup_value_regex = "[0-9a-f-]{36}"
    write_serializer_class = TermWriteSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def check_permissions(self, request):
        if request.method not in self.allowed_methods:
            raise MethodNotAllowed(request.method)
        super().check_permissions(request)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Term.objects.none()
        return selectors.terms_for_api(user=self.request.user)

    def create(self, request, *args, **kwargs):
        require(request.user, "outputs.add_term")
        serializer = self.write_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        term = services.term_propose(actor=request.user, **serializer.service_kwargs())
        location = self.reverse_action("detail", kwargs={"uuid": term.uuid})
        return self.respond(
            self.reread(term), status_code=status.HTTP_201_CREATED, headers={"Location": location}
        )

    def partial_update(self, request, *args, **kwargs):
        term = self.get_object()
        serializer, version = self.edit(request, term, "outputs.change_term")
        term = services.term_update(
            actor=request.user, entry=term, version=version, **serializer.service_kwargs()
        )
        return self.respond(self.reread(term))

    @extend_schema(
        summary="Move a term along its workflow (agree, reject, withdraw, supersede)",
        description="The same rules as on the term's page: its working area's coordinators (any "
        "coordinator for a term of no working area) and staff decide, never on a term they or "
        "their institute proposed; its proposer withdraws it. A refused move changes nothing.",
        tags=["glossary"],
        request=TermTransitionSerializer,
        responses={200: TermSerializer},
        examples=examples.TERM_EXAMPLES["transition"],
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, *args, **kwargs):
        term = self.get_object()
        serializer = TermTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["action"] == "supersede":
            term = services.term_supersede(
                actor=request.user,
                term=term,
                successor=data["successor"],
                comment=data.get("comment", ""),
            )
        else:
            term = services.term_transition(
                actor=request.user,
                term=term,
                action=data["action"],
                comment=data.get("comment", ""),
            )
        return self.respond(self.reread(term))
