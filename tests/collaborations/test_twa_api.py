"""The working areas' API: one order of coordinators on every door, and a search that takes
whatever digits are typed."""

import pytest

from tests.changes.support import read_snapshot
from tests.collaborations.factories import TechnicalWorkingAreaFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_working_areas_coordinators_come_in_one_order_on_every_door(api, client):
    """Regression: the coordinators came in the database's order of the moment, which differed
    between the page, the API and the snapshot."""
    people = [UserFactory(name=name) for name in ("Zoë Zeller", "anna Adams", "Mika Meyer")]
    twa = TechnicalWorkingAreaFactory(coordinators=people)
    expected = ["anna Adams", "Mika Meyer", "Zoë Zeller"]
    detail = api.get(f"/api/v1/twas/{twa.slug}/").json()
    assert [person["name"] for person in detail["coordinators"]] == expected
    results = api.get("/api/v1/twas/").json()["results"]
    listed = next(item for item in results if item["slug"] == twa.slug)
    assert [person["name"] for person in listed["coordinators"]] == expected
    lines, _cursor = read_snapshot(api, types="twa")
    (line,) = [line for line in lines if line["data"]["slug"] == twa.slug]
    assert [person["name"] for person in line["data"]["coordinators"]] == expected
    page = client.get(twa.get_absolute_url()).content.decode()
    assert [page.index(name) for name in expected] == sorted(page.index(name) for name in expected)


@pytest.mark.parametrize("q", ["¹", "٣", "9" * 50, "70000"])
def test_a_working_area_search_for_odd_digits_is_no_error(api, q):
    """Regression (found by schemathesis): "¹" passes str.isdigit() and int() refused it."""
    TechnicalWorkingAreaFactory(number=3)
    response = api.get("/api/v1/twas/", {"q": q})
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_a_working_area_is_found_by_its_number(api):
    twa = TechnicalWorkingAreaFactory(number=42)
    results = api.get("/api/v1/twas/", {"q": "42"}).json()["results"]
    assert [item["slug"] for item in results] == [twa.slug]
