"""Every list endpoint costs the same number of queries whatever its page size, in both modes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from capabilities.models import ReadinessLevel, TechnologyArea
from tests.factories import (
    ContactFactory,
    InstituteFactory,
    MembershipFactory,
    ServiceFactory,
    TestbedFactory,
)
from tests.support import shared_data

pytestmark = pytest.mark.django_db

RECORDS = 8
SIZES = (2, 7)
#: Queries of a page by number: the count, the rows (testbeds and services with their areas
#: and contacts), and their evidence. A cursor page needs no count.
PAGE_QUERIES = {
    "institutes": 2,
    "testbeds": 3,
    "services": 3,
    "contacts": 2,
    "technology-areas": 2,
}


@pytest.fixture(scope="module")
def directory(django_db_setup, django_db_blocker):
    """The records every case reads, made once for the module."""
    with shared_data(django_db_blocker):
        _directory()
        yield


def _directory():
    area = TechnologyArea.objects.get(slug="cryogenics")
    readiness = ReadinessLevel.objects.first()
    for _ in range(RECORDS):
        institute = InstituteFactory()
        contacts = ContactFactory.create_batch(2, institute=institute)
        TestbedFactory(
            institute=institute, technology_areas=[area], contacts=contacts, readiness=readiness
        )
        ServiceFactory(institute=institute, technology_areas=[area], contacts=contacts)


@pytest.mark.parametrize("mode", ["page", "cursor"])
@pytest.mark.parametrize("kind", list(PAGE_QUERIES))
def test_list_queries_are_constant_in_page_size(directory, kind, mode):
    api = APIClient()
    api.force_authenticate(MembershipFactory().user)
    counts = []
    for size in SIZES:
        with CaptureQueriesContext(connection) as queries:
            response = api.get(f"/api/v1/{kind}/", {"page_size": size, "pagination": mode})
        assert response.status_code == 200
        assert len(response.json()["results"]) == size
        counts.append(len(queries))
    expected = PAGE_QUERIES[kind] - (mode == "cursor")
    assert counts == [expected, expected], [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize("kind", ["testbeds", "contacts"])
def test_a_later_cursor_page_costs_what_the_first_does(directory, kind):
    api = APIClient()
    first = api.get(f"/api/v1/{kind}/", {"page_size": 2, "pagination": "cursor"}).json()
    with CaptureQueriesContext(connection) as queries:
        later = api.get(first["next"])
    assert later.status_code == 200
    assert len(queries) == PAGE_QUERIES[kind] - 1
