"""The review queue lists, beside the proposals, the guide versions, comparisons and glossary
terms waiting for the coordinator's decision: only those they may decide on."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from outputs.enums import ComparisonStatus, TermStatus
from tests.outputs.benchmarks_world import result_world
from tests.outputs.factories import comparison_world
from tests.outputs.guides_world import guide_media, guide_world  # noqa: F401 - module fixture
from tests.outputs.test_glossary_workflow import cast as term_cast

pytestmark = pytest.mark.django_db

QUEUE_URL = reverse("collaborations:review_queue")


def _queue(client, user) -> str:
    """The queue's page for ``user``; refused (403) to anyone who coordinates no working area."""
    client.force_login(user)
    response = client.get(QUEUE_URL)
    reviews = user.is_staff or user.coordinated_twas.exists()
    assert response.status_code == (200 if reviews else 403)
    return response.content.decode()


def test_a_coordinator_sees_each_kind_waiting_for_them(client):
    guide = guide_world("in_review")
    page = _queue(client, guide["coordinator"])
    assert guide.version.get_absolute_url() in page

    comparison = comparison_world(ComparisonStatus.IN_REVIEW).comparison
    world = comparison_world(ComparisonStatus.IN_REVIEW)
    page = _queue(client, world["coordinator"])
    assert world.comparison.get_absolute_url() in page
    assert comparison.get_absolute_url() not in page  # another working area's

    results = result_world("in_review")
    page = _queue(client, results["coordinator"])
    assert results.result.get_absolute_url() in page

    term = term_cast(TermStatus.PROPOSED)
    page = _queue(client, term["people"]["coordinator"])
    assert term["term"].get_absolute_url() in page


@pytest.mark.parametrize("role", ["conflicted coordinator", "author", "plain user"])
def test_no_one_else_is_asked_to_decide_on_a_guide_version(client, role):
    guide = guide_world("in_review")
    assert guide.version.get_absolute_url() not in _queue(client, guide[role])


@pytest.mark.parametrize(
    "role", ["conflicted coordinator", "coordinator of another area", "author", "plain user"]
)
def test_no_one_else_is_asked_to_decide_on_a_result(client, role):
    world = result_world("in_review")
    assert world.result.get_absolute_url() not in _queue(client, world[role])


@pytest.mark.parametrize(
    "role", ["conflicted_coordinator", "other_twa_coordinator", "lead_editor", "plain_user"]
)
def test_no_one_else_is_asked_to_decide_on_a_comparison(client, role):
    world = comparison_world(ComparisonStatus.IN_REVIEW)
    assert world.comparison.get_absolute_url() not in _queue(client, world[role])


def test_a_draft_or_published_output_waits_for_no_one(client):
    for state in (ComparisonStatus.DRAFT, ComparisonStatus.PUBLISHED):
        world = comparison_world(state)
        assert world.comparison.get_absolute_url() not in _queue(client, world["staff"])
    guide = guide_world("published")
    assert guide.version.get_absolute_url() not in _queue(client, guide["staff"])
    assert "No guide version, comparison, result or term is waiting" in _queue(
        client, guide["coordinator"]
    )


def _queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(QUEUE_URL).status_code == 200
    return len(queries)


def test_the_queue_reads_outputs_in_constant_queries(client):
    first = comparison_world(ComparisonStatus.IN_REVIEW)
    staff = first["staff"]
    guide_world("in_review")
    result_world("in_review")
    few = _queries(client, staff)
    for _ in range(2):
        comparison_world(ComparisonStatus.IN_REVIEW)
        guide_world("in_review")
        result_world("in_review")
    assert _queries(client, staff) == few
