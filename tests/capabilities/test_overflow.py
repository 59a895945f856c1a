"""A value that overflows its unit (1e999 K), in the search box or any range field, is the
field's error on the page and a 400 in the API; the exports and the map never fail on it."""

import pytest
from django.urls import reverse

from capabilities.models import CapabilityRecord

pytestmark = pytest.mark.django_db

OVERFLOWS = ["1e999 K", "-1e999 Hz", "1e999 nm"]
FIELDS = ["q", *(f"{d}_{end}" for d in CapabilityRecord.RANGES for end in ("min", "max"))]
DIRECTORY_URLS = [
    reverse("capabilities:directory"),
    reverse("capabilities:directory_export", args=["csv"]),
    reverse("capabilities:directory_export", args=["json"]),
    reverse("capabilities:directory_map"),
    reverse("capabilities:directory_map_data"),
]


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("value", OVERFLOWS)
def test_the_directory_shows_an_overflow_as_the_fields_error(client, field, value):
    response = client.get(reverse("capabilities:directory"), {field: value})
    assert response.status_code == 200
    assert response.context["errors"], f"{field}={value} was not refused"


@pytest.mark.parametrize("url", DIRECTORY_URLS)
@pytest.mark.parametrize("field", FIELDS)
def test_exports_and_the_map_never_fail_on_an_overflow(client, url, field):
    assert client.get(url, {field: "1e999 K"}).status_code < 500


@pytest.mark.parametrize("endpoint", ["testbeds", "services"])
@pytest.mark.parametrize("field", FIELDS)
def test_the_api_answers_an_overflow_with_a_400_naming_the_field(api, endpoint, field):
    response = api.get(f"/api/v1/{endpoint}/", {field: "1e999 K"})
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == [field]
