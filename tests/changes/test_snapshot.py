"""/api/v1/snapshot/: every public record from one consistent read, then the cursor from which
the change feed continues, so that snapshot + feed is an exact copy of the public API; resumed
from any line's key, it loses and repeats nothing."""

import json

import pytest

from capabilities import models, services
from capabilities.enums import Visibility
from capabilities.models import ReadinessLevel, TechnologyArea
from nmiq_portal.changes import feed, registry, snapshot
from tests.factories import (
    ContactFactory,
    InstituteFactory,
    ServiceFactory,
    StaffFactory,
    TestbedFactory,
)

from .support import apply, held_transaction, list_api, read_feed, read_snapshot, settle

pytestmark = pytest.mark.django_db(transaction=True)


def _directory(size: int = 2) -> dict:
    """Public records of every type, and records of every kind that must stay out."""
    area = TechnologyArea.objects.get(slug="cryogenics")
    public = []
    for _ in range(size):
        institute = InstituteFactory()
        contact = ContactFactory(institute=institute)
        testbed = TestbedFactory(
            institute=institute,
            contacts=[contact],
            technology_areas=[area],
            readiness=ReadinessLevel.objects.first(),
        )
        service = ServiceFactory(institute=institute, testbed=testbed, contacts=[contact])
        public += [institute, contact, testbed, service]
    home = public[0]
    unverified = InstituteFactory(verified=False)
    hidden = [
        TestbedFactory(institute=home, published=False),
        TestbedFactory(institute=home, visibility=Visibility.MEMBERS),
        ServiceFactory(institute=home, visibility=Visibility.INSTITUTE),
        ContactFactory(institute=home, published=False),
        unverified,
        TestbedFactory(institute=unverified),
        ContactFactory(institute=unverified),
    ]
    retired = TestbedFactory(institute=home)
    services.record_retire(actor=StaffFactory(), record=retired)
    hidden.append(retired)
    return {"public": public, "hidden": hidden}


def _records(lines: list[dict]) -> list[dict]:
    """The lines without their keys, which name the watermark of the read they come from."""
    return [{key: value for key, value in line.items() if key != "after"} for line in lines]


def _mirror(lines) -> dict:
    return {(line["type"], line["uuid"]): line["data"] for line in lines}


def test_snapshot_is_every_public_record_as_the_list_api_shows_it(api):
    directory = _directory()
    lines, cursor = read_snapshot(api)
    assert _mirror(lines) == list_api(api)
    assert len(lines) == len(directory["public"]) + TechnologyArea.objects.count()
    assert {str(obj.uuid) for obj in directory["hidden"]}.isdisjoint(line["uuid"] for line in lines)
    assert feed.decode_cursor(cursor)[1] == 0


def test_snapshot_then_the_feed_from_its_cursor_equals_the_list_api(api, staff):
    directory = _directory()
    institute, contact, testbed, service = directory["public"][:4]
    other_institute, _contact, other_testbed, _service = directory["public"][4:8]
    lines, cursor = read_snapshot(api)
    mirror = _mirror(lines)

    services.record_update(actor=staff, record=testbed, version=testbed.version, summary="New")
    services.record_retire(actor=staff, record=contact)
    services.record_unpublish(actor=staff, record=service)
    models.Testbed.objects.get(pk=other_testbed.pk).delete()
    services.institute_set_verified(actor=staff, institute=other_institute, verified=False)
    services.institute_update(actor=staff, institute=institute, name="Renamed")
    TestbedFactory(institute=institute, name="Brand new")
    draft = directory["hidden"][0]
    services.record_publish(actor=staff, record=draft)

    events, _next = read_feed(api, after=cursor)
    assert apply(mirror, events) == list_api(api)


