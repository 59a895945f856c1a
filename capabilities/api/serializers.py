"""API representations of institutes and of the directory they keep."""

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from nmiq_portal.core.markdown import render_markdown

from ..enums import AccessMode, Audience, UncertaintyMode
from ..forms import ServiceForm, TestbedForm
from ..models import (
    CapabilityRecord,
    Contact,
    Evidence,
    Institute,
    ReadinessLevel,
    Service,
    TechnologyArea,
    Testbed,
)
from ..units import parse_quantity


class EconomySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="ISO 3166-1 alpha-2 code.")
    name = serializers.CharField()


class InstituteSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="institute-detail", lookup_field="uuid")
    web_url = serializers.SerializerMethodField(help_text="The institute's page on the portal.")
    economy = serializers.SerializerMethodField()

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


class EvidenceSerializer(serializers.ModelSerializer):
    """An item of "how we know": a comparison, benchmark result, guide or paper."""

    doi_url = serializers.SerializerMethodField(help_text="https://doi.org/ link; empty without.")

    class Meta:
        model = Evidence
        fields = ["kind", "title", "url", "doi", "doi_url", "reference", "year"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_doi_url(self, evidence) -> str:
        return evidence.doi_url


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
    html_url = serializers.SerializerMethodField(help_text="The record's page on the portal.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, record) -> str:
        return self.context["request"].build_absolute_uri(record.get_absolute_url())


class CapabilityRecordSerializer(DirectoryRecordSerializer):
    """What testbeds and services share."""

    description_html = serializers.SerializerMethodField(
        help_text="The Markdown description rendered to sanitised HTML."
    )
    technology_areas = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="slug", help_text="Slugs of technology areas."
    )
    contacts = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="uuid", help_text="UUIDs of contacts you may see."
    )
    operating_ranges = serializers.SerializerMethodField()
    evidence = EvidenceSerializer(
        many=True, read_only=True, help_text="What supports the record: “how we know”."
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
    range = serializers.SerializerMethodField(help_text="The range of the measurand.")
    uncertainty = serializers.SerializerMethodField(help_text="The expanded uncertainty.")
    parameters = serializers.SerializerMethodField(help_text="Conditions, as name/value pairs.")
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
            "parameters",
            "traceability",
            "lead_time",
            "charging",
            "kcdb_code",
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
            "updated_at",
        ]
        read_only_fields = [field for field in fields if field != "email"]

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


# --- Writes: what clients send ------------------------------------------------------------------
#
# Input has the shape of the representation, so a client may send back what it read, changed.
# What the server computes (uuid, url, slug, description_html, evidence, base units, …) is
# ignored. A PATCH changes only what it names, inside nested objects too (as a JSON merge
# patch); null clears a group (an operating range, the location, the measurand range); lists
# (areas, contacts, links, parameters, …) are replaced whole. Values are checked here for shape
# only: the services check them as they check the browser's forms.


def _require(attrs: dict, *names: str) -> None:
    """Members a nested object needs even in a PATCH (where DRF asks for none)."""
    missing = {name: [serializers.Field.default_error_messages["required"]] for name in names}
    missing = {name: error for name, error in missing.items() if name not in attrs}
    if missing:
        raise serializers.ValidationError(missing, code="required")


def _unique(items: list) -> list:
    return list(dict.fromkeys(items))


class UUIDReferenceField(serializers.SlugRelatedField):
    """A record named by its UUID, alone or inside the object the read side nests."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="uuid", **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, dict):
            data = data.get("uuid")
        try:
            serializers.UUIDField().to_internal_value(data)
        except serializers.ValidationError:
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "example": "DE"},
            {"type": "object", "properties": {"code": {"type": "string"}}, "required": ["code"]},
        ],
        "description": "ISO 3166-1 alpha-2 code, alone or as the read side's object.",
    }
)
class EconomyField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=[(country.code, country.name) for country in countries], **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, dict):
            data = data.get("code")
        return super().to_internal_value(data)


class WebAddressField(serializers.CharField):
    """A web address cleaned as the edit forms clean it: "example.org" is https://example.org."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.form_field = forms.URLField(assume_scheme="https", max_length=self.max_length)

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        if not text:
            return text
        try:
            return self.form_field.clean(text)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages, code="invalid") from error


