"""/api/v1/comparisons/: what it shows (computed, never typed in), read-only, filters, ETags, and
queries that do not grow with the page size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outputs.enums import ComparisonStatus
from outputs.models import Comparison
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


@pytest.mark.parametrize("method", ["put", "delete"])
def test_comparisons_are_not_replaced_or_deleted_through_the_api(api, method):
    world = comparison_world(C.DRAFT)
    api.force_authenticate(world["proposer"])
    url = f"/api/v1/comparisons/{world.comparison.uuid}/"
    assert getattr(api, method)(url, {}, format="json").status_code == 405
    assert api.post("/api/v1/comparisons/", {}, format="json").status_code == 405


def test_the_lead_revises_its_draft_with_if_match(api):
    world = comparison_world(C.DRAFT)
    url = f"/api/v1/comparisons/{world.comparison.uuid}/"
    api.force_authenticate(world["proposer"])
    etag = api.get(url)["ETag"]
    body = {"measurand": "Mass fraction of Pb in red wine"}
    assert api.patch(url, body, format="json").status_code == 428
    assert api.patch(url, body, format="json", HTTP_IF_MATCH='"stale"').status_code == 412
    response = api.patch(url, body, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content
    assert response.json()["measurand"] == "Mass fraction of Pb in red wine"
    assert Comparison.objects.get(pk=world.comparison.pk).version == world.comparison.version + 1


def test_bad_input_is_a_problem_with_the_field_and_nothing_changes(api):
    world = comparison_world(C.DRAFT)
    url = f"/api/v1/comparisons/{world.comparison.uuid}/"
    api.force_authenticate(world["proposer"])
    version = world.comparison.version
    response = api.patch(url, {"unit": "furlongs per blorp", "version": version}, format="json")
    assert response.status_code == 400
    assert "unit" in response.content.decode()
    response = api.patch(url, {"reference_value": 2.0, "version": version}, format="json")
    assert response.status_code == 400
    assert "reference_value" in response.content.decode()
    assert Comparison.objects.get(pk=world.comparison.pk).version == version


@pytest.mark.parametrize("role", ["partner_member", "staff", "conflicted_coordinator"])
def test_lower_roles_cannot_revise_or_submit_through_the_api(api, role):
    world = comparison_world(C.DRAFT)
    url = f"/api/v1/comparisons/{world.comparison.uuid}/"
    api.force_authenticate(world[role])
    version = world.comparison.version
    patched = api.patch(url, {"measurand": "X", "version": version}, format="json")
    assert patched.status_code == 403
    submitted = api.post(f"{url}transition/", {"action": "submit"}, format="json")
    assert submitted.status_code == 403
    assert Comparison.objects.get(pk=world.comparison.pk).status == C.DRAFT


def test_submit_and_publish_through_the_transition_endpoint(api):
    world = comparison_world(C.DRAFT)
    url = f"/api/v1/comparisons/{world.comparison.uuid}/transition/"
    api.force_authenticate(world["proposer"])
    response = api.post(url, {"action": "submit"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "in_review"
    api.force_authenticate(world["coordinator"])
    response = api.post(url, {"action": "publish"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "published"


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
