"""/api/v1/benchmarks/ and /api/v1/results/: what they show, their filters (the pages'), the
chart data, read-only, the change feed and the snapshot (drafts and results in review never
appear), and queries that do not grow with the page size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outputs import services
from outputs.enums import ResultStatus as S
from tests.changes.support import read_feed, read_snapshot
from tests.factories import BenchmarkResultFactory
from tests.outputs.benchmarks_world import result_world

pytestmark = pytest.mark.django_db


def _uuids(response):
    return {item["uuid"] for item in response.json()["results"]}


def test_anonymous_callers_see_only_published_results(api):
    world = result_world(S.PUBLISHED)
    common = {"benchmark": world.benchmark, "institute": world.result.institute}
    draft = BenchmarkResultFactory(author=world["author"], **common)
    in_review = BenchmarkResultFactory(author=world["author"], state=S.IN_REVIEW, **common)
    assert _uuids(api.get("/api/v1/results/")) == {str(world.result.uuid)}
    for hidden in (draft, in_review):
        assert api.get(f"/api/v1/results/{hidden.uuid}/").status_code == 404
    api.force_authenticate(world["coordinator"])
    assert _uuids(api.get("/api/v1/results/")) == {str(world.result.uuid), str(in_review.uuid)}
    api.force_authenticate(world["author"])
    assert len(_uuids(api.get("/api/v1/results/"))) == 3


def test_a_result_shows_its_uncertainty_as_given_and_u(api):
    world = result_world(S.PUBLISHED, uncertainty_kind="expanded", coverage_factor=2.0)
    body = api.get(f"/api/v1/results/{world.result.uuid}/").json()
    assert body["value"] == 120.0
    assert body["unit"] == "µs"
    assert (body["uncertainty_kind"], body["uncertainty"], body["coverage_factor"]) == (
        "expanded",
        4.0,
        2.0,
    )
    assert body["standard_uncertainty"] == 2.0
    assert body["benchmark"]["slug"] == world.benchmark.slug


def test_filters_are_the_pages(api):
    world = result_world(S.PUBLISHED)
    other = BenchmarkResultFactory(
        benchmark=world.benchmark, provider="quantinuum", device="H2-2", state=S.PUBLISHED
    )
    assert _uuids(api.get("/api/v1/results/?provider=Quantinuum")) == {str(other.uuid)}
    listed = api.get(f"/api/v1/results/?benchmark={world.benchmark.slug}&device=H2-2")
    assert _uuids(listed) == {str(other.uuid)}
    found = api.get("/api/v1/benchmarks/?q=relaxation")
    assert str(world.benchmark.uuid) in _uuids(found)
    assert api.get("/api/v1/benchmarks/?q=nothing-like-it").json()["results"] == []


def test_the_chart_data_is_the_pages(api, client):
    world = result_world(S.PUBLISHED)
    body = api.get(f"/api/v1/benchmarks/{world.benchmark.uuid}/chart/").json()
    assert body == client.get(f"/benchmarks/{world.benchmark.slug}/chart.json").json()
    assert body["series"][0]["points"][0]["y"] == 120.0
    BenchmarkResultFactory(
        benchmark=world.benchmark, provider="quantinuum", device="H2-2", state=S.PUBLISHED
    )
    query = "provider=quantinuum&measured_after=2000-01-01"
    body = api.get(f"/api/v1/benchmarks/{world.benchmark.uuid}/chart/?{query}").json()
    assert body == client.get(f"/benchmarks/{world.benchmark.slug}/chart.json?{query}").json()
    assert [series["platform"] for series in body["series"]] == ["quantinuum H2-2"]
    page = client.get(f"/benchmarks/{world.benchmark.slug}/?{query}").content.decode()
    assert "H2-2" in page
    assert world.result.device not in page


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(api, method):
    world = result_world(S.DRAFT)
    api.force_authenticate(world["author"])
    for url in (f"/api/v1/results/{world.result.uuid}/", "/api/v1/results/"):
        assert getattr(api, method)(url, {}, format="json").status_code == 405


@pytest.mark.django_db(transaction=True)
def test_the_change_feed_and_snapshot_carry_only_published_results(api):
    world = result_world(S.DRAFT)
    result = services.benchmark_result_transition(
        actor=world["author"], result=world.result, action="submit"
    )
    events, cursor = read_feed(api)
    assert str(result.uuid) not in {event["uuid"] for event in events}
    lines, _cursor = read_snapshot(api, types="result")
    assert lines == []

    result = services.benchmark_result_transition(
        actor=world["coordinator"], result=result, action="publish"
    )
    events, cursor = read_feed(api, after=cursor)
    mine = [event for event in events if event["uuid"] == str(result.uuid)]
    assert mine[-1]["action"] == "upsert"
    assert mine[-1]["type"] == "result"
    assert mine[-1]["data"] == api.get(f"/api/v1/results/{result.uuid}/").json()
    lines, _cursor = read_snapshot(api, types="result")
    assert [line["uuid"] for line in lines] == [str(result.uuid)]
    lines, _cursor = read_snapshot(api, types="benchmark")
    assert [line["uuid"] for line in lines] == [str(world.benchmark.uuid)]

    services.benchmark_result_transition(
        actor=world["author"], result=result, action="withdraw", comment="Miscalibrated."
    )
    events, _cursor = read_feed(api, after=cursor)
    mine = [event for event in events if event["uuid"] == str(result.uuid)]
    assert mine[-1]["action"] == "delete"


def _count(api, url, django_assert_num_queries, grow):
    with CaptureQueriesContext(connection) as small:
        assert api.get(url).status_code == 200
    grow()
    with django_assert_num_queries(len(small.captured_queries)):
        response = api.get(url)
        assert response.status_code == 200


@pytest.mark.parametrize("role", ["anonymous", "author", "coordinator"])
@pytest.mark.parametrize("endpoint", ["benchmarks", "results", "chart"])
def test_endpoint_queries_do_not_grow(api, role, endpoint, django_assert_num_queries):
    world = result_world(S.PUBLISHED)
    if world[role] is not None:
        api.force_authenticate(world[role])
    url = {
        "benchmarks": "/api/v1/benchmarks/",
        "results": "/api/v1/results/",
        "chart": f"/api/v1/benchmarks/{world.benchmark.uuid}/chart/",
    }[endpoint]

    def grow():
        for state in (S.PUBLISHED, S.PUBLISHED, S.IN_REVIEW, S.DRAFT):
            BenchmarkResultFactory(
                benchmark=world.benchmark,
                institute=world.result.institute,
                author=world["author"],
                state=state,
            )
        BenchmarkResultFactory(state=S.PUBLISHED)

    _count(api, url, django_assert_num_queries, grow)
