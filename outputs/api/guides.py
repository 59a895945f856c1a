"""The guides API: guides with the versions the caller may see, their PDFs through the page
that checks who may download them. Read-only: authors and reviewers write on the pages."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import viewsets
from rest_framework.exceptions import MethodNotAllowed

from capabilities.api.examples import API_URL, BASE_URL, PTB_REFERENCE, page, response
from capabilities.api.serializers import InstituteReferenceSerializer
from nmiq_portal.api import serializers
from nmiq_portal.api.fields import FieldsMixin
from nmiq_portal.core.markdown import render_markdown

from ..filters.guides import GuideFilterSet
from ..models import Guide, GuideVersion
from ..selectors.guides import guides_for_api


class GuideTWASerializer(serializers.Serializer):
    number = serializers.IntegerField()
    slug = serializers.SlugField()
    title = serializers.CharField()
    url = serializers.HyperlinkedIdentityField(view_name="twa-detail", lookup_field="slug")


class GuideProjectSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    acronym = serializers.CharField()
    title = serializers.CharField()
    url = serializers.HyperlinkedIdentityField(view_name="project-detail", lookup_field="uuid")


class GuideVersionSerializer(serializers.ModelSerializer):
    """One version of a guide: its state, what changed, and its PDF's fingerprint."""

    html_url = serializers.SerializerMethodField(help_text="The version's own page.")
    file_url = serializers.SerializerMethodField(
        help_text="Its PDF, served to those who may download it; null for the others "
        "(a withdrawn version is listed, not served)."
    )
    change_notes_html = serializers.SerializerMethodField(help_text="The notes rendered to HTML.")
    authors = serializers.SerializerMethodField(help_text="The authors' names.")

    class Meta:
        model = GuideVersion
        fields = [
            "uuid",
            "number",
            "status",
            "html_url",
            "file_url",
            "published_at",
            "withdrawal_reason",
            "change_notes",
            "change_notes_html",
            "authors",
            "size",
            "sha256",
            "page_count",
        ]
        read_only_fields = fields

    def _absolute(self, path: str) -> str:
        return self.context["request"].build_absolute_uri(path)

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, version) -> str:
        return self._absolute(version.get_absolute_url())

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_file_url(self, version) -> str | None:
        user = self.context["request"].user
        if not user.has_perm("outputs.download_guide_version", version):
            return None
        return self._absolute(version.get_file_url())

    def get_change_notes_html(self, version) -> str:
        return render_markdown(version.change_notes)

    def get_authors(self, version) -> list[str]:
        return [author.name or author.get_short_name() for author in version.authors.all()]


class GuideSerializer(serializers.ModelSerializer):
    """A good-practice guide: where it comes from, who wrote it, and its versions (newest
    first; anonymous callers see published, superseded and withdrawn ones only)."""

    url = serializers.HyperlinkedIdentityField(view_name="guide-detail", lookup_field="uuid")
    html_url = serializers.SerializerMethodField(help_text="The guide's page.")
    latest_url = serializers.SerializerMethodField(
        help_text="Always the latest published version's page."
    )
    twa = GuideTWASerializer(read_only=True)
    project = GuideProjectSerializer(read_only=True, allow_null=True)
    institutes = InstituteReferenceSerializer(many=True, read_only=True)
    technology_areas = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="slug", help_text="Slugs of technology areas."
    )
    versions = GuideVersionSerializer(many=True, read_only=True, source="visible_versions")

    class Meta:
        model = Guide
        fields = [
            "uuid",
            "url",
            "html_url",
            "latest_url",
            "slug",
            "title",
            "summary",
            "twa",
            "project",
            "institutes",
            "technology_areas",
            "versions",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, guide) -> str:
        return self.context["request"].build_absolute_uri(guide.get_absolute_url())

    @extend_schema_field(OpenApiTypes.URI)
    def get_latest_url(self, guide) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("outputs:guide_latest", kwargs={"slug": guide.slug})
        )


