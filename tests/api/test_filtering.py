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
@pytest.mark.parametrize("value", ["yes", "null", "2", ""])
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