def test_snapshot_reads_one_moment_while_writers_commit_and_the_feed_brings_the_rest(
    api, staff, monkeypatch
):
    monkeypatch.setattr(snapshot, "SNAPSHOT_CHUNK", 2)
    institute = InstituteFactory()
    first, second, *later = TestbedFactory.create_batch(5, institute=institute)
    settle()
    response = api.get("/api/v1/snapshot/", {"types": "testbed"})
    chunks = iter(response.streaming_content)
    lines = [json.loads(line) for line in next(chunks).splitlines()]
    assert [line["uuid"] for line in lines] == [str(first.uuid), str(second.uuid)]

    # Meanwhile, another connection deletes a testbed not yet streamed and adds one.
    with held_transaction() as writer:
        writer.run(lambda: models.Testbed.objects.get(pk=later[-1].pk).delete())
        added = writer.run(lambda: TestbedFactory(institute=institute, name="Added meanwhile"))

    for chunk in chunks:
        lines += [json.loads(line) for line in chunk.splitlines()]
    cursor = lines.pop()["cursor"]
    streamed = [line["uuid"] for line in lines]
    assert streamed == [str(t.uuid) for t in (first, second, *later)]  # as it was at the start
    assert str(added.uuid) not in streamed

    events, _next = read_feed(api, after=cursor)
    mirror = apply(_mirror(lines), [e for e in events if e["type"] == "testbed"])
    assert mirror == list_api(api, types=["testbed"])


def test_snapshot_order_is_by_type_then_stable_across_chunks(api, monkeypatch):
    _directory(size=3)
    whole, _cursor = read_snapshot(api)
    monkeypatch.setattr(snapshot, "SNAPSHOT_CHUNK", 2)
    chunked, _cursor = read_snapshot(api)
    assert _records(chunked) == _records(whole)
    types = [line["type"] for line in whole]
    order = [registration.type_key for registration in registry.registrations()]
    assert types == sorted(types, key=order.index)


def test_snapshot_types_narrows_it_to_those_types(api):
    _directory()
    lines, _cursor = read_snapshot(api, types="testbed,service")
    assert {line["type"] for line in lines} == {"testbed", "service"}
    assert _mirror(lines) == list_api(api, types=["testbed", "service"])


@pytest.mark.django_db  # refused before any read: no commit needed
@pytest.mark.parametrize("types", ["nonsense", "testbed,nonsense"])
def test_snapshot_of_an_unknown_type_is_a_400_problem(api, types):
    response = api.get("/api/v1/snapshot/", {"types": types})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "types"


@pytest.mark.parametrize("size", [1, 4])
def test_snapshot_queries_are_constant_in_its_size(api, size, django_assert_num_queries):
    _directory(size=size)
    # BEGIN, isolation level, watermark; institutes 1; testbeds and services 2 each (the rows
    # with their areas and contacts, their evidence); contacts 1; COMMIT.
    with django_assert_num_queries(10):
        lines, _cursor = read_snapshot(api, types="institute,testbed,service,contact")
    assert len(lines) >= 4 * size


# --- Resuming -----------------------------------------------------------------------------------


def _parts(api, **params) -> tuple[list[list[dict]], str]:
    """Every part of a snapshot taken by following the key that ends each response:
    ([the record lines of each response], the closing cursor)."""
    parts = []
    while True:
        response = api.get("/api/v1/snapshot/", params)
        assert response.status_code == 200, response.content
        lines = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
        last = lines.pop()
        parts.append(lines)
        if set(last) == {"cursor"}:
            return parts, last["cursor"]
        assert set(last) == {"after"}
        assert last["after"] == lines[-1]["after"]
        params = {**params, "after": last["after"]}


def _whole_in_parts(api, settings, monkeypatch, **params):
    monkeypatch.setattr(snapshot, "SNAPSHOT_CHUNK", 2)
    settings.SNAPSHOT_RESPONSE_SECONDS = 0  # every response ends after its first chunk
    return _parts(api, **params)


def test_a_snapshot_in_parts_is_the_snapshot_in_one_go(api, settings, monkeypatch):
    directory = _directory(size=3)
    whole, _cursor = read_snapshot(api)
    parts, parts_cursor = _whole_in_parts(api, settings, monkeypatch)
    assert len(parts) > 5
    assert all(len(part) <= 2 for part in parts)
    assert _records([line for part in parts for line in part]) == _records(whole)
    # The closing cursor is the first part's watermark: the feed from it brings everything since.
    first = snapshot.decode_position(parts[0][0]["after"], epoch=feed.current_epoch())
    assert feed.decode_cursor(parts_cursor) == (first.watermark, 0)
    assert {str(obj.uuid) for obj in directory["hidden"]}.isdisjoint(line["uuid"] for line in whole)


