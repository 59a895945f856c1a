"""The guides API, the change feed and the snapshot: only public versions reach anyone who is
not an author or a reviewer; a draft never enters the feed or the snapshot."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outputs import services
from outputs.enums import GuideVersionStatus as S
from tests.changes.support import read_feed, read_snapshot
from tests.factories import GuideFactory, GuideVersionFactory
from tests.outputs.guides_world import guide_media, guide_world  # noqa: F401
from tests.support import shared_data

pytestmark = pytest.mark.django_db

LIST = "/api/v1/guides/"


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker, guide_media):  # noqa: F811
    with shared_data(django_db_blocker):
        world = guide_world(S.PUBLISHED)
        world.draft = GuideVersionFactory(guide=world.guide, author=world["author"], number="2.0.0")
        world.draft_guide = GuideFactory(
            twa=world.guide.twa, institute=world.guide.institutes.get(), author=world["author"]
        )
        GuideVersionFactory(guide=world.draft_guide, author=world["author"], number="0.1.0")
        yield world


@pytest.fixture
def world(_world, db):
    return _world.copy()


def _guides(api, user=None) -> dict:
    if user is not None:
        api.force_authenticate(user)
    response = api.get(LIST)
    assert response.status_code == 200
    return {item["uuid"]: item for item in response.json()["results"]}


def test_the_public_sees_published_guides_with_their_public_versions_only(api, world):
    guides = _guides(api)
    assert set(guides) == {str(world.guide.uuid)}
    versions = guides[str(world.guide.uuid)]["versions"]
    assert [(v["number"], v["status"]) for v in versions] == [("1.0.0", "published")]
    assert versions[0]["file_url"].endswith(world.version.get_file_url())
    assert api.get(f"{LIST}{world.draft_guide.uuid}/").status_code == 404


@pytest.mark.parametrize(
    ("role", "numbers"),
    [
        ("author", ["2.0.0", "1.0.0"]),
        ("colleague", ["1.0.0"]),
        ("coordinator", ["1.0.0"]),
        ("member of another institute", ["1.0.0"]),
        ("staff", ["2.0.0", "1.0.0"]),
    ],
)
def test_signed_in_people_see_the_versions_they_may(api, world, role, numbers):
    guides = _guides(api, world[role])
    assert [v["number"] for v in guides[str(world.guide.uuid)]["versions"]] == numbers


def test_a_withdrawn_version_is_listed_without_a_file(api, world):
    services.guide_version_transition(
        actor=world["coordinator"],
        guide_version=world.version,
        action="withdraw",
        comment="Superseded by a standard.",
    )
    version = _guides(api)[str(world.guide.uuid)]["versions"][0]
    assert (version["status"], version["file_url"]) == ("withdrawn", None)
    assert version["withdrawal_reason"] == "Superseded by a standard."


def test_the_api_filters_as_the_page_does(api, world):
    response = api.get(LIST, {"q": world.guide.title[:20]})
    assert [item["uuid"] for item in response.json()["results"]] == [str(world.guide.uuid)]
    response = api.get(LIST, {"institute": "nobody-here"})
    assert response.status_code == 400


@pytest.mark.parametrize("role", ["anonymous", "author"])
def test_guide_list_endpoint_queries_do_not_grow_with_guides(
    api, world, role, django_assert_num_queries
):
    if world[role] is not None:
        api.force_authenticate(world[role])
    with CaptureQueriesContext(connection) as small:
        assert api.get(LIST).status_code == 200
    for _ in range(4):
        guide = GuideFactory(
            twa=world.guide.twa, institute=world.guide.institutes.get(), author=world["author"]
        )
        GuideVersionFactory(guide=guide, author=world["author"], state=S.PUBLISHED)
        GuideVersionFactory(guide=guide, author=world["author"])
    with django_assert_num_queries(len(small.captured_queries)):
        assert api.get(LIST).status_code == 200


def _versions_in(data) -> set[str]:
    return {v["number"] for v in data["versions"]}


@pytest.mark.django_db(transaction=True)
def test_a_draft_never_enters_the_feed_or_the_snapshot(api, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    world = guide_world(S.DRAFT)
    events, cursor = read_feed(api)
    assert str(world.guide.uuid) not in {e["uuid"] for e in events if e["type"] == "guide"}
    lines, _cursor = read_snapshot(api, types="guide")
    assert lines == []

    author, coordinator = world["author"], world["coordinator"]
    version = services.guide_version_transition(
        actor=author, guide_version=world.version, action="submit"
    )
    services.guide_version_transition(actor=coordinator, guide_version=version, action="publish")
    draft = GuideVersionFactory(guide=world.guide, author=author, number="2.0.0")
    in_review = GuideVersionFactory(
        guide=world.guide, author=author, reviewer=coordinator, number="1.1.0", state=S.IN_REVIEW
    )

    events, cursor = read_feed(api, after=cursor)
    guide_events = [e for e in events if e["type"] == "guide"]
    assert [(e["uuid"], e["action"]) for e in guide_events] == [(str(world.guide.uuid), "upsert")]
    assert _versions_in(guide_events[0]["data"]) == {"1.0.0"}
    lines, _cursor = read_snapshot(api, types="guide")
    assert [(line["uuid"], _versions_in(line["data"])) for line in lines] == [
        (str(world.guide.uuid), {"1.0.0"})
    ]
    assert str(draft.uuid) not in str(events) + str(lines)
    assert str(in_review.uuid) not in str(events) + str(lines)

    # Working on a draft of a public guide tells the feed nothing.
    services.guide_version_update(
        actor=author, guide_version=draft, version=draft.version, change_notes="Still drafting."
    )
    GuideVersionFactory(guide=world.guide, author=author, number="3.0.0")
    events, cursor = read_feed(api, after=cursor)
    assert [e for e in events if e["type"] == "guide"] == []

    # Publishing the version in review records the guide with both public versions.
    services.guide_version_transition(actor=coordinator, guide_version=in_review, action="publish")
    events, _cursor = read_feed(api, after=cursor)
    (event,) = [e for e in events if e["type"] == "guide"]
    assert _versions_in(event["data"]) == {"1.1.0", "1.0.0"}
