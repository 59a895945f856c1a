"""The kept choice labels read as Django's own displays do, in each language."""

import pytest
from django.utils import translation
from django_countries.fields import Country

from capabilities import formatting
from capabilities.enums import AccessMode, Visibility
from capabilities.models import Service, Testbed


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize(
    ("model", "name"),
    [(Testbed, "status"), (Service, "status"), (Service, "kind"), (Service, "charging")],
)
def test_field_labels_are_djangos_displays(language, model, name):
    with translation.override(language):
        for value, _label in model._meta.get_field(name).flatchoices:
            record = model(**{name: value})
            assert formatting.field_label(record, name) == getattr(record, f"get_{name}_display")()


def test_enum_and_country_labels_follow_the_language():
    with translation.override("fr"):
        assert formatting.label(Visibility, Visibility.MEMBERS) == str(Visibility.MEMBERS.label)
        assert formatting.label(AccessMode, "not-a-mode") == "not-a-mode"
        assert formatting.country_name(Country("DE")) == "Allemagne"
    with translation.override("en"):
        assert formatting.country_name(Country("DE")) == "Germany"
