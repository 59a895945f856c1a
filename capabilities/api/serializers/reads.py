"""What the API shows of institutes and of the directory they keep."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from nmiq_portal.api import serializers
from nmiq_portal.core.markdown import render_markdown

from ...enums import RMO, MetrologyArea, UncertaintyMode
from ...models import (
    Contact,
    Evidence,
    Institute,
    Service,
    TechnologyArea,
    Testbed,
)
from ...selectors import API_RELATIONS


class EconomySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="ISO 3166-1 alpha-2 code.")
    name = serializers.CharField()


class NullWhenBlankChoiceField(serializers.ChoiceField):
    """A choice a row may leave unset (stored as ""): shown as null, as its schema says."""

    def __init__(self, **kwargs):
        super().__init__(allow_null=True, **kwargs)

    def to_representation(self, value):
        return None if value in ("", None) else super().to_representation(value)


class InstituteSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="institute-detail", lookup_field="uuid")
    web_url = serializers.SerializerMethodField(help_text="The institute's page on the portal.")
    economy = serializers.SerializerMethodField()
    rmo = NullWhenBlankChoiceField(
        choices=RMO.choices,
        read_only=True,
        help_text="Regional Metrology Organisation of an NMI or DI; null for other institutes.",
    )

    class Meta:
        model = Institute
        fields = [
            "uuid",
            "url",
            "web_url",
            "acronym",
            "name",
            "kind",
            "economy",
            "rmo",
            "website",
            "description",
            "verified",
            "version",
            "updated_at",
        ]
        read_only_fields = fields

    def get_web_url(self, institute) -> str:
        return self.context["request"].build_absolute_uri(institute.get_absolute_url())

    @extend_schema_field(EconomySerializer)
    def get_economy(self, institute) -> dict:
        return {"code": institute.economy.code, "name": str(institute.economy.name)}


# --- The directory: testbeds, services, contacts and technology areas --------------------------

#: The unit each operating range is stored in (capabilities.units.CANONICAL).
RANGE_UNITS = {"temperature": "K", "frequency": "Hz", "wavelength": "nm"}


class InstituteReferenceSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    acronym = serializers.CharField()
    name = serializers.CharField()
    url = serializers.HyperlinkedIdentityField(view_name="institute-detail", lookup_field="uuid")


class OperatingRangeSerializer(serializers.Serializer):
    min = serializers.FloatField(allow_null=True, help_text="Lower end; null when open.")
    max = serializers.FloatField(allow_null=True, help_text="Upper end; null when open.")
    unit = serializers.ChoiceField(choices=sorted(RANGE_UNITS.values()))


class OperatingRangesSerializer(serializers.Serializer):
    temperature = OperatingRangeSerializer(allow_null=True, help_text="In kelvin.")
    frequency = OperatingRangeSerializer(allow_null=True, help_text="In hertz.")
    wavelength = OperatingRangeSerializer(allow_null=True, help_text="In nanometres.")


class LocationSerializer(serializers.Serializer):
    city = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)


class LinkSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.CharField()


class ReadinessSerializer(serializers.Serializer):
    scale = serializers.CharField(help_text="Slug of the readiness scale, e.g. trl.")
    level = serializers.IntegerField()
    name = serializers.CharField()


class ParameterSerializer(serializers.Serializer):
    name = serializers.CharField()
    value = serializers.CharField()


class MeasurandRangeSerializer(serializers.Serializer):
    lower = serializers.FloatField(allow_null=True)
    upper = serializers.FloatField(allow_null=True)
    unit = serializers.CharField(help_text="The unit the institute gave, e.g. mW.")
    base_lower = serializers.FloatField(allow_null=True, help_text="Lower end in SI base units.")
    base_upper = serializers.FloatField(allow_null=True, help_text="Upper end in SI base units.")
    base_unit = serializers.CharField(help_text="The SI base unit, as the KCDB's cmcBaseUnit.")


class UncertaintySerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=UncertaintyMode.choices)
    lower = serializers.FloatField(allow_null=True)
    upper = serializers.FloatField(allow_null=True)
    unit = serializers.CharField(help_text="“%” for a relative uncertainty.")
    equation = serializers.CharField(help_text="e.g. Q[0.5 %, 0.02 µW/W]")
    table = serializers.CharField(help_text="CSV: a header row, then one per row.")
    coverage_factor = serializers.FloatField(allow_null=True)
    confidence_level = serializers.FloatField(allow_null=True, help_text="In per cent.")
    base_lower = serializers.FloatField(allow_null=True, help_text="In SI base units.")
    base_upper = serializers.FloatField(allow_null=True, help_text="In SI base units.")
    base_unit = serializers.CharField(help_text="The SI base unit, as the KCDB states it.")


class EvidenceSerializer(serializers.ModelSerializer):
    """An item of "how we know": a comparison, benchmark result, guide or paper."""

    doi_url = serializers.SerializerMethodField(help_text="https://doi.org/ link; empty without.")
    portal_url = serializers.SerializerMethodField(
        help_text="The page of the guide version, result or comparison of this portal that the "
        "item cites; empty when it points elsewhere."
    )

    class Meta:
        model = Evidence
        fields = ["kind", "title", "url", "doi", "doi_url", "reference", "year", "portal_url"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_doi_url(self, evidence) -> str:
        return evidence.doi_url

    @extend_schema_field(OpenApiTypes.STR)
    def get_portal_url(self, evidence) -> str:
        if not evidence.output_id:
            return ""
        return self.context["request"].build_absolute_uri(evidence.link)


def _pairs(items, keys: tuple[str, str]) -> list[dict]:
    """JSON lists of objects as editors stored them, each with exactly ``keys``."""
    return [
        {key: str(item.get(key, "") or "") for key in keys}
        for item in items or []
        if isinstance(item, dict)
    ]


class DirectoryRecordSerializer(serializers.ModelSerializer):
    """What testbeds, services and contacts share: identity, institute, publication."""

    institute = InstituteReferenceSerializer(read_only=True)


def page_url(view_name: str):
    """The field of a record's page on the portal (its ``get_absolute_url``)."""
    return serializers.HyperlinkedIdentityField(
        view_name=view_name, lookup_field="slug", help_text="The record's page on the portal."
    )


