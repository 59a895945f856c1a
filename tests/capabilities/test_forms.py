"""The editing forms: quantities with units, lines of links and parameters, the institute's own
choices. Forms validate and show back; the services save (see test_editing.py)."""

import pytest
from django.core.exceptions import ValidationError

from capabilities import forms, models, services
from capabilities.fields import QuantityField, format_quantity
from capabilities.forms import (
    ContactForm,
    InstituteEditForm,
    LinksField,
    ParametersField,
    ServiceForm,
)
from capabilities.models import Contact, Service, TechnologyArea
from tests.factories import (
    ContactFactory,
    InstituteFactory,
    ServiceFactory,
    StaffFactory,
    TestbedFactory,
)

pytestmark = pytest.mark.django_db

FORMS = [(forms.TestbedForm, models.Testbed), (ServiceForm, Service), (ContactForm, Contact)]


@pytest.mark.parametrize(
    ("dimension", "typed", "stored"),
    [
        ("temperature", "20 mK", 0.02),
        ("temperature", "4.2 K", 4.2),
        ("temperature", "-270 °C", 3.15),
        ("temperature", "300", 300),
        ("frequency", "2 GHz", 2e9),
        ("frequency", "193.4 THz", 193.4e12),
        ("wavelength", "1550 nm", 1550),
        ("wavelength", "1.55 µm", 1550),
        ("wavelength", "1.55 μm", 1550),  # Greek mu, as phones type it
        ("wavelength", "1,55 um", 1550),
    ],
)
def test_quantities_typed_with_units_are_stored_in_the_directory_unit(dimension, typed, stored):
    assert QuantityField(dimension=dimension).clean(typed) == pytest.approx(stored)


def test_an_empty_quantity_is_none():
    assert QuantityField(dimension="temperature").clean("  ") is None


@pytest.mark.parametrize(
    ("dimension", "typed", "message"),
    [
        ("temperature", "20 xyz", "“xyz” is not a unit we know."),
        ("frequency", "20 mK", "mK is not a unit of frequency."),
        ("wavelength", "2 GHz", "GHz is not a unit of wavelength."),
        ("temperature", "very cold", "Write a number and a unit, such as “20 mK”."),
    ],
)
def test_bad_quantities_say_why(dimension, typed, message):
    with pytest.raises(ValidationError) as refused:
        QuantityField(dimension=dimension).clean(typed)
    assert refused.value.messages == [message]


@pytest.mark.parametrize(
    ("dimension", "stored", "shown"),
    [
        ("temperature", 0.02, "20 mK"),
        ("temperature", 4.2, "4.2 K"),
        ("temperature", 300, "300 K"),
        ("temperature", 0, "0 K"),
        ("frequency", 2e9, "2 GHz"),
        ("frequency", 5e3, "5 kHz"),
        ("wavelength", 1550, "1550 nm"),
        ("wavelength", 10600, "10.6 µm"),
    ],
)
def test_stored_values_are_shown_back_in_a_sensible_unit(dimension, stored, shown):
    assert format_quantity(stored, dimension) == shown
    assert QuantityField(dimension=dimension).clean(shown) == pytest.approx(stored)


def test_links_are_lines_of_title_and_url():
    field = LinksField()
    typed = "Paper | doi.org/10.1000/1\n\nhttps://ptb.de/cryo\n"
    links = field.clean(typed)
    assert links == [
        {"title": "Paper", "url": "https://doi.org/10.1000/1"},
        {"title": "https://ptb.de/cryo", "url": "https://ptb.de/cryo"},
    ]
    assert field.prepare_value(links) == (
        "Paper | https://doi.org/10.1000/1\nhttps://ptb.de/cryo | https://ptb.de/cryo"
    )


def test_a_bad_link_names_its_line():
    with pytest.raises(ValidationError) as refused:
        LinksField().clean("Good | https://ptb.de\nBad | not a url")
    assert refused.value.messages == ["Line 2: Enter a valid URL."]


def test_parameters_are_lines_of_name_and_value():
    field = ParametersField()
    assert field.clean("wavelength: 1550 nm\nfibre:  SMF-28") == [
        {"name": "wavelength", "value": "1550 nm"},
        {"name": "fibre", "value": "SMF-28"},
    ]
    with pytest.raises(ValidationError) as refused:
        field.clean("just words")
    assert refused.value.messages == ["Line 1: write it as “name: value”."]


def _bound(form_class, data, *, institute, instance=None):
    return form_class(data, institute=institute, instance=instance)


