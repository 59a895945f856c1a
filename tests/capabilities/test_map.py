"""The directory map: a marker per visible testbed with a location; works without tiles."""

import json

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from capabilities import services
from capabilities.enums import Visibility
from tests.factories import (
    InstituteFactory,
    MembershipFactory,
    ServiceFactory,
    StaffFactory,
    TestbedFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MAP_URL = reverse("capabilities:directory_map")
DATA_URL = reverse("capabilities:directory_map_data")
HERE = {"latitude": 52.29, "longitude": 10.46}


def features(client, query=None) -> dict[str, dict]:
    response = client.get(DATA_URL, query or {})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    return {feature["properties"]["name"]: feature for feature in data["features"]}


@pytest.fixture
def testbeds():
    institute = InstituteFactory(acronym="PTB")
    return {
        "public": TestbedFactory(institute=institute, name="public", city="Braunschweig", **HERE),
        "no location": TestbedFactory(institute=institute, name="no location"),
        "members": TestbedFactory(
            institute=institute, name="members", visibility=Visibility.MEMBERS, **HERE
        ),
        "institute": TestbedFactory(
            institute=institute, name="institute", visibility=Visibility.INSTITUTE, **HERE
        ),
        "draft": TestbedFactory(institute=institute, name="draft", published=False, **HERE),
        "retired": services.record_retire(
            actor=StaffFactory(), record=TestbedFactory(institute=institute, name="retired", **HERE)
        ),
        "unverified": TestbedFactory(
            institute=InstituteFactory(verified=False), name="unverified", **HERE
        ),
    }


def test_map_data_is_geojson_of_public_testbeds_with_a_location(client, testbeds):
    found = features(client)
    assert set(found) == {"public"}
    feature = found["public"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [10.46, 52.29]}
    assert feature["properties"]["url"] == testbeds["public"].get_absolute_url()
    assert feature["properties"]["institute"] == "PTB"
    assert feature["properties"]["city"] == "Braunschweig"


@pytest.mark.parametrize(
    ("viewer", "shown"),
    [
        ("plain user", {"public"}),
        ("member of another verified institute", {"public", "members"}),
        ("member of the institute", {"public", "members", "institute", "draft", "retired"}),
    ],
)
def test_map_data_honours_visibility(client, testbeds, viewer, shown):
    if viewer == "plain user":
        client.force_login(UserFactory())
    elif viewer == "member of another verified institute":
        client.force_login(MembershipFactory().user)
    else:
        client.force_login(MembershipFactory(institute=testbeds["public"].institute).user)
    assert set(features(client)) == shown


def test_map_data_honours_the_search_params(client, testbeds):
    TestbedFactory(
        institute=InstituteFactory(economy="FR"), name="elsewhere", latitude=48.8, longitude=2.3
    )
    assert set(features(client, {"economy": "FR"})) == {"elsewhere"}
    assert set(features(client, {"institute": "ptb"})) == {"public"}
    assert set(features(client, {"type": "institute"})) == set()


def test_map_page_lists_the_same_testbeds_without_javascript(client, testbeds):
    response = client.get(MAP_URL, {"economy": "DE"})
    page = response.content.decode()
    assert response.status_code == 200
    assert testbeds["public"].get_absolute_url() in page
    for hidden in ("members", "institute", "draft", "retired", "unverified", "no location"):
        assert testbeds[hidden].get_absolute_url() not in page
    assert f'data-source="{DATA_URL}?economy=DE"' in page
    assert "vendor/leaflet/leaflet.js" in page
    assert "js/map.js" in page
    assert "hidden" in page.split("data-directory-map")[0].rsplit("<div", 1)[1], (
        "the map stays hidden until its script runs"
    )


def test_leaflet_and_its_cluster_plugin_are_served_from_our_static_files(client):
    for name in ("leaflet.js", "leaflet.css", "images/marker-icon.png", "images/marker-shadow.png"):
        assert finders.find(f"vendor/leaflet/{name}"), name
    for name in ("leaflet.markercluster.js", "MarkerCluster.css", "MarkerCluster.Default.css"):
        assert finders.find(f"vendor/leaflet.markercluster/{name}"), name
    assert finders.find("js/map.js")
    page = client.get(MAP_URL).content.decode()
    assert "vendor/leaflet.markercluster/leaflet.markercluster.js" in page
    assert "//unpkg" not in page
    assert "cdn" not in page.lower()


def test_the_tile_server_is_a_setting_allowed_by_the_csp_of_the_map_only(client, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© Example tiles"
    response = client.get(MAP_URL)
    assert 'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"' in response.content.decode()
    assert "© Example tiles" in response.content.decode()
    img_src = next(
        part for part in response["Content-Security-Policy"].split(";") if "img-src" in part
    )
    assert "https://tiles.example.org" in img_src
    other = client.get(reverse("capabilities:institute_list"))
    assert "tiles.example.org" not in other["Content-Security-Policy"]


def test_without_a_tile_server_the_map_has_no_tiles_and_no_extra_csp(client, settings):
    settings.MAP_TILE_URL = ""
    response = client.get(MAP_URL)
    assert response.status_code == 200
    assert 'data-tile-url=""' in response.content.decode()
    img_src = next(
        part for part in response["Content-Security-Policy"].split(";") if "img-src" in part
    )
    assert img_src.split() == ["img-src", "'self'", "data:"]


def test_subdomain_tile_servers_are_allowed_by_wildcard(client, settings):
    settings.MAP_TILE_URL = "https://{s}.tile.example.org/{z}/{x}/{y}.png"
    assert "https://*.tile.example.org" in client.get(MAP_URL)["Content-Security-Policy"]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [MAP_URL, DATA_URL])
def test_map_makes_the_same_number_of_queries_at_two_sizes(client, url):
    small, large = InstituteFactory(economy="FR"), InstituteFactory(economy="JP")
    ServiceFactory(institute=small, testbed=TestbedFactory(institute=small, **HERE))
    for _ in range(6):
        site = TestbedFactory(institute=large, **HERE)
        ServiceFactory(institute=large, testbed=site)
        ServiceFactory(institute=large)
    assert _queries(client, f"{url}?economy=FR") == _queries(client, f"{url}?economy=JP")


def test_input_the_search_cannot_use_is_no_500(client, testbeds):
    assert client.get(DATA_URL, {"temperature_min": "hot"}).status_code == 200
    assert client.get(MAP_URL, {"temperature_min": "hot", "area": "nope"}).status_code == 200


# --- Services, placed at their testbed ----------------------------------------------------------


@pytest.fixture
def services_and_sites(testbeds):
    institute = testbeds["public"].institute
    return {
        "at public": ServiceFactory(
            institute=institute, name="at public", testbed=testbeds["public"]
        ),
        "at members": ServiceFactory(
            institute=institute, name="at members", testbed=testbeds["members"]
        ),
        "nowhere": ServiceFactory(institute=institute, name="nowhere"),
        "hidden": ServiceFactory(
            institute=institute,
            name="hidden",
            testbed=testbeds["public"],
            visibility=Visibility.MEMBERS,
        ),
    }


def test_a_service_appears_at_its_testbeds_location(client, testbeds, services_and_sites):
    found = features(client)
    assert set(found) == {"public", "at public"}
    service = found["at public"]
    assert service["geometry"] == found["public"]["geometry"], "the same site: one cluster"
    assert service["properties"]["kind"] == "service"
    assert service["properties"]["testbed"] == "public"
    assert service["properties"]["url"] == services_and_sites["at public"].get_absolute_url()
    assert found["public"]["properties"]["kind"] == "testbed"


def test_a_members_only_testbeds_marker_never_shows_to_anyone_anonymous(
    client, testbeds, services_and_sites
):
    anonymous = features(client)
    assert "members" not in anonymous
    assert "at members" not in anonymous, "a public service must not reveal a hidden site"
    page = client.get(MAP_URL).content.decode()
    assert testbeds["members"].get_absolute_url() not in page
    client.force_login(MembershipFactory().user)
    assert {"members", "at members", "hidden"} <= set(features(client))


def test_the_caption_counts_what_has_a_location_and_what_has_not(
    client, testbeds, services_and_sites
):
    page = client.get(MAP_URL).content.decode()
    # Anonymous: "public" and "at public" are placed; "no location", "at members" (its site is
    # hidden) and "nowhere" are found without a place.
    caption = page.split('data-testid="map-caption">', 1)[1].split("</span>", 1)[0]
    assert caption == (
        "1 testbed and 1 service with a location match this search. "
        "3 without one are listed in the directory only."
    )
