"""Lists page by number (the default) or, on request, by keyset cursor."""

import base64
import json

import pytest
import time_machine

from capabilities import models, services
from nmiq_portal.api.pagination import Keyset
from tests.factories import (
    ContactFactory,
    InstituteFactory,
    ServiceFactory,
    StaffFactory,
    TestbedFactory,
)

pytestmark = pytest.mark.django_db


def _walk(api, url, params=None, key="name"):
    """Every page from ``url`` by following ``next``: the keys in order, and the pages."""
    names, pages = [], []
    response = api.get(url, params or {})
    while True:
        assert response.status_code == 200, response.json()
        body = response.json()
        pages.append(body)
        names += [item[key] for item in body["results"]]
        if not body["next"]:
            return names, pages
        response = api.get(body["next"])


def _names(count, prefix="Testbed"):
    institute = InstituteFactory()
    return [TestbedFactory(institute=institute, name=f"{prefix} {i:02}") for i in range(count)]


def test_page_numbers_stay_the_default_with_a_count(api):
    _names(3)
    body = api.get("/api/v1/testbeds/", {"page_size": 2}).json()
    assert body["count"] == 3
    assert body["next"] == "http://testserver/api/v1/testbeds/?page=2&page_size=2"
    assert [item["name"] for item in body["results"]] == ["Testbed 00", "Testbed 01"]


def test_cursor_pages_walk_the_whole_list_in_order_without_a_count(api):
    _names(7)
    names, pages = _walk(api, "/api/v1/testbeds/", {"pagination": "cursor", "page_size": 3})
    assert names == [f"Testbed {i:02}" for i in range(7)]
    assert [len(page["results"]) for page in pages] == [3, 3, 1]
    assert all("count" not in page for page in pages)
    assert pages[0]["previous"] is None
    assert "cursor=" in pages[0]["next"]
    assert "pagination=" not in pages[0]["next"]


@pytest.mark.parametrize(
    ("url", "sort", "key"),
    [
        ("/api/v1/testbeds/", "name", "name"),
        ("/api/v1/testbeds/", "updated", "name"),
        ("/api/v1/services/", "updated", "name"),
        ("/api/v1/contacts/", "name", "name"),
        ("/api/v1/institutes/", "acronym", "acronym"),
        ("/api/v1/institutes/", "updated", "acronym"),
        ("/api/v1/technology-areas/", "path", "slug"),
        ("/api/v1/technology-areas/", "name", "slug"),
    ],
)
def test_cursor_pages_give_what_page_numbers_give_in_every_sort(api, url, sort, key):
    institute = InstituteFactory()
    for i in range(5):
        # Equal names and equal update times: the primary key breaks ties in both modes.
        with time_machine.travel("2025-03-01 12:00:00+00:00", tick=False):
            TestbedFactory(institute=institute, name=f"Same {i % 2}")
            ServiceFactory(institute=institute, name=f"Same {i % 2}")
            ContactFactory(institute=institute, name=f"Same {i % 2}")
            InstituteFactory()
    by_page, _ = _walk(api, url, {"sort": sort, "page_size": 2}, key)
    by_cursor, _ = _walk(api, url, {"sort": sort, "page_size": 2, "pagination": "cursor"}, key)
    assert by_cursor == by_page
    assert len(by_page) > 2


def test_a_cursor_neither_skips_nor_repeats_when_records_are_added_and_removed(api):
    records = _names(6)
    first = api.get("/api/v1/testbeds/", {"pagination": "cursor", "page_size": 3}).json()
    assert [item["name"] for item in first["results"]] == ["Testbed 00", "Testbed 01", "Testbed 02"]
    # Meanwhile: one record before the cursor, one after it, and one after it retired.
    institute = records[0].institute
    TestbedFactory(institute=institute, name="Testbed 00a")
    TestbedFactory(institute=institute, name="Testbed 03a")
    services.record_retire(actor=StaffFactory(), record=records[4])
    rest, _ = _walk(api, first["next"])
    assert rest == ["Testbed 03", "Testbed 03a", "Testbed 05"]


def test_previous_cursor_walks_back_to_the_first_page(api):
    _names(7)
    page = api.get("/api/v1/testbeds/", {"pagination": "cursor", "page_size": 3}).json()
    while page["next"]:
        page = api.get(page["next"]).json()
    assert [item["name"] for item in page["results"]] == ["Testbed 06"]
    seen = []
    while page["previous"]:
        page = api.get(page["previous"]).json()
        seen.append([item["name"] for item in page["results"]])
    assert seen == [
        ["Testbed 03", "Testbed 04", "Testbed 05"],
        ["Testbed 00", "Testbed 01", "Testbed 02"],
    ]
    # Back at the start, ``next`` goes forwards again.
    again = api.get(page["next"]).json()
    assert [item["name"] for item in again["results"]] == ["Testbed 03", "Testbed 04", "Testbed 05"]


