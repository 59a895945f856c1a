"""The benchmark pages: who sees which result, the chart's JSON and its table, a result's
samples and their statistics, the result form's conversions and refusals, the buttons of the
workflow, and query counts at two sizes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from outputs.enums import ResultStatus as S
from outputs.models import BenchmarkResult
from tests.factories import BenchmarkFactory, BenchmarkResultFactory
from tests.outputs.benchmarks_world import RESULT_ROLES, result_world
from tests.support import shared_data

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker):
    """A published result of PTB's with a T1 trace, another in review and a draft."""
    with shared_data(django_db_blocker):
        world = result_world(
            S.PUBLISHED,
            samples=([110.0, 120.0, 130.0, 125.0, 115.0], [0.0, 60.0, 120.0, 180.0, 240.0]),
            conditions=[{"name": "temperature", "value": "10 mK"}],
        )
        common = {
            "benchmark": world.benchmark,
            "institute": world.result.institute,
            "author": world["author"],
            "reviewer": world["coordinator"],
        }
        world.in_review = BenchmarkResultFactory(
            state=S.IN_REVIEW, device="secret_device", **common
        )
        world.draft = BenchmarkResultFactory(device="draft_device", **common)
        yield world


@pytest.fixture
def world(_world, db):
    return _world.copy()


def _client_as(client, user):
    if user is not None:
        client.force_login(user)
    return client


SEES = {
    "published": set(RESULT_ROLES),
    "in_review": {"author", "colleague", "conflicted coordinator", "coordinator", "staff"},
    "draft": {"author", "colleague", "conflicted coordinator", "staff"},
}


@pytest.mark.parametrize("role", RESULT_ROLES)
def test_each_result_page_and_its_chart_point_are_seen_only_by_who_may(client, world, role):
    _client_as(client, world[role])
    chart = client.get(reverse("outputs:benchmark_chart", args=[world.benchmark.slug])).json()
    charted = {point["url"] for series in chart["series"] for point in series["points"]}
    page = client.get(world.benchmark.get_absolute_url()).content.decode()
    for state, result in (
        ("published", world.result),
        ("in_review", world.in_review),
        ("draft", world.draft),
    ):
        seen = role in SEES[state]
        assert client.get(result.get_absolute_url()).status_code == (200 if seen else 404), state
        assert (result.get_absolute_url() in charted) == seen, state
        assert (result.get_absolute_url() in page) == seen, state


def test_the_chart_json_gives_each_platform_its_points_with_error_bars(client, world):
    body = client.get(reverse("outputs:benchmark_chart", args=[world.benchmark.slug])).json()
    assert body["unit"] == "µs"
    [series] = body["series"]
    assert series["platform"] == world.result.platform
    [point] = series["points"]
    assert (point["y"], point["yMin"], point["yMax"]) == (120.0, 116.0, 124.0)
    assert point["x"] == world.result.measured_on.isoformat()


def test_the_benchmark_page_has_the_chart_the_table_and_the_feed_link(client, world):
    page = client.get(world.benchmark.get_absolute_url()).content.decode()
    assert "data-benchmark-chart" in page
    assert "vendor/chartjs-error-bars/index.umd.min.js" in page
    assert 'class="table table-sm align-middle benchmark-results"' in page
    assert "u = 4" in page
    listing = client.get(reverse("outputs:benchmark_list")).content.decode()
    assert 'rel="alternate" type="application/atom+xml"' in listing
    assert world.benchmark.name in listing


def test_the_result_page_shows_the_statistics_of_its_samples(client, world):
    page = client.get(world.result.get_absolute_url()).content.decode()
    # Samples 110, 115, 120, 125, 130: mean = median = 120, s = √(250/4) = 7.90569.
    assert 'data-testid="mean">120<' in page
    assert 'data-testid="median">120<' in page
    assert 'data-testid="std">7.90569<' in page
    # numpy's linear percentiles: 5th = 110 + 0.2·5 = 111, 95th = 125 + 0.8·5 = 129.
    assert 'data-testid="p5">111<' in page
    assert 'data-testid="p95">129<' in page
    assert "data-samples-histogram" in page
    assert "data-samples-trace" in page
    assert "10 mK" in page
    samples = client.get(
        reverse("outputs:benchmark_result_samples", args=[world.benchmark.slug, world.result.uuid])
    ).json()
    assert sum(b["count"] for b in samples["histogram"]) == 5
    assert samples["trace"][1] == {"x": 60.0, "y": 120.0}


def _form(**overrides):
    data = {
        "provider": "ibm",
        "device": "ibm_boston",
        "qubit_count": "156",
        "value": "0.1 ms",
        "uncertainty_kind": "expanded",
        "uncertainty": "8 µs",
        "coverage_factor": "2",
        "measured_on": "2025-12-08",
        "method": "Inversion recovery",
        "conditions": "temperature = 12 mK\nshots = 1000",
    }
    data.update(overrides)
    return data