GUIDE_UUID = "6f1e3d5b-7a9c-4e2f-8b0d-2c4e6a8f0b1d"
VERSION_UUID = "9a7c5e3b-1d2f-4b6a-8c0e-4f6a8c0e2b4d"
EARLIER_UUID = "3e5c7a9b-2d4f-4a6c-9e1b-5d7f9b1d3f5a"
_SLUG = "detection-efficiency-of-single-photon-detectors"
_NOTES = "Adds the uncertainty budget of the attenuator calibration."
GUIDE = {
    "uuid": GUIDE_UUID,
    "url": f"{API_URL}/guides/{GUIDE_UUID}/",
    "html_url": f"{BASE_URL}/guides/{_SLUG}/",
    "latest_url": f"{BASE_URL}/guides/{_SLUG}/latest/",
    "slug": _SLUG,
    "title": "Detection efficiency of single-photon detectors",
    "summary": "How to measure the detection efficiency of a fibre-coupled single-photon "
    "detector at 1550 nm, traceably to a calibrated power meter.",
    "twa": {
        "number": 3,
        "slug": "twa-3",
        "title": "Single-photon sources and detectors",
        "url": f"{API_URL}/twas/twa-3/",
    },
    "project": None,
    "institutes": [PTB_REFERENCE],
    "technology_areas": ["single-photon-detectors"],
    "versions": [
        {
            "uuid": VERSION_UUID,
            "number": "1.1.0",
            "status": "published",
            "html_url": f"{BASE_URL}/guides/{_SLUG}/v/1.1.0/",
            "file_url": f"{BASE_URL}/guides/{_SLUG}/v/1.1.0/file/",
            "published_at": "2026-09-14T10:12:00Z",
            "withdrawal_reason": "",
            "change_notes": _NOTES,
            "change_notes_html": render_markdown(_NOTES),
            "authors": ["Paula Proposer"],
            "size": 48213,
            "sha256": "5c2f8d0a9e4b7c1f3a6d8e0b2c4f6a8d0e2b4c6f8a0d2e4b6c8f0a2d4e6b8c0f",
            "page_count": 12,
        },
        {
            "uuid": EARLIER_UUID,
            "number": "1.0.0",
            "status": "superseded",
            "html_url": f"{BASE_URL}/guides/{_SLUG}/v/1.0.0/",
            "file_url": f"{BASE_URL}/guides/{_SLUG}/v/1.0.0/file/",
            "published_at": "2026-03-02T09:00:00Z",
            "withdrawal_reason": "",
            "change_notes": "",
            "change_notes_html": "",
            "authors": ["Paula Proposer"],
            "size": 40127,
            "sha256": "0e2b4c6f8a0d2e4b6c8f0a2d4e6b8c0f5c2f8d0a9e4b7c1f3a6d8e0b2c4f6a8d",
            "page_count": 10,
        },
    ],
    "updated_at": "2026-09-14T10:12:00Z",
}
GUIDE_EXAMPLES = {
    "list": [response("A page of guides", page("guides", GUIDE, count=4))],
    "retrieve": [response("A guide in its second version", GUIDE)],
}


@extend_schema_view(
    list=extend_schema(
        summary="List good-practice guides",
        description="Guides with a published (or superseded, or withdrawn) version for anyone; "
        "signed in, also the drafts you wrote and the versions in review you may decide on. "
        "Filters as on /guides/.",
        tags=["guides"],
        examples=GUIDE_EXAMPLES["list"],
    ),
    retrieve=extend_schema(
        summary="One guide, by UUID",
        tags=["guides"],
        examples=GUIDE_EXAMPLES["retrieve"],
        parameters=[OpenApiParameter("uuid", OpenApiTypes.UUID, OpenApiParameter.PATH)],
    ),
)
class GuideViewSet(FieldsMixin, viewsets.ReadOnlyModelViewSet):
    """Good-practice guides and their versions."""

    serializer_class = GuideSerializer
    filterset_class = GuideFilterSet
    sort_options = {
        "updated": ("-updated_at", "pk"),
        "title": ("title", "pk"),
    }
    lookup_field = "uuid"
    lookup_value_regex = "[0-9a-f-]{36}"

    def check_permissions(self, request):
        if request.method not in self.allowed_methods:
            raise MethodNotAllowed(request.method)
        super().check_permissions(request)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Guide.objects.none()
        return guides_for_api(user=self.request.user)