@extend_schema_field(
    {
        "oneOf": [{"type": "number"}, {"type": "string", "example": "20 mK"}],
        "nullable": True,
        "description": "A number in the range's unit, or a value with its unit as in the forms.",
    }
)
class QuantityInputField(serializers.Field):
    default_error_messages = {
        "invalid": "Give a number, or a value with its unit such as “20 mK”.",
    }

    def to_internal_value(self, data):
        if isinstance(data, str):
            return serializers.CharField(max_length=100, allow_blank=True).run_validation(data)
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return serializers.FloatField().to_internal_value(data)

    def to_representation(self, value):
        return value


class GroupSerializer(serializers.Serializer):
    """Fields of a record nested as the read side nests them; null clears them all."""

    #: {model field: its empty value}, what null sets.
    CLEARED: dict = {}

    def run_validation(self, data=serializers.empty):
        if data is None:
            return dict(self.CLEARED)
        return super().run_validation(data)


class OperatingRangeWriteSerializer(GroupSerializer):
    """``min`` and ``max`` as numbers in ``unit`` (the stored unit by default: K, Hz, nm) or as
    text with a unit ("20 mK", "1.55 µm"), converted as the edit forms convert them."""

    unit = serializers.CharField(
        required=False, max_length=20, help_text="The unit of numbers given for min and max."
    )

    def __init__(self, *, dimension: str, **kwargs):
        super().__init__(source="*", required=False, allow_null=True, **kwargs)
        self.dimension = dimension
        self.ends = dict(zip(("min", "max"), CapabilityRecord.RANGE_FIELDS[dimension], strict=True))
        self.CLEARED = dict.fromkeys(self.ends.values())

    def get_fields(self):
        # min and max carry the model fields of this dimension, so errors of the services
        # (which name those) find their way back to them.
        ends = {
            end: QuantityInputField(source=field, required=False, allow_null=True)
            for end, field in self.ends.items()
        }
        return {**ends, **super().get_fields()}

    def validate(self, attrs):
        unit = attrs.pop("unit", "").strip()
        errors = {}
        for end, field in self.ends.items():
            value = attrs.get(field)
            if value is None:
                continue
            text = value if isinstance(value, str) else repr(value)
            if unit and _is_number(text):
                text = f"{text} {unit}"
            try:
                attrs[field] = parse_quantity(text, self.dimension)
            except DjangoValidationError as error:
                errors[end] = error.messages
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


class OperatingRangesWriteSerializer(serializers.Serializer):
    temperature = OperatingRangeWriteSerializer(dimension="temperature")
    frequency = OperatingRangeWriteSerializer(dimension="frequency")
    wavelength = OperatingRangeWriteSerializer(dimension="wavelength")


class LocationWriteSerializer(GroupSerializer):
    CLEARED = {"city": "", "latitude": None, "longitude": None}

    city = serializers.CharField(required=False, allow_blank=True, max_length=100)
    latitude = serializers.FloatField(required=False, allow_null=True)
    longitude = serializers.FloatField(required=False, allow_null=True)


class LinkWriteSerializer(serializers.Serializer):
    """A link; without a title, the address is its title (as in the edit form)."""

    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    url = WebAddressField(max_length=2000)

    def validate(self, attrs):
        _require(attrs, "url")
        return {"title": attrs.get("title") or attrs["url"], "url": attrs["url"]}


class ParameterWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    value = serializers.CharField(max_length=1000)

    def validate(self, attrs):
        _require(attrs, "name", "value")
        return {"name": attrs["name"], "value": attrs["value"]}