def test_testbed_form_cleans_to_what_the_service_takes():
    institute = InstituteFactory()
    area = TechnologyArea.objects.get(slug="cryogenics")
    form = _bound(
        forms.TestbedForm,
        {
            "name": "Cryostat",
            "status": "operational",
            "visibility": "members",
            "quantities": "attenuation, T1, attenuation",
            "access_modes": ["remote", "on_site"],
            "technology_areas": [area.pk],
            "temperature_min_k": "10 mK",
        },
        institute=institute,
        instance=models.Testbed(institute=institute),
    )
    assert form.is_valid(), form.errors
    data = form.record_data()
    assert set(data) <= {*services.TESTBED_FIELDS, *services.RELATIONS}
    assert data["quantities"] == ["attenuation", "T1"]
    assert data["access_modes"] == ["remote", "on_site"]
    assert data["temperature_min_k"] == pytest.approx(0.01)
    assert list(data["technology_areas"]) == [area]
    assert "version" not in data
    record = services.record_create(
        actor=StaffFactory(), model=models.Testbed, institute=institute, **data
    )
    assert record.temperature_min_k == pytest.approx(0.01)


@pytest.mark.parametrize(("form_class", "model"), FORMS)
def test_every_field_is_on_the_page(form_class, model):
    """A field the page left out would be saved blank on every edit."""
    institute = InstituteFactory()
    form = form_class(institute=institute, instance=model(institute=institute))
    shown = {field.name for _heading, fields, _columns in form.grouped() for field in fields}
    assert shown == {field.name for field in form.visible_fields()}


@pytest.mark.parametrize(("form_class", "model"), FORMS)
def test_version_is_hidden_and_required_when_editing(form_class, model):
    institute = InstituteFactory()
    factory = {models.Testbed: TestbedFactory, Service: ServiceFactory, Contact: ContactFactory}
    record = factory[model](institute=institute)
    editing = form_class(institute=institute, instance=record)
    assert editing["version"].is_hidden
    assert editing.fields["version"].required
    assert editing["version"].value() == record.version
    creating = form_class(institute=institute, instance=model(institute=institute))
    assert not creating.fields["version"].required


@pytest.mark.parametrize("form_class", [forms.TestbedForm, ServiceForm])
def test_status_choices_leave_out_retired(form_class):
    institute = InstituteFactory()
    form = form_class(institute=institute, instance=form_class._meta.model(institute=institute))
    assert "retired" not in dict(form.fields["status"].choices)


def test_a_retired_record_keeps_its_status_when_edited():
    testbed = TestbedFactory()
    services.record_retire(actor=StaffFactory(), record=testbed)
    testbed.refresh_from_db()
    form = forms.TestbedForm(institute=testbed.institute, instance=testbed)
    assert "status" not in form.fields


def test_choices_are_the_institutes_own_contacts_and_testbeds():
    institute, other = InstituteFactory(), InstituteFactory()
    ours, theirs = ContactFactory(institute=institute), ContactFactory(institute=other)
    retired = ContactFactory(institute=institute)
    services.record_retire(actor=StaffFactory(), record=retired)
    our_testbed, their_testbed = (
        TestbedFactory(institute=institute),
        TestbedFactory(institute=other),
    )
    form = ServiceForm(institute=institute, instance=Service(institute=institute))
    assert list(form.fields["contacts"].queryset) == [ours]
    assert list(form.fields["testbed"].queryset) == [our_testbed]
    assert theirs not in form.fields["contacts"].queryset
    assert their_testbed not in form.fields["testbed"].queryset


def test_a_retired_contact_already_linked_stays_a_choice():
    institute = InstituteFactory()
    contact = ContactFactory(institute=institute)
    testbed = TestbedFactory(institute=institute, contacts=[contact])
    services.record_retire(actor=StaffFactory(), record=contact)
    form = forms.TestbedForm(institute=institute, instance=testbed)
    assert list(form.fields["contacts"].queryset) == [contact]


def test_technology_areas_come_in_tree_order():
    institute = InstituteFactory()
    form = forms.TestbedForm(institute=institute, instance=models.Testbed(institute=institute))
    paths = [area.path for area in form.fields["technology_areas"].queryset]
    assert paths == sorted(paths)
    assert any("/" in path for path in paths), "children follow their parent"


def test_readiness_levels_are_grouped_by_scale():
    institute = InstituteFactory()
    form = forms.TestbedForm(institute=institute, instance=models.Testbed(institute=institute))
    groups = dict(form.fields["readiness"].choices[1:])
    assert set(groups) == {
        "Technology readiness level (TRL)",
        "Standardisation readiness level (SRL)",
    }
    assert len(groups["Technology readiness level (TRL)"]) == 9


def test_institute_form_carries_the_version():
    institute = InstituteFactory()
    form = InstituteEditForm(instance=institute)
    assert form["version"].value() == institute.version
    data = {
        "name": institute.name,
        "acronym": institute.acronym,
        "kind": "nmi",
        "economy": "DE",
        "rmo": "EURAMET",
        "website": "ptb.de",
        "version": institute.version,
    }
    form = InstituteEditForm(data, instance=institute)
    assert form.is_valid(), form.errors
    assert form.institute_data()["website"] == "https://ptb.de"
    assert "version" not in form.institute_data()
