"""The KCDB's service taxonomy on services: the directory's facets, the API's filters and the
service page."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from capabilities import selectors
from tests.factories import ServiceFactory
from tests.support import shared_data

ANYONE = AnonymousUser()
SERVICES = "/api/v1/services/"


@pytest.fixture(scope="module")
def catalogue(django_db_setup, django_db_blocker):
    """Three published services from NRC Canada's KCDB rows (two branches, two areas)."""
    with shared_data(django_db_blocker):
        yield {
            "hv": ServiceFactory(
                name="Capacitance and dissipation factor",
                published=True,
                kcdb_code="SIM-EM-CA-000008LY-1",
                metrology_area="EM",
                branch="High voltage and current",
                kcdb_service="High voltage and current",
                sub_service="High voltage impedance",
                individual_service="Capacitance and dissipation factor",
                instrument="HV capacitor: dissipation factor D",
                instrument_method="Ratio measurement against standard: in-house and on site",
            ),
            "dc": ServiceFactory(
                name="DC current ratio",
                published=True,
                metrology_area="EM",
                branch="DC voltage, current and resistance",
                kcdb_service="DC current",
            ),
            "lamp": ServiceFactory(
                name="Tungsten source",
                published=True,
                metrology_area="PR",
                branch="Photometry",
                kcdb_service="Photometry",
            ),
        }


def facet(facets, key):
    return {value.value: value.count for value in next(f for f in facets if f.key == key).values}


@pytest.mark.django_db
def test_directory_facets_count_areas_branches_and_services(catalogue):
    facets = selectors.directory_search(user=ANYONE, params={"type": ["service"]}).facets
    assert facet(facets, "metrology_area") == {"EM": 2, "PR": 1}
    assert facet(facets, "branch") == {
        "High voltage and current": 1,
        "DC voltage, current and resistance": 1,
        "Photometry": 1,
    }
    assert facet(facets, "kcdb_service")["Photometry"] == 1


@pytest.mark.django_db
def test_choosing_a_branch_finds_only_its_services(catalogue):
    matches = selectors.directory_matches(user=ANYONE, params={"branch": ["Photometry"]})
    assert list(matches["service"].values_list("name", flat=True)) == ["Tungsten source"]
    assert not matches["testbed"].exists(), "a KCDB filter is for services only"


@pytest.mark.django_db
def test_directory_page_offers_the_area_facet_with_its_label(client, catalogue):
    page = client.get(reverse("capabilities:directory"), {"type": "service"}).content.decode()
    assert 'name="metrology_area" value="EM"' in page
    assert "Electricity and magnetism" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"metrology_area": "EM"}, {"Capacitance and dissipation factor", "DC current ratio"}),
        ({"branch": "Photometry"}, {"Tungsten source"}),
        ({"kcdb_service": "DC current"}, {"DC current ratio"}),
        ({"metrology_area": ["EM", "PR"], "branch": "Photometry"}, {"Tungsten source"}),
    ],
)
def test_api_filters_services_by_the_kcdb_taxonomy(client, catalogue, params, expected):
    response = client.get(SERVICES, params)
    assert response.status_code == 200
    assert {item["name"] for item in response.json()["results"]} == expected


@pytest.mark.django_db
def test_api_refuses_an_unknown_metrology_area(client, catalogue):
    assert client.get(SERVICES, {"metrology_area": "XX"}).status_code == 400


@pytest.mark.django_db
def test_api_and_page_show_the_taxonomy_instrument_and_method(client, catalogue):
    hv = catalogue["hv"]
    item = client.get(f"{SERVICES}{hv.uuid}/").json()
    assert (item["metrology_area"], item["branch"], item["sub_service"]) == (
        "EM",
        "High voltage and current",
        "High voltage impedance",
    )
    assert item["instrument"] == "HV capacitor: dissipation factor D"
    page = client.get(hv.get_absolute_url()).content.decode()
    assert "Ratio measurement against standard: in-house and on site" in page
    assert "High voltage and current \u203a High voltage impedance" in page