def test_an_author_adds_a_result_in_another_unit_and_it_is_converted(client, world):
    client.force_login(world["author"])
    url = reverse("outputs:benchmark_result_create", args=[world.benchmark.slug])
    data = _form(institute=world.result.institute.pk)
    data["samples"] = SimpleUploadedFile("t1.csv", b"time,value\n0,98\n1,102\n", "text/csv")
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    result = BenchmarkResult.objects.get(device="ibm_boston")
    assert result.status == S.DRAFT
    assert result.value == pytest.approx(100.0)
    assert result.value_as_given == "0.1 ms"
    assert (result.uncertainty, result.coverage_factor) == (pytest.approx(8.0), 2.0)
    assert result.standard_uncertainty == pytest.approx(4.0)
    assert result.conditions == [
        {"name": "temperature", "value": "12 mK"},
        {"name": "shots", "value": "1000"},
    ]
    assert (result.samples, result.sample_times) == ([98.0, 102.0], [0.0, 1.0])


@pytest.mark.parametrize(
    ("overrides", "samples", "field", "message"),
    [
        ({"value": "0.1 K"}, None, "value", "does not measure what the benchmark does"),
        ({"value": "0.1 blorps"}, None, "value", "is not a unit we know"),
        ({"uncertainty": "-3"}, None, "uncertainty", "never negative"),
        ({"coverage_factor": ""}, None, "coverage_factor", "needs its coverage factor"),
        ({}, b"time,value\n0,98\n1,about 100\n", "samples", "Row 3"),
        ({}, b"a,b\n1,2\n", "samples", "Name the columns"),
        ({}, b"value\n" + b"100.25\n" * 200_000, "samples", "over 1000 kB"),
    ],
)
def test_bad_input_is_a_field_error_and_nothing_is_stored(
    client, world, overrides, samples, field, message
):
    client.force_login(world["author"])
    url = reverse("outputs:benchmark_result_create", args=[world.benchmark.slug])
    data = _form(institute=world.result.institute.pk, **overrides)
    if samples is not None:
        data["samples"] = SimpleUploadedFile("t1.csv", samples, "text/csv")
    before = BenchmarkResult.objects.count()
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert BenchmarkResult.objects.count() == before


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("plain user", 403), ("coordinator of another area", 403), ("staff", 403)],
)
def test_who_is_no_member_of_an_institute_cannot_add_a_result(client, world, role, status):
    _client_as(client, world[role])
    url = reverse("outputs:benchmark_result_create", args=[world.benchmark.slug])
    assert client.get(url).status_code == status
    assert client.post(url, _form(institute=world.result.institute.pk)).status_code == status


def test_the_buttons_are_the_workflow_and_a_coordinator_publishes(client, world):
    client.force_login(world["coordinator"])
    page = client.get(world.in_review.get_absolute_url())
    assert [a.name for a in page.context["actions"]] == ["send_back", "publish"]
    client.force_login(world["conflicted coordinator"])
    page = client.get(world.in_review.get_absolute_url())
    assert [a.name for a in page.context["actions"]] == []
    client.force_login(world["coordinator"])
    url = reverse(
        "outputs:benchmark_result_transition",
        args=[world.benchmark.slug, world.in_review.uuid],
    )
    response = client.post(url, {"action": "publish", "comment": ""})
    assert response.status_code == 302
    assert BenchmarkResult.objects.get(pk=world.in_review.pk).status == S.PUBLISHED


def test_the_atom_feed_lists_published_results_only(client, world):
    body = client.get(reverse("outputs:benchmark_result_feed")).content.decode()
    assert world.result.device in body
    assert "secret_device" not in body
    assert "draft_device" not in body


# --- Query counts at two sizes --------------------------------------------------------------


def _count(client, url, django_assert_num_queries, grow):
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow()
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("role", ["anonymous", "author", "coordinator"])
def test_benchmark_list_queries_do_not_grow(client, world, role, django_assert_num_queries):
    _client_as(client, world[role])

    def grow():
        for _ in range(3):
            benchmark = BenchmarkFactory(twa=world.benchmark.twa, coordinator=world["coordinator"])
            BenchmarkResultFactory(benchmark=benchmark, state=S.PUBLISHED)

    _count(client, reverse("outputs:benchmark_list"), django_assert_num_queries, grow)


@pytest.mark.parametrize("role", ["anonymous", "author", "coordinator"])
@pytest.mark.parametrize("name", ["outputs:benchmark_detail", "outputs:benchmark_chart"])
def test_benchmark_page_and_chart_queries_do_not_grow(
    client, world, role, name, django_assert_num_queries
):
    _client_as(client, world[role])

    def grow():
        for state in (S.PUBLISHED, S.PUBLISHED, S.IN_REVIEW, S.DRAFT):
            BenchmarkResultFactory(
                benchmark=world.benchmark,
                institute=world.result.institute,
                author=world["author"],
                state=state,
            )

    url = reverse(name, args=[world.benchmark.slug])
    _count(client, url, django_assert_num_queries, grow)


def test_feed_queries_do_not_grow(client, world, django_assert_num_queries):
    def grow():
        for _ in range(3):
            BenchmarkResultFactory(benchmark=world.benchmark, state=S.PUBLISHED)

    _count(client, reverse("outputs:benchmark_result_feed"), django_assert_num_queries, grow)
