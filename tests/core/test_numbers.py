"""Every number field of every form and every API write reads the typographic minus (U+2212,
as the SI Brochure prints it, and its small and full-width forms): one set of fields in the
core (``nmiq_portal.core.numbers``, ``nmiq_portal.api.serializers``), which this walk holds."""

import importlib
import pkgutil
from decimal import Decimal

import pytest
from django import forms
from rest_framework import serializers

from nmiq_portal.core.numbers import DecimalField, FloatField, IntegerField

APPS = ("capabilities", "collaborations", "outputs", "nmiq_portal")
MINUS_SIGNS = ("\u2212", "\ufe63", "\uff0d")
NUMBER_FIELDS = (forms.FloatField, forms.DecimalField, forms.IntegerField)
API_NUMBER_FIELDS = (serializers.FloatField, serializers.DecimalField, serializers.IntegerField)


def _import_every_module():
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" not in module.name and ".management" not in module.name:
                importlib.import_module(module.name)


def _subclasses(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


def _ours(cls) -> bool:
    return cls.__module__.split(".")[0] in APPS


def form_number_fields():
    _import_every_module()
    found = {}
    for form in _subclasses(forms.BaseForm):
        if _ours(form) and hasattr(form, "base_fields"):
            for name, field in form.base_fields.items():
                if isinstance(field, NUMBER_FIELDS):
                    found[f"{form.__module__}.{form.__name__}.{name}"] = field
    return found


def _nested_number_fields(serializer, path):
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.ListSerializer):
            field = field.child
        if isinstance(field, serializers.Serializer):
            yield from _nested_number_fields(field, f"{path}.{name}")
        elif isinstance(field, API_NUMBER_FIELDS) and not field.read_only:
            yield f"{path}.{name}", field


def api_number_fields():
    """The numbers of every write serializer (``…Write…``), nested groups included; an
    abstract base (no Meta) or a group that needs arguments is reached through its users."""
    _import_every_module()
    found = {}
    for serializer in _subclasses(serializers.Serializer):
        if not (_ours(serializer) and "Write" in serializer.__name__):
            continue
        if issubclass(serializer, serializers.ModelSerializer) and not hasattr(serializer, "Meta"):
            continue
        try:
            instance = serializer()
        except TypeError:
            continue
        path = f"{serializer.__module__}.{serializer.__name__}"
        found.update(_nested_number_fields(instance, path))
    return found


FORM_FIELDS = form_number_fields()
API_FIELDS = api_number_fields()


def _negative_allowed(field) -> bool:
    return field.min_value is None or field.min_value < 0


def test_the_walk_finds_the_numbers_people_type():
    """The fields the issue names are among those walked, so the walk is not vacuous."""
    walked = " ".join([*FORM_FIELDS, *API_FIELDS])
    for name in (
        "TestbedForm.latitude",
        "ServiceForm.range_lower",
        "ServiceForm.uncertainty_upper",
        "comparisons.ResultForm.value",
        "ComparisonForm.reference_value",
        "benchmarks.ResultForm.coverage_factor",
        "TestbedWriteSerializer.location.latitude",
        "ServiceWriteSerializer.range.lower",
        "ComparisonWriteSerializer.reference_value",
    ):
        assert name in walked, name


@pytest.mark.parametrize("name", sorted(FORM_FIELDS))
def test_every_form_number_reads_the_typographic_minus(name):
    field = FORM_FIELDS[name]
    assert isinstance(field, DecimalField | FloatField | IntegerField), (
        f"{name} is a {type(field).__name__}: use nmiq_portal.core.numbers"
    )
    assert not isinstance(field.widget, forms.NumberInput), "a number box refuses the sign"
    for minus in MINUS_SIGNS:
        assert field.to_python(f"{minus}1") == -1
        if _negative_allowed(field):
            assert field.clean(f"{minus}1") == -1
        else:
            with pytest.raises(forms.ValidationError) as refused:
                field.clean(f"{minus}1")
            codes = [error.code for error in refused.value.error_list]
            assert codes == ["min_value"], "refused for its sign, not as no number"


@pytest.mark.parametrize("name", sorted(API_FIELDS))
def test_every_api_number_reads_the_typographic_minus(name):
    field = API_FIELDS[name]
    for minus in MINUS_SIGNS:
        if field.min_value is None or field.min_value < 0:
            assert field.run_validation(f"{minus}1") == -1
        else:
            with pytest.raises(serializers.ValidationError) as refused:
                field.run_validation(f"{minus}1")
            assert refused.value.get_codes() == ["min_value"]


def test_a_comma_is_a_decimal_point_except_in_whole_numbers():
    assert IntegerField().clean("\u22121000") == -1000
    with pytest.raises(forms.ValidationError):
        IntegerField().clean("1,5")  # never read as 15 or 1
    assert FloatField().clean("\u22124,5") == -4.5
    assert DecimalField(decimal_places=1).clean("\u22124,5") == Decimal("-4.5")