def test_both_modes_give_next_and_previous_as_a_link_header(api):
    _names(5)
    response = api.get("/api/v1/testbeds/", {"page": 2, "page_size": 2})
    assert response["Link"] == (
        '<http://testserver/api/v1/testbeds/?page=3&page_size=2>; rel="next", '
        '<http://testserver/api/v1/testbeds/?page_size=2>; rel="prev"'
    )
    cursor = api.get("/api/v1/testbeds/", {"pagination": "cursor", "page_size": 2})
    assert cursor["Link"] == f'<{cursor.json()["next"]}>; rel="next"'
    last = api.get("/api/v1/testbeds/", {"page_size": 50})
    assert not last.has_header("Link")


def test_cursor_mode_keeps_the_filters(api):
    _names(4, prefix="Cryostat")
    _names(4, prefix="Laser")
    names, _ = _walk(
        api,
        "/api/v1/testbeds/",
        {"pagination": "cursor", "page_size": 3, "q": "laser", "sort": "name"},
    )
    assert names == [f"Laser {i:02}" for i in range(4)]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"pagination": "cursor", "q": "cryostat"}, "pagination"),
        ({"pagination": "cursor", "q": "cryostat", "sort": "relevance"}, "pagination"),
        ({"pagination": "offset"}, "pagination"),
        ({"pagination": ""}, "pagination"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "eyJzIjoiMTIzIn0"}, "cursor"),
        ({"pagination": "cursor", "page": "2"}, "page"),
        ({"pagination": "page", "cursor": "abc"}, "cursor"),
    ],
)
def test_bad_pagination_is_a_problem_naming_the_parameter(api, params, field):
    _names(2, prefix="Cryostat")
    response = api.get("/api/v1/testbeds/", params)
    assert response.status_code == 400, response.json()
    assert response["Content-Type"] == "application/problem+json"
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_a_cursor_is_refused_under_another_sort(api):
    _names(4)
    first = api.get("/api/v1/testbeds/", {"pagination": "cursor", "page_size": 2}).json()
    response = api.get(first["next"].replace("page_size=2", "page_size=2&sort=updated"))
    assert response.status_code == 400
    assert "another sort order" in response.json()["errors"][0]["detail"]


@pytest.mark.parametrize(
    "position",
    [
        '["x"]',
        "[null, 1]",
        '["a\\u0000b", 1]',
        '["a", "not a number"]',
        '["a", 99999999999999999999999]',
    ],
)
def test_a_forged_cursor_is_refused_or_harmless(api, position):
    _names(2)
    signature = Keyset(models.Testbed.objects.order_by("name", "pk")).signature
    raw = f'{{"s":"{signature}","p":{position}}}'.encode()
    token = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    response = api.get("/api/v1/testbeds/", {"cursor": token})
    assert response.status_code in (200, 400), response.content
    assert json.loads(response.content)


def test_schema_documents_both_page_shapes_and_the_parameters(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path in (
        "/api/v1/institutes/",
        "/api/v1/testbeds/",
        "/api/v1/services/",
        "/api/v1/contacts/",
        "/api/v1/technology-areas/",
    ):
        operation = schema["paths"][path]["get"]
        names = {parameter["name"] for parameter in operation["parameters"]}
        assert {"page", "page_size", "pagination", "cursor", "sort", "fields"} <= names, path
        ok = operation["responses"]["200"]
        assert "Link" in ok["headers"]
        ref = ok["content"]["application/json"]["schema"]["$ref"].rpartition("/")[2]
        page, cursor = schema["components"]["schemas"][ref]["anyOf"]
        assert "count" in page["required"]
        assert "count" not in cursor["properties"]
        assert {"404", "400"} <= set(operation["responses"]), "no such page; invalid cursor"


@pytest.mark.parametrize("value", ["", "0", "abc", "2.5"])
def test_a_page_that_is_not_a_number_is_not_found(api, value):
    response = api.get("/api/v1/testbeds/", {"page": value})
    assert response.status_code == 404


@pytest.mark.parametrize("value", ["", "0", "-1", "abc", "null", "2.5", "١٢"])
def test_page_size_must_be_a_whole_number_from_one(api, value):
    response = api.get("/api/v1/testbeds/", {"page_size": value})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "page_size"


def test_page_size_above_the_maximum_gives_the_maximum(api):
    response = api.get("/api/v1/technology-areas/", {"page_size": 100000})
    assert response.status_code == 200
    assert len(response.json()["results"]) == min(200, response.json()["count"])