def test_resuming_after_any_line_gives_exactly_the_lines_after_it(api):
    _directory()
    whole, cursor = read_snapshot(api, types="institute,testbed,service,contact")
    for number, line in enumerate(whole):
        rest, rest_cursor = read_snapshot(
            api, types="institute,testbed,service,contact", after=line["after"]
        )
        assert rest == whole[number + 1 :]
        assert rest_cursor == cursor


def test_a_snapshot_resumed_after_edits_then_the_feed_equals_the_list_api(
    api, staff, settings, monkeypatch
):
    directory = _directory(size=3)
    monkeypatch.setattr(snapshot, "SNAPSHOT_CHUNK", 2)
    settings.SNAPSHOT_RESPONSE_SECONDS = 0
    first = api.get("/api/v1/snapshot/", {"types": "testbed,service"})
    lines = [json.loads(line) for line in b"".join(first.streaming_content).splitlines()]
    after = lines.pop()["after"]
    streamed = {line["uuid"] for line in lines}
    testbeds = [obj for obj in directory["public"] if isinstance(obj, models.Testbed)]
    done = [t for t in testbeds if str(t.uuid) in streamed]
    waiting = [t for t in testbeds if str(t.uuid) not in streamed]
    assert done
    assert waiting

    # Between the parts: a change to a record already received, one to a record still to come,
    # a record withdrawn from each side, new public and hidden records.
    services.record_update(actor=staff, record=done[0], version=done[0].version, summary="Then")
    services.record_update(
        actor=staff, record=waiting[0], version=waiting[0].version, summary="Later"
    )
    services.record_unpublish(actor=staff, record=done[-1])
    models.Testbed.objects.get(pk=waiting[-1].pk).delete()
    home = directory["public"][0]
    TestbedFactory(institute=home, name="Added between the parts")
    hidden = [
        TestbedFactory(institute=home, published=False),
        TestbedFactory(institute=home, visibility=Visibility.MEMBERS),
        ServiceFactory(institute=home, visibility=Visibility.INSTITUTE),
    ]

    parts, cursor = _parts(api, types="testbed,service", after=after)
    lines += [line for part in parts for line in part]
    keys = [(line["type"], line["uuid"]) for line in lines]
    assert len(keys) == len(set(keys))  # nothing twice
    assert {str(obj.uuid) for obj in hidden + directory["hidden"]}.isdisjoint(
        line["uuid"] for line in lines
    )
    events, _next = read_feed(api, after=cursor)
    events = [e for e in events if e["type"] in {"testbed", "service"}]
    assert apply(_mirror(lines), events) == list_api(api, types=["testbed", "service"])


@pytest.mark.parametrize(
    ("after", "why"),
    [
        ("nonsense", "not a key"),
        (feed.encode_cursor(1, 0, epoch="x"), "a feed cursor, not a snapshot key"),
        (None, "a key of a type ?types= leaves out"),
    ],
)
def test_a_key_that_does_not_continue_this_snapshot_is_a_400_problem(api, after, why):
    if after is None:
        whole, _cursor = read_snapshot(api, types="technology_area")
        after = whole[0]["after"]
    response = api.get("/api/v1/snapshot/", {"types": "testbed", "after": after})
    assert response.status_code == 400, why
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "after"


def test_a_key_from_before_a_restore_is_410_gone(api):
    _directory(size=1)
    whole, _cursor = read_snapshot(api, types="testbed")
    position = snapshot.decode_position(whole[0]["after"], epoch=feed.current_epoch())
    moved = snapshot.Position("0" * 12, position.watermark, position.type_key, position.pk)
    response = api.get("/api/v1/snapshot/", {"types": "testbed", "after": moved.encode()})
    assert response.status_code == 410
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("size", [1, 4])
def test_a_resumed_snapshot_queries_are_constant_in_its_size(api, size, django_assert_num_queries):
    _directory(size=size)
    whole, _cursor = read_snapshot(api, types="institute,testbed,service,contact")
    after = whole[0]["after"]
    # The epoch; BEGIN, isolation level, watermark; institutes 1; testbeds and services 2 each;
    # contacts 1; COMMIT.
    with django_assert_num_queries(11):
        rest, _cursor = read_snapshot(api, types="institute,testbed,service,contact", after=after)
    assert len(rest) == len(whole) - 1