class ReadinessWriteSerializer(serializers.Serializer):
    """A readiness level as the read side names it ({"scale": "trl", "level": 4}), or null."""

    scale = serializers.SlugField(max_length=40)
    level = serializers.IntegerField(min_value=0, max_value=32767)

    def validate(self, attrs):
        _require(attrs, "scale", "level")
        level = ReadinessLevel.objects.filter(
            scale__slug=attrs["scale"], level=attrs["level"]
        ).first()
        if level is None:
            raise serializers.ValidationError(
                {"level": [f"The scale “{attrs['scale']}” has no level {attrs['level']}."]},
                code="does_not_exist",
            )
        return level


class MeasurandRangeWriteSerializer(GroupSerializer):
    CLEARED = {"range_lower": None, "range_upper": None, "range_unit": ""}

    lower = serializers.FloatField(source="range_lower", required=False, allow_null=True)
    upper = serializers.FloatField(source="range_upper", required=False, allow_null=True)
    unit = serializers.CharField(
        source="range_unit", required=False, allow_blank=True, max_length=40
    )


class UncertaintyWriteSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(
        source="uncertainty_mode", choices=UncertaintyMode.choices, required=False
    )
    lower = serializers.FloatField(source="uncertainty_lower", required=False, allow_null=True)
    upper = serializers.FloatField(source="uncertainty_upper", required=False, allow_null=True)
    unit = serializers.CharField(
        source="uncertainty_unit", required=False, allow_blank=True, max_length=40
    )
    equation = serializers.CharField(
        source="uncertainty_equation", required=False, allow_blank=True, max_length=10_000
    )
    table = serializers.CharField(
        source="uncertainty_table", required=False, allow_blank=True, max_length=100_000
    )
    coverage_factor = serializers.DecimalField(
        max_digits=4, decimal_places=2, min_value=1, required=False, allow_null=True
    )
    confidence_level = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=50, max_value=100, required=False, allow_null=True
    )


class RecordWriteSerializer(serializers.ModelSerializer):
    """What testbed, service and contact input share; ``service_kwargs()`` is what the
    services take."""

    institute = UUIDReferenceField(
        queryset=Institute.objects.none(),
        help_text="UUID of the institute that keeps the record (on creation; it never changes).",
    )
    published = serializers.BooleanField(
        required=False, help_text="true publishes a draft, false takes it back to draft."
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The version you edited; needed by PATCH without If-Match (412 when stale).",
    )

    #: The edit form whose choices (the institute's contacts, testbeds) the input may name.
    form_class = None
    #: The institute a new record is for, once the input names one the caller may see.
    named_institute = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["institute"].queryset = Institute.objects.visible_to(request.user)
        if self.instance is not None:
            self.fields["institute"].required = False
            self._limit_choices(self.instance.institute)

    def _limit_choices(self, institute) -> None:
        if self.form_class is None:
            return
        instance = self.instance or self.Meta.model(institute=institute)
        form = self.form_class(institute=institute, instance=instance)
        if "contacts" in self.fields:
            self.fields["contacts"].child_relation.queryset = form.fields["contacts"].queryset
        if "testbed" in self.fields:
            self.fields["testbed"].queryset = form.fields["testbed"].queryset

    def to_internal_value(self, data):
        if self.instance is None and isinstance(data, dict):
            try:
                institute = self.fields["institute"].run_validation(data.get("institute"))
            except (serializers.ValidationError, DjangoValidationError):
                pass  # reported with the other fields
            else:
                self.named_institute = institute
                self._limit_choices(institute)
        return super().to_internal_value(data)

    def validate_institute(self, institute):
        if self.instance is not None and institute != self.instance.institute:
            raise serializers.ValidationError("A record stays with the institute that keeps it.")
        return institute

    def service_kwargs(self) -> dict:
        """The validated input as the services' keyword arguments (without institute, version
        and published, which the view hands over separately)."""
        data = dict(self.validated_data)
        for name in ("institute", "version", "published"):
            data.pop(name, None)
        return data

    @classmethod
    def error_paths(cls) -> dict[str, str]:
        """{model field: where the input carries it}, to name the field of a service's error."""
        paths = {}

        def walk(serializer, prefix):
            for name, field in serializer.fields.items():
                if field.source == "*":
                    walk(field, f"{prefix}{name}.")
                else:
                    paths[field.source] = f"{prefix}{name}"

        walk(cls(), "")
        return paths


