"""A comparison that is not published never leaks, through any door: its page, chart JSON, CSV,
the API (list and detail), the Atom feed, a testbed's page, the change feed and the snapshot;
once published it shows through all of them."""

import pytest
from django.contrib.auth.models import AnonymousUser

from outputs import services
from outputs.enums import ComparisonStatus
from outputs.models import Comparison
from tests.changes.support import read_feed, read_snapshot
from tests.factories import TestbedFactory
from tests.outputs.factories import comparison_world, move_to

C = ComparisonStatus
HIDDEN = (C.DRAFT, C.IN_REVIEW, C.WITHDRAWN)


def _world_with_testbed(state):
    world = comparison_world(C.DRAFT)
    comparison = world.comparison
    lead_result = comparison.results.get(position=1)
    testbed = TestbedFactory(institute=comparison.project.lead_institute, name="Josephson array")
    services.result_update(
        actor=world["proposer"], result=lead_result, version=comparison.version, testbed=testbed
    )
    comparison.refresh_from_db()
    world.comparison = move_to(
        comparison, state, lead_user=world["proposer"], reviewer=world["staff"]
    )
    return world, testbed


def _doors(client, api, comparison, testbed) -> dict:
    slug = comparison.slug
    listed = api.get("/api/v1/comparisons/").json()["results"]
    return {
        "page": client.get(f"/comparisons/{slug}/").status_code == 200,
        "list page": comparison.identifier.encode() in client.get("/comparisons/").content,
        "chart": client.get(f"/comparisons/{slug}/chart.json").status_code == 200,
        "csv": client.get(f"/comparisons/{slug}/results.csv").status_code == 200,
        "api detail": api.get(f"/api/v1/comparisons/{comparison.uuid}/").status_code == 200,
        "api list": str(comparison.uuid) in {item["uuid"] for item in listed},
        "atom": str(comparison.uuid).encode() in client.get("/comparisons/feed/").content,
        "testbed page": comparison.identifier.encode()
        in client.get(testbed.get_absolute_url()).content,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("state", C.values)
def test_every_door_shows_a_comparison_only_once_published(client, api, state):
    world, testbed = _world_with_testbed(state)
    expected = state == C.PUBLISHED
    doors = _doors(client, api, world.comparison, testbed)
    assert doors == dict.fromkeys(doors, expected)
    # A signed-in stranger sees what the public sees.
    stranger = world["other_twa_coordinator"]
    client.force_login(stranger)
    api.force_authenticate(stranger)
    doors = _doors(client, api, world.comparison, testbed)
    assert doors == dict.fromkeys(doors, expected)


@pytest.mark.django_db
@pytest.mark.parametrize("state", HIDDEN)
def test_the_lead_sees_its_unpublished_comparison_but_never_in_public_doors(client, api, state):
    world, testbed = _world_with_testbed(state)
    client.force_login(world["proposer"])
    api.force_authenticate(world["proposer"])
    doors = _doors(client, api, world.comparison, testbed)
    assert doors == {
        "page": True,
        "list page": True,
        "chart": True,
        "csv": True,
        "api detail": True,
        "api list": True,
        "atom": False,
        "testbed page": False,
    }


@pytest.mark.django_db(transaction=True)
def test_the_change_feed_and_snapshot_carry_only_published_comparisons(api):
    world = comparison_world(C.IN_REVIEW)
    comparison = world.comparison
    events, cursor = read_feed(api)
    assert str(comparison.uuid) not in {event["uuid"] for event in events}
    lines, _cursor = read_snapshot(api, types="comparison")
    assert lines == []

    comparison = services.comparison_transition(
        actor=world["staff"], comparison=comparison, action="publish"
    )
    events, cursor = read_feed(api, after=cursor)
    mine = [event for event in events if event["uuid"] == str(comparison.uuid)]
    assert mine
    assert mine[-1]["action"] == "upsert"
    assert mine[-1]["type"] == "comparison"
    detail = api.get(f"/api/v1/comparisons/{comparison.uuid}/").json()
    assert mine[-1]["data"] == detail
    lines, _cursor = read_snapshot(api, types="comparison")
    assert [line["uuid"] for line in lines] == [str(comparison.uuid)]

    services.comparison_transition(
        actor=world["staff"], comparison=comparison, action="withdraw", comment="Error found."
    )
    events, _cursor = read_feed(api, after=cursor)
    mine = [event for event in events if event["uuid"] == str(comparison.uuid)]
    assert mine[-1]["action"] == "delete"
    assert not Comparison.objects.public().exists()
    assert not Comparison.objects.visible_to(AnonymousUser()).exists()
