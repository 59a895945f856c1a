"""Every list filters with its FilterSet and searches with ``q``; unreadable values are 400."""

import pytest

from tests.factories import InstituteFactory, TestbedFactory

pytestmark = pytest.mark.django_db

LISTS = ["institutes", "testbeds", "services", "contacts", "technology-areas"]


def test_every_list_documents_a_search_and_its_filters(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    expected = {
        "institutes": {"q", "kind", "economy", "rmo"},
        "testbeds": {"q", "area", "institute", "status", "si", "has_evidence", "temperature_min"},
        "services": {"q", "area", "institute", "kind", "si", "has_evidence", "frequency_max"},
        "contacts": {"q", "institute"},
        "technology-areas": {"q", "parent", "area", "root"},
    }
    for kind in LISTS:
        operation = schema["paths"][f"/api/v1/{kind}/"]["get"]
        names = {parameter["name"] for parameter in operation["parameters"]}
        assert expected[kind] <= names, kind


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/api/v1/testbeds/", "si"),
        ("/api/v1/services/", "si"),
        ("/api/v1/technology-areas/", "root"),
    ],
)
@pytest.mark.parametrize("value", ["yes", "null", "2"])
def test_a_boolean_filter_refuses_what_it_cannot_read(api, url, param, value):
    response = api.get(url, {param: value})
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["field"] == param


@pytest.mark.parametrize(("value", "count"), [("true", 1), ("True", 1), ("1", 1), ("0", 1)])
def test_a_boolean_filter_reads_true_and_false(api, value, count):
    institute = InstituteFactory()
    TestbedFactory(institute=institute, si_traceable=True)
    TestbedFactory(institute=institute, si_traceable=False)
    response = api.get("/api/v1/testbeds/", {"si": value})
    assert response.status_code == 200
    assert response.json()["count"] == count


LIST_URLS = [
    "/api/v1/institutes/",
    "/api/v1/testbeds/",
    "/api/v1/services/",
    "/api/v1/contacts/",
    "/api/v1/technology-areas/",
    "/api/v1/twas/",
    "/api/v1/projects/",
    "/api/v1/guides/",
    "/api/v1/comparisons/",
    "/api/v1/terms/",
    "/api/v1/benchmarks/",
    "/api/v1/results/",
]


def _filters(api, url):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"][url]["get"]
    return [p["name"] for p in operation["parameters"] if p["in"] == "query"]


#: Not filters: the paginator's, the order's and the fields' own parameters.
NOT_FILTERS = {"cursor", "pagination", "page", "page_size", "sort", "fields"}


@pytest.mark.parametrize("url", LIST_URLS)
def test_an_empty_value_is_no_filter_as_on_the_pages(api, url):
    institute = InstituteFactory()
    TestbedFactory(institute=institute, si_traceable=True, published=True)
    unfiltered = api.get(url).json()["count"]
    names = [name for name in _filters(api, url) if name not in NOT_FILTERS]
    response = api.get(url, {name: "" for name in names})
    assert response.status_code == 200, response.json()
    assert response.json()["count"] == unfiltered
    assert api.get(url, {names[0]: ["", "  "]}).status_code == 200


@pytest.mark.parametrize("url", LIST_URLS)
def test_every_documented_parameter_is_accepted_and_an_unknown_one_is_named(api, url):
    for name in _filters(api, url):
        response = api.get(url, {name: ""} if name not in NOT_FILTERS else {})
        assert response.status_code == 200, (name, response.json())
    response = api.get(url, {"institue": "npl"})
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["field"] == "institue"
    assert "Unknown parameter" in error["detail"]


def test_a_detail_refuses_an_unknown_parameter_too(api):
    testbed = TestbedFactory(published=True)
    url = f"/api/v1/testbeds/{testbed.uuid}/"
    assert api.get(url, {"fields": "name"}).status_code == 200
    assert api.get(url, {"expand": "institute"}).status_code == 400
