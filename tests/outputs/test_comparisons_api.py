"""/api/v1/comparisons/: what it shows (computed, never typed in), read-only, filters, ETags, and
queries that do not grow with the page size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outputs.enums import ComparisonStatus
from tests.outputs.factories import comparison_world

pytestmark = pytest.mark.django_db

C = ComparisonStatus


def test_detail_shows_reference_consistency_and_degrees_of_equivalence(api):
    world = comparison_world(C.PUBLISHED)
    comparison = world.comparison
    response = api.get(f"/api/v1/comparisons/{comparison.uuid}/")
    assert response.status_code == 200
    body = response.json()
    evaluation = comparison.evaluation()
    assert body["reference"]["value"] == evaluation.reference.value
    assert body["reference"]["method"] == "weighted_mean"
    assert body["consistency"]["p_value"] == evaluation.consistency.p_value
    assert [r["d"] for r in body["results"]] == [eq.d for eq in evaluation.equivalences]
    assert [r["U_d"] for r in body["results"]] == [eq.U for eq in evaluation.equivalences]
    assert response["ETag"]
    again = api.get(f"/api/v1/comparisons/{comparison.uuid}/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


@pytest.mark.parametrize("method", ["post", "patch", "put", "delete"])
def test_the_endpoint_is_read_only(api, method):
    world = comparison_world(C.PUBLISHED)
    api.force_authenticate(world["proposer"])
    url = f"/api/v1/comparisons/{world.comparison.uuid}/"
    response = getattr(api, method)(url, {}, format="json")
    assert response.status_code == 405


def test_filters_are_the_pages(api):
    world = comparison_world(C.PUBLISHED)
    comparison_world(C.PUBLISHED, method="median", identifier="OTHER-1")
    found = api.get("/api/v1/comparisons/", {"method": "weighted_mean"}).json()["results"]
    assert [item["uuid"] for item in found] == [str(world.comparison.uuid)]
    found = api.get("/api/v1/comparisons/", {"institute": world.third.slug}).json()["results"]
    assert str(world.comparison.uuid) in {item["uuid"] for item in found}


def test_list_queries_are_constant_in_page_size(api):
    for _ in range(4):
        comparison_world(C.PUBLISHED)
    counts = []
    for size in (1, 4):
        with CaptureQueriesContext(connection) as queries:
            response = api.get("/api/v1/comparisons/", {"page_size": size})
        assert response.status_code == 200
        assert len(response.json()["results"]) == size
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]
