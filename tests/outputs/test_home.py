"""The home page leads to the outputs and counts only what anyone may read."""

import pytest
from django.urls import reverse

from outputs.enums import ComparisonStatus, ResultStatus, TermStatus
from tests.factories import (
    BenchmarkResultFactory,
    GuideVersionFactory,
    InstituteFactory,
    TermFactory,
)

from .factories import comparison_world

pytestmark = pytest.mark.django_db


def test_the_home_page_counts_public_outputs_only_and_links_each_list(client):
    institute = InstituteFactory()
    GuideVersionFactory(state="published")
    GuideVersionFactory(state="draft")
    GuideVersionFactory(state="in_review")
    comparison_world(ComparisonStatus.PUBLISHED)
    comparison_world(ComparisonStatus.IN_REVIEW)
    BenchmarkResultFactory(state=ResultStatus.PUBLISHED)
    BenchmarkResultFactory(state=ResultStatus.IN_REVIEW)
    for state in (TermStatus.AGREED, TermStatus.AGREED, TermStatus.PROPOSED, TermStatus.REJECTED):
        TermFactory(institute=institute, state=state)

    page = client.get(reverse("home")).content.decode()

    assert "1 guide, versioned" in page
    assert "1 comparison with its reference value" in page
    assert "2 agreed terms" in page
    assert "1 published benchmark result" in page
    for name in (
        "outputs:guide_list",
        "outputs:comparison_list",
        "outputs:benchmark_list",
        "outputs:term_list",
    ):
        assert f'href="{reverse(name)}"' in page


def test_the_outputs_section_reads_in_the_same_queries_at_any_size(
    client, django_assert_num_queries, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20) as empty:
        client.get(reverse("home"))
    institute = InstituteFactory()
    for _ in range(3):
        GuideVersionFactory(state="published")
        TermFactory(institute=institute, state=TermStatus.AGREED)
    with django_assert_num_queries(len(empty.captured_queries)):
        client.get(reverse("home"))