class CapabilityRecordSerializer(DirectoryRecordSerializer):
    """What testbeds and services share."""

    description_html = serializers.SerializerMethodField(
        help_text="The Markdown description rendered to sanitised HTML."
    )
    # The relations come as the arrays and lists the API's querysets read with the records
    # (selectors.API_RELATIONS).
    technology_areas = serializers.ListField(
        child=serializers.CharField(),
        source=API_RELATIONS["technology_areas"],
        read_only=True,
        help_text="Slugs of technology areas.",
    )
    contacts = serializers.ListField(
        child=serializers.UUIDField(),
        source=API_RELATIONS["contacts"],
        read_only=True,
        help_text="UUIDs of contacts you may see.",
    )
    operating_ranges = serializers.SerializerMethodField()
    evidence = EvidenceSerializer(
        source=API_RELATIONS["evidence"],
        many=True,
        read_only=True,
        help_text="What supports the record: “how we know”.",
    )

    COMMON_FIELDS = [
        "uuid",
        "url",
        "html_url",
        "slug",
        "name",
        "summary",
        "description",
        "description_html",
        "institute",
        "technology_areas",
        "access_modes",
        "audiences",
        "si_traceable",
        "status",
        "visibility",
        "published",
        "published_at",
        "updated_at",
        "version",
        "operating_ranges",
        "contacts",
        "evidence",
    ]

    def get_description_html(self, record) -> str:
        return render_markdown(record.description)

    @extend_schema_field(OperatingRangesSerializer)
    def get_operating_ranges(self, record) -> dict:
        ranges = {}
        for dimension, (low, high) in record.RANGE_FIELDS.items():
            lo, hi = getattr(record, low), getattr(record, high)
            ranges[dimension] = (
                None
                if lo is None and hi is None
                else {"min": lo, "max": hi, "unit": RANGE_UNITS[dimension]}
            )
        return ranges


class TestbedSerializer(CapabilityRecordSerializer):
    """A testbed: a facility where devices are characterised."""

    url = serializers.HyperlinkedIdentityField(view_name="testbed-detail", lookup_field="uuid")
    html_url = page_url("capabilities:testbed_detail")
    readiness = serializers.SerializerMethodField()
    location = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()

    class Meta:
        model = Testbed
        fields = [
            *CapabilityRecordSerializer.COMMON_FIELDS,
            "quantities",
            "readiness",
            "location",
            "links",
        ]
        read_only_fields = fields

    @extend_schema_field(ReadinessSerializer(allow_null=True))
    def get_readiness(self, testbed) -> dict | None:
        level = testbed.readiness
        if level is None:
            return None
        return {"scale": level.scale.slug, "level": level.level, "name": level.name}

    @extend_schema_field(LocationSerializer(allow_null=True))
    def get_location(self, testbed) -> dict | None:
        if not testbed.city and testbed.latitude is None:
            return None
        return {"city": testbed.city, "latitude": testbed.latitude, "longitude": testbed.longitude}

    @extend_schema_field(LinkSerializer(many=True))
    def get_links(self, testbed) -> list:
        return _pairs(testbed.links, ("title", "url"))


