"""A page by number counts its list only up to a cap, then reads whether a next page follows."""

import pytest

from nmiq_portal.api.pagination import CountedPaginator
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def five(monkeypatch):
    monkeypatch.setattr(CountedPaginator, "COUNT_CAP", 3)
    return sorted(ServiceFactory(name=f"Calibration {n}").name for n in range(5))


def test_a_list_longer_than_the_cap_is_counted_as_more_and_still_paged(api, five):
    first = api.get("/api/v1/services/", {"page_size": 2, "sort": "name"}).json()
    assert first["count"] == 4  # more than 3
    assert [row["name"] for row in first["results"]] == five[:2]
    third = api.get(first["next"].replace("page=2", "page=3")).json()
    assert [row["name"] for row in third["results"]] == five[4:]
    assert third["next"] is None


def test_a_list_within_the_cap_is_counted_exactly(api, five, monkeypatch):
    monkeypatch.setattr(CountedPaginator, "COUNT_CAP", 10)
    body = api.get("/api/v1/services/", {"page_size": 2}).json()
    assert body["count"] == 5
