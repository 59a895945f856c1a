"""What clients send to change institutes and the directory: validated here, then handed to
the services."""

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django_countries import countries
from drf_spectacular.utils import extend_schema_field

from nmiq_portal.api import serializers
from nmiq_portal.core.numbers import plain_number

from ...enums import AccessMode, Audience, UncertaintyMode
from ...forms import ServiceForm, TestbedForm
from ...models import (
    CapabilityRecord,
    Contact,
    Institute,
    ReadinessLevel,
    Service,
    TechnologyArea,
    Testbed,
)
from ...units import parse_quantity

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
        float(plain_number(text))
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
            "instrument",
            "instrument_method",
            "parameters",
            "traceability",
            "lead_time",
            "charging",
            "kcdb_code",
            "metrology_area",
            "branch",
            "kcdb_service",
            "sub_service",
            "individual_service",
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