class CapabilityRecordWriteSerializer(RecordWriteSerializer):
    technology_areas = serializers.SlugRelatedField(
        many=True,
        required=False,
        slug_field="slug",
        queryset=TechnologyArea.objects.all(),
        help_text="Slugs of technology areas.",
    )
    contacts = UUIDReferenceField(
        many=True,
        required=False,
        queryset=Contact.objects.none(),
        help_text="UUIDs of contacts of the record's institute.",
    )
    access_modes = serializers.ListField(
        child=serializers.ChoiceField(choices=AccessMode.choices), required=False
    )
    audiences = serializers.ListField(
        child=serializers.ChoiceField(choices=Audience.choices), required=False
    )
    operating_ranges = OperatingRangesWriteSerializer(source="*", required=False)

    COMMON_FIELDS = [
        "institute",
        "name",
        "summary",
        "description",
        "technology_areas",
        "access_modes",
        "audiences",
        "si_traceable",
        "status",
        "visibility",
        "published",
        "version",
        "operating_ranges",
        "contacts",
    ]

    def validate_access_modes(self, value):
        return _unique(value)

    def validate_audiences(self, value):
        return _unique(value)

    def validate_technology_areas(self, value):
        return _unique(value)

    def validate_contacts(self, value):
        return _unique(value)


class TestbedWriteSerializer(CapabilityRecordWriteSerializer):
    """A testbed as clients send it."""

    readiness = ReadinessWriteSerializer(required=False, allow_null=True)
    location = LocationWriteSerializer(source="*", required=False, allow_null=True)
    links = serializers.ListField(child=LinkWriteSerializer(), required=False)
    quantities = serializers.ListField(child=serializers.CharField(max_length=100), required=False)

    class Meta:
        model = Testbed
        fields = [
            *CapabilityRecordWriteSerializer.COMMON_FIELDS,
            "quantities",
            "readiness",
            "location",
            "links",
        ]

    form_class = TestbedForm

    def validate_quantities(self, value):
        return _unique(value)


class ServiceWriteSerializer(CapabilityRecordWriteSerializer):
    """A service as clients send it."""

    range = MeasurandRangeWriteSerializer(source="*", required=False, allow_null=True)
    uncertainty = UncertaintyWriteSerializer(source="*", required=False)
    parameters = serializers.ListField(child=ParameterWriteSerializer(), required=False)
    testbed = UUIDReferenceField(
        queryset=Testbed.objects.none(),
        required=False,
        allow_null=True,
        help_text="UUID of a testbed of the same institute the service runs on, or null.",
    )

    class Meta:
        model = Service
        fields = [
            *CapabilityRecordWriteSerializer.COMMON_FIELDS,
            "kind",
            "quantity",
            "range",
            "uncertainty",
            "method",
            "parameters",
            "traceability",
            "lead_time",
            "charging",
            "kcdb_code",
            "testbed",
        ]

    form_class = ServiceForm


class ContactWriteSerializer(RecordWriteSerializer):
    """A contact as clients send it."""

    class Meta:
        model = Contact
        fields = [
            "institute",
            "name",
            "function",
            "email",
            "phone",
            "status",
            "published",
            "version",
        ]


class InstituteWriteSerializer(serializers.ModelSerializer):
    """What an institute's admins change of its profile; verification stays with staff."""

    economy = EconomyField(required=False)
    website = WebAddressField(required=False, allow_blank=True, max_length=200)
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The version you edited; needed without If-Match (412 when stale).",
    )

    class Meta:
        model = Institute
        fields = ["name", "acronym", "kind", "economy", "rmo", "website", "description", "version"]

    def service_kwargs(self) -> dict:
        return {name: value for name, value in self.validated_data.items() if name != "version"}

    @classmethod
    def error_paths(cls) -> dict[str, str]:
        return {}
