"""Kept facet counts: one viewer's counts serve another only where they see the same records,
so no kept count shows a record to someone who may not see it, and every committed change to
what is counted (members-only and draft records too) makes them stale."""

import math

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from capabilities import selectors
from capabilities.enums import Visibility
from capabilities.models import Institute, TechnologyArea
from capabilities.selectors.facets import SEARCH_KEEPING
from tests.capabilities.test_facet_counts import COMPARED_SERVICES, _python_counts
from tests.factories import (
    InstituteFactory,
    MembershipFactory,
    ServiceFactory,
    TestbedFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

#: The facet statement's mark: one per record kind counted.
FACET_SQL = "AS MATERIALIZED"


@pytest.fixture(autouse=True)
def kept(settings):
    """A cache of this test's own, so counts are really kept (and nothing from elsewhere)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "kept-counts",
        }
    }
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def world():
    ptb = InstituteFactory(acronym="PTBK", economy="DE")
    nmij = InstituteFactory(acronym="NMIJK", economy="JP")
    startup = InstituteFactory(acronym="QSTARTK", economy="US", verified=False)
    cryogenics = TechnologyArea.objects.get(slug="cryogenics")
    for institute in (ptb, nmij, startup):
        for published, visibility in (
            (True, Visibility.PUBLIC),
            (True, Visibility.MEMBERS),
            (True, Visibility.INSTITUTE),
            (False, Visibility.PUBLIC),
        ):
            common = {
                "institute": institute,
                "published": published,
                "visibility": visibility,
                "technology_areas": [cryogenics],
            }
            TestbedFactory(**common, name=f"{institute.acronym} {visibility} {published}")
            ServiceFactory(**common, name=f"{institute.acronym} {visibility} {published} s")
    both = UserFactory()
    MembershipFactory(institute=ptb, user=both)
    MembershipFactory(institute=startup, user=both)
    return {
        "anonymous": AnonymousUser(),
        "nobody's": UserFactory(),
        "ptb": MembershipFactory(institute=ptb).user,
        "nmij": MembershipFactory(institute=nmij).user,
        "startup": MembershipFactory(institute=startup).user,
        "ptb and startup": both,
    }


def _counted(user, params) -> tuple[dict, int]:
    search = selectors.directory_search(user=user, params=params)
    counts = {
        facet.key: {value.value: value.count for value in facet.values if value.count}
        for facet in search.facets
        if facet.key in COMPARED_SERVICES
    }
    return {key: values for key, values in counts.items() if values}, len(search.rows)


def _expected(user, params) -> tuple[dict, int]:
    counts, results = _python_counts(user, params, COMPARED_SERVICES)
    counts = {
        key: {value: n for value, n in values.items() if n and value not in ("", None)}
        for key, values in counts.items()
    }
    return {key: values for key, values in counts.items() if values}, results


VIEWERS = ["anonymous", "nobody's", "ptb", "nmij", "startup", "ptb and startup"]


@pytest.mark.parametrize("params", [{}, {"economy": ["DE", "US"]}], ids=["plain", "economy"])
@pytest.mark.parametrize("order", [VIEWERS, VIEWERS[::-1]], ids=["forwards", "backwards"])
def test_each_viewer_counts_only_what_they_may_see_whoever_counted_first(world, order, params):
    for name in order * 2:  # the second time round, every count comes from the cache
        assert _counted(world[name], params) == _expected(world[name], params), name


def test_peers_share_what_they_all_see_and_count_their_own_apart(world):
    with CaptureQueriesContext(connection) as first:
        selectors.directory_search(user=world["ptb"], params={})
    with CaptureQueriesContext(connection) as second:
        selectors.directory_search(user=world["nmij"], params={})
    with CaptureQueriesContext(connection) as again:
        selectors.directory_search(user=world["nmij"], params={})
    facet_queries = [
        sum(FACET_SQL in query["sql"] for query in run.captured_queries)
        for run in (first, second, again)
    ]
    # PTBK's member counts both parts; NMIJK's reuses the shared part and counts its own once.
    assert facet_queries == [2, 1, 0]


def test_kept_counts_follow_members_only_and_draft_changes(world):
    nmij = world["nmij"]
    before = _counted(nmij, {"economy": ["DE"]})[1]
    TestbedFactory(institute=Institute.objects.get(acronym="PTBK"), visibility=Visibility.MEMBERS)
    assert _counted(nmij, {"economy": ["DE"]})[1] == before + 1
    ptb = Institute.objects.get(acronym="PTBK")
    ptb.verified = False
    ptb.save()
    assert _counted(nmij, {"economy": ["DE"]}) == _expected(nmij, {"economy": ["DE"]})
    assert _counted(nmij, {"economy": ["DE"]})[1] == 0


def test_a_search_is_kept_while_it_is_read_and_counted_again_when_left_or_old(world, monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr("time.time", lambda: now[0])  # the cache's clock and the counts' own

    def counted_after(seconds: float) -> bool:
        now[0] += seconds
        with CaptureQueriesContext(connection) as search:
            selectors.directory_search(user=world["anonymous"], params={"economy": ["DE"]})
        return any(FACET_SQL in query["sql"] for query in search.captured_queries)

    step = SEARCH_KEEPING.idle * 0.8
    assert counted_after(0)
    # Read again before it is left for ``idle`` seconds, it is kept on while younger than
    # ``most``; then counted again, however often read.
    assert not any(counted_after(step) for _ in range(math.ceil(SEARCH_KEEPING.most / step) - 1))
    assert counted_after(step)
    assert not counted_after(step)
    assert counted_after(SEARCH_KEEPING.idle + 1)  # left for longer than ``idle``


@pytest.mark.parametrize(
    "params",
    [
        {"type": ["testbed", "service"]},
        {"q": "ptbk", "economy": ["DE"], "access": ["remote"], "temperature_max": "400 K"},
    ],
    ids=["records", "search"],
)
@pytest.mark.parametrize("viewer", ["anonymous", "ptb"])
def test_a_directory_page_with_kept_counts_takes_at_most_ten_queries_at_any_size(
    world,
    client,
    monkeypatch,
    django_assert_num_queries,
    django_assert_max_num_queries,
    viewer,
    params,
):
    from capabilities.views import search as views

    if viewer != "anonymous":
        client.force_login(world[viewer])
    client.get("/directory/", params)  # counted once, then kept
    # The session and the user; the viewer's institutes; the facets' names; the kinds other
    # apps register (with no filter only they have); one page of results; the records of each
    # kind on it (testbeds and services on both pages), and their areas; the unread
    # notifications and the working areas they lead.
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    with django_assert_max_num_queries(10) as few:
        client.get("/directory/", params)
    monkeypatch.setattr(views, "PAGE_SIZE", 50)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/directory/", params)
