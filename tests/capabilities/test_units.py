"""Units as people type them: a unit in the wrong case is answered with the one it most likely
is, and the typographic minus of the SI Brochure (U+2212, and its small and full-width forms)
reads as a minus wherever numbers are read: forms, the search box, the API, imports (every
form's and API write's number field: tests/core/test_numbers.py)."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from capabilities import imports, kcdb
from capabilities.units import parse_quantity, parse_unit, quantities_in_text, unit_suggestion
from nmiq_portal.core.numbers import FloatField
from outputs import benchmarks_samples
from outputs.benchmarks_math import split_quantity
from tests.factories import InstituteFactory, MembershipFactory

MINUS, SMALL_MINUS, FULL_WIDTH_MINUS = "\u2212", "\ufe63", "\uff0d"


@pytest.mark.parametrize(
    ("typed", "dimension", "suggested"),
    [
        ("mk", "temperature", "mK"),
        ("k", "temperature", "K"),
        ("ghz", None, "GHz"),
        ("KHZ", "frequency", "kHz"),
        ("NM", "wavelength", "nm"),
        ("mhz", "frequency", None),  # mHz or MHz: ambiguous, so no guess
        ("zorks", None, None),
        ("mK", "temperature", None),  # already right
    ],
)
def test_a_unit_in_the_wrong_case_suggests_the_one_it_most_likely_is(typed, dimension, suggested):
    assert unit_suggestion(typed, dimension) == suggested


def test_the_suggestion_is_part_of_the_error():
    with pytest.raises(ValidationError) as error:
        parse_quantity("20 mk", "temperature")
    assert error.value.messages == ["mk is not a unit of temperature. Did you mean “mK”?"]
    with pytest.raises(ValidationError) as error:
        parse_unit("ghz")
    assert error.value.messages == ["“ghz” is not a unit we know. Did you mean “GHz”?"]
    with pytest.raises(ValidationError) as error:
        parse_unit("mhz")
    assert "Did you mean" not in error.value.messages[0]


@pytest.mark.parametrize("minus", [MINUS, SMALL_MINUS, FULL_WIDTH_MINUS, "-"])
def test_every_minus_sign_reads_as_a_minus(minus):
    assert parse_quantity(f"{minus}270 °C", "temperature") == pytest.approx(3.15)
    assert parse_quantity(f"1e{minus}3 K", "temperature") == pytest.approx(0.001)
    assert FloatField().clean(f"{minus}4,5") == -4.5


def test_an_en_dash_is_a_range_never_a_sign():
    with pytest.raises(ValidationError):
        parse_quantity("\u2013270 °C", "temperature")
    assert quantities_in_text("1\u2013300 K")[0] == {"temperature": (1.0, 300.0)}


def test_the_search_box_reads_a_typographic_minus():
    ranges, words = quantities_in_text(f"cryostat {MINUS}270 °C")
    assert ranges["temperature"][0] == pytest.approx(3.15)
    assert words == "cryostat"


def test_an_import_reads_a_typographic_minus():
    assert imports._number(f"{MINUS}4,5") == -4.5
    assert kcdb._number(f"{FULL_WIDTH_MINUS}4,5") == -4.5
    assert benchmarks_samples._number(f"{SMALL_MINUS}0.5", row=1, column="value") == -0.5


def test_a_benchmark_value_reads_a_typographic_minus():
    assert split_quantity(f"{MINUS}45.2 µs") == (-45.2, "µs")


@pytest.mark.django_db
def test_the_api_reads_a_typographic_minus():
    home = InstituteFactory()
    api = APIClient()
    api.force_authenticate(MembershipFactory(institute=home).user)
    response = api.post(
        "/api/v1/testbeds/",
        {
            "institute": str(home.uuid),
            "name": "Cryostat",
            "summary": "Cold.",
            "operating_ranges": {"temperature": {"min": f"{MINUS}270 °C", "max": "4 K"}},
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["operating_ranges"]["temperature"]["min"] == pytest.approx(3.15)


@pytest.mark.django_db
def test_the_directory_reads_a_typographic_minus_in_the_search(client):
    response = client.get("/directory/", {"q": f"cryostat {MINUS}270 °C"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "directory-chip" in html
    assert "is not a unit" not in html
