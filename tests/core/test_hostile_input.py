"""Hostile query parameters on every URL pattern (NUL, overlong, overflowing numbers, odd
Unicode): a 400 or a page, never a server error. The API's schema is fuzzed apart
(tests/api/test_schemathesis.py); this walks what the schema does not describe, the pages."""

from urllib.parse import urlencode

import django_filters
import pytest
from django.urls import get_resolver

from tests.core.test_urls import ROUTES, concrete, objects  # noqa: F401 (objects: a fixture)

pytestmark = pytest.mark.django_db


def _filtersets(cls=django_filters.FilterSet):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _filtersets(subclass)


#: Every filter a FilterSet reads, and the parameters pages and endpoints read by hand.
PARAMETERS = sorted(
    {name for filterset in _filtersets() for name in filterset.base_filters}
    | {"page", "page_size", "sort", "type", "box", "only", "filter", "fields", "format"}
    | {"after", "limit", "types", "cursor", "next", "unit", "lat", "lon", "bbox", "zoom"}
)

HOSTILE = {
    "nul": "a\x00b",
    "overlong": "x" * 20_000,
    "overflowing number": "1e999",
    "overflowing number with a unit": "1e999 K",
    "negative overflow": "-1e999 Hz",
    "huge integer": "9" * 400,
    "not a number": "NaN",
    "odd unicode": "\u202e\ufeff\u0301\U0001d518\U0001f600\ufffd\u00a0",
    "quotes and wildcards": "'\"%_\\*):(|&!",
}


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("route", ROUTES)
def test_hostile_query_parameters_never_meet_a_server_error(client, objects, route, value):  # noqa: F811
    url = concrete(route, objects)
    query = urlencode({name: value for name in PARAMETERS})
    response = client.get(f"{url}?{query}")
    assert response.status_code < 500, url


@pytest.mark.parametrize("name", ["q", "\x00"])
def test_a_nul_anywhere_in_the_query_is_a_400(client, name):
    response = client.get("/search/", {name: "a\x00b" if name == "q" else "x"})
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_a_nul_in_an_api_query_is_a_problem(client):
    response = client.get("/api/v1/testbeds/", {"q": "\x00"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "NUL" in response.json()["detail"]


def test_the_walk_sets_the_parameters_of_the_pages_filters():
    assert {"q", "page", "frequency_min", "economy", "status"} <= set(PARAMETERS)
    assert get_resolver().url_patterns