class ServiceSerializer(CapabilityRecordSerializer):
    """A service, with the fields of a KCDB calibration and measurement capability."""

    url = serializers.HyperlinkedIdentityField(view_name="service-detail", lookup_field="uuid")
    html_url = page_url("capabilities:service_detail")
    range = serializers.SerializerMethodField(help_text="The range of the measurand.")
    uncertainty = serializers.SerializerMethodField(help_text="The expanded uncertainty.")
    parameters = serializers.SerializerMethodField(help_text="Conditions, as name/value pairs.")
    metrology_area = serializers.ChoiceField(
        choices=MetrologyArea.choices,
        allow_blank=True,
        read_only=True,
        help_text="The KCDB's metrology area (its label, as in a KCDB code); empty if none.",
    )
    testbed = serializers.SerializerMethodField(
        help_text="UUID of the testbed the service runs on, when you may see it."
    )

    class Meta:
        model = Service
        fields = [
            *CapabilityRecordSerializer.COMMON_FIELDS,
            "kind",
            "quantity",
            "range",
            "uncertainty",
            "method",
            "instrument",
            "instrument_method",
            "parameters",
            "traceability",
            "lead_time",
            "charging",
            "kcdb_code",
            "kcdb_aliases",
            "metrology_area",
            "branch",
            "kcdb_service",
            "sub_service",
            "individual_service",
            "testbed",
        ]
        read_only_fields = fields

    @extend_schema_field(MeasurandRangeSerializer(allow_null=True))
    def get_range(self, service) -> dict | None:
        if service.range_lower is None and service.range_upper is None:
            return None
        return {
            "lower": service.range_lower,
            "upper": service.range_upper,
            "unit": service.range_unit,
            "base_lower": service.range_base_lower,
            "base_upper": service.range_base_upper,
            "base_unit": service.range_base_unit,
        }

    @extend_schema_field(UncertaintySerializer)
    def get_uncertainty(self, service) -> dict:
        def number(value):
            return None if value is None else float(value)

        return {
            "mode": service.uncertainty_mode,
            "lower": service.uncertainty_lower,
            "upper": service.uncertainty_upper,
            "unit": service.uncertainty_unit,
            "equation": service.uncertainty_equation,
            "table": service.uncertainty_table,
            "coverage_factor": number(service.coverage_factor),
            "confidence_level": number(service.confidence_level),
            "base_lower": service.uncertainty_base_lower,
            "base_upper": service.uncertainty_base_upper,
            "base_unit": service.uncertainty_base_unit,
        }

    @extend_schema_field(ParameterSerializer(many=True))
    def get_parameters(self, service) -> list:
        return _pairs(service.parameters, ("name", "value"))

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_testbed(self, service) -> str | None:
        # Annotated by the view from the testbeds the requester may see: no leak, no extra query.
        visible = getattr(service, "visible_testbed_uuid", None)
        return str(visible) if visible else None


class ContactSerializer(DirectoryRecordSerializer):
    """A person to ask about an institute's testbeds and services."""

    url = serializers.HyperlinkedIdentityField(view_name="contact-detail", lookup_field="uuid")
    html_url = serializers.SerializerMethodField(help_text="The record's page on the portal.")
    # Not read-only, so the schema marks it optional: it is left out for anonymous clients.
    email = serializers.EmailField(
        required=False, help_text="Only for authenticated clients; absent otherwise."
    )

    class Meta:
        model = Contact
        fields = [
            "uuid",
            "url",
            "html_url",
            "name",
            "function",
            "email",
            "phone",
            "institute",
            "status",
            "published",
            "version",
            "updated_at",
        ]
        read_only_fields = [field for field in fields if field != "email"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, contact) -> str:
        return self.context["request"].build_absolute_uri(contact.get_absolute_url())

    def to_representation(self, contact):
        data = super().to_representation(contact)
        if not self.context["request"].user.is_authenticated:
            data.pop("email", None)
        return data


class TechnologyAreaSerializer(serializers.ModelSerializer):
    """A node of the technology taxonomy; ``path`` holds the slugs from the root."""

    url = serializers.HyperlinkedIdentityField(
        view_name="technology-area-detail", lookup_field="slug"
    )
    html_url = serializers.SerializerMethodField(help_text="The directory, filtered to this area.")
    parent = serializers.SlugRelatedField(read_only=True, slug_field="slug", allow_null=True)
    depth = serializers.IntegerField(read_only=True, help_text="0 for a top-level area.")

    class Meta:
        model = TechnologyArea
        fields = [
            "uuid",
            "url",
            "html_url",
            "slug",
            "name",
            "parent",
            "path",
            "depth",
            "description",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, area) -> str:
        path = reverse("capabilities:directory") + f"?area={area.slug}"
        return self.context["request"].build_absolute_uri(path)
