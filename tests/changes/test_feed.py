"""/api/v1/changes/: ordered below the watermark, deletes for whatever leaves the public
directory, nothing of drafts or members-only records, data as the anonymous API shows it."""

import threading

import psycopg2
import pytest
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from capabilities import models, services
from capabilities.enums import ContactStatus, Visibility
from capabilities.models import Contact, Institute, ReadinessLevel, TechnologyArea
from nmiq_portal.changes import capture, feed
from nmiq_portal.changes.models import ChangeEvent, ChangeState
from tests.factories import (
    ContactFactory,
    InstituteFactory,
    ServiceFactory,
    TestbedFactory,
)

from .support import (
    held_transaction,
    list_api,
    poll,
    read_feed,
    read_snapshot,
    settle,
    wait_for_lock_waiter,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _seen(events):
    return [(event["type"], event["uuid"], event["action"]) for event in events]


def _events_of(events, obj):
    return [event for event in events if event["uuid"] == str(obj.uuid)]


# --- Ordering under concurrent writers ---------------------------------------------------------


def test_poll_never_hands_out_an_event_past_a_transaction_still_running(api, staff):
    first = TestbedFactory(institute=InstituteFactory(), published=False, name="First")
    second = TestbedFactory(institute=InstituteFactory(), published=False, name="Second")
    _events, start = read_feed(api)

    # The first writer takes its transaction id, writes its event and stays open; the second
    # writer, with a later id, commits first.
    with held_transaction() as writer:
        writer.run(lambda: services.record_publish(actor=staff, record=first))
        services.record_publish(actor=staff, record=second)
        assert ChangeEvent.objects.filter(uuid=second.uuid).exists()  # committed, yet held back
        page = poll(api, after=start)
        since = page.pop("held_back_since")
        assert page == {"results": [], "next": start, "has_more": False, "held_back": True}
        # Since when the writer's transaction has been open: the page says why it is empty.
        assert parse_datetime(since) <= timezone.now()

    events, _next = read_feed(api, after=start)
    assert _seen(events) == [
        ("testbed", str(first.uuid), "upsert"),
        ("testbed", str(second.uuid), "upsert"),
    ]
    assert [event["data"]["name"] for event in events] == ["First", "Second"]


def test_a_transaction_open_in_another_database_does_not_hold_the_feed_back(api, staff):
    testbed = TestbedFactory(institute=InstituteFactory(), published=False)
    _events, start = read_feed(api)
    other = psycopg2.connect(**(connection.get_connection_params() | {"dbname": "postgres"}))
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_current_xact_id()")  # holds a transaction id, stays open
        services.record_publish(actor=staff, record=testbed)
        page = poll(api, after=start)
        assert _seen(page["results"]) == [("testbed", str(testbed.uuid), "upsert")]
        # A transaction of another database (another test run's) that ends between the moment
        # the snapshot lists the running ones and its read of pg_stat_activity counts as this
        # database's, so that one snapshot waits for it, by design. The held one stays open
        # throughout: a watermark past the event in any of three snapshots shows it holds
        # nothing back.
        watermarks = [feed.decode_cursor(read_snapshot(api)[1])[0] for _attempt in range(3)]
        assert max(watermarks) > feed.decode_cursor(page["next"])[0]
    finally:
        other.close()


def test_pages_continue_from_next_without_gaps_or_repeats(api):
    institute = InstituteFactory()
    testbeds = TestbedFactory.create_batch(7, institute=institute)
    everything, _next = read_feed(api)
    pages, after = [], None
    while True:
        page = poll(api, after=after, limit=3)
        assert len(page["results"]) <= 3
        pages += page["results"]
        after = page["next"]
        if not page["has_more"]:
            break
    assert pages == everything
    assert {str(t.uuid) for t in testbeds} <= {event["uuid"] for event in pages}
    assert poll(api, after=after) == {
        "results": [],
        "next": after,
        "has_more": False,
        "held_back": False,
        "held_back_since": None,
    }


def test_a_writer_waits_for_another_that_made_the_other_half_of_a_change(api, staff):
    """One transaction verifies the institute while another publishes its testbed: neither
    sees the testbed public on its own, yet the one that commits second records the upsert."""
    institute = InstituteFactory(verified=False)
    testbed = TestbedFactory(institute=institute, published=False)

    def verify():
        stored = Institute.objects.get(pk=institute.pk)
        stored.verified = True
        stored.save()  # records its testbeds: the testbed is a draft as this transaction sees it

    def publish():
        try:
            stored = models.Testbed.objects.get(pk=testbed.pk)
            stored.published = True
            stored.save()
        finally:
            connection.close()

    with held_transaction() as verifier:
        verifier.run(verify)
        publisher = threading.Thread(target=publish)
        publisher.start()
        # The publisher waits for the verifier's lock on the testbed's feed state, so it reads
        # the verification once committed instead of the unverified institute it started with.
        wait_for_lock_waiter()
    publisher.join(timeout=60)
    events, _next = read_feed(api)
    assert ("testbed", str(testbed.uuid), "upsert") in _seen(events)
    assert models.Testbed.objects.public().filter(pk=testbed.pk).exists()


# --- Deletes -----------------------------------------------------------------------------------


def _unpublish(staff, testbed):
    services.record_unpublish(actor=staff, record=testbed)


def _retire(staff, testbed):
    services.record_retire(actor=staff, record=testbed)


def _unverify(staff, testbed):
    services.institute_set_verified(actor=staff, institute=testbed.institute, verified=False)


def _members_only(staff, testbed):
    services.record_update(
        actor=staff, record=testbed, version=testbed.version, visibility=Visibility.MEMBERS
    )


def _delete(staff, testbed):
    models.Testbed.objects.get(pk=testbed.pk).delete()


def _delete_institute(staff, testbed):
    services.institute_delete(actor=staff, institute=testbed.institute)


LEAVING = {
    "unpublished": _unpublish,
    "retired": _retire,
    "institute unverified": _unverify,
    "made members-only": _members_only,
    "deleted": _delete,
    "institute deleted": _delete_institute,
}


@pytest.mark.parametrize("how", LEAVING)
def test_a_record_leaving_the_public_directory_arrives_as_a_delete(api, staff, how):
    testbed = TestbedFactory(institute=InstituteFactory())
    events, after = read_feed(api)
    assert _seen(_events_of(events, testbed)) == [("testbed", str(testbed.uuid), "upsert")]

    LEAVING[how](staff, testbed)

    events, _next = read_feed(api, after=after)
    mine = _events_of(events, testbed)
    assert [(event["action"], event["data"]) for event in mine] == [("delete", None)]


def test_institute_unverification_deletes_the_institute_and_everything_it_lists(api, staff):
    institute = InstituteFactory()
    contact = ContactFactory(institute=institute)
    testbed = TestbedFactory(institute=institute, contacts=[contact])
    service = ServiceFactory(institute=institute, testbed=testbed)
    _events, after = read_feed(api)

    services.institute_set_verified(actor=staff, institute=institute, verified=False)

    events, _next = read_feed(api, after=after)
    assert sorted(_seen(events)) == sorted(
        (type_key, str(obj.uuid), "delete")
        for type_key, obj in [
            ("institute", institute),
            ("contact", contact),
            ("testbed", testbed),
            ("service", service),
        ]
    )


def test_republishing_after_a_delete_is_an_upsert_again(api, staff):
    testbed = TestbedFactory(institute=InstituteFactory())
    _events, after = read_feed(api)
    services.record_unpublish(actor=staff, record=testbed)
    services.record_publish(actor=staff, record=testbed)
    events, _next = read_feed(api, after=after)
    assert [event["action"] for event in _events_of(events, testbed)] == ["upsert", "upsert"]


# --- What never appears ------------------------------------------------------------------------


def test_a_draft_that_was_never_public_leaves_no_event_at_all(api, staff):
    institute = InstituteFactory()
    draft = TestbedFactory(institute=institute, published=False, name="Secret plan")
    services.record_update(actor=staff, record=draft, version=draft.version, summary="Edited")
    services.record_retire(actor=staff, record=draft)
    services.evidence_add(
        actor=staff, record=draft, kind="paper", title="Draft paper", doi="10.1000/xyz123"
    )
    services.institute_update(actor=staff, institute=institute, name="Renamed institute")
    models.Testbed.objects.get(pk=draft.pk).delete()
    assert not ChangeEvent.objects.filter(uuid=draft.uuid).exists()
    events, _next = read_feed(api)
    assert str(draft.uuid) not in {event["uuid"] for event in events}


@pytest.mark.parametrize("visibility", [Visibility.MEMBERS, Visibility.INSTITUTE])
def test_records_for_members_or_the_own_institute_never_appear(api, staff, visibility):
    institute = InstituteFactory()
    hidden = TestbedFactory(institute=institute, visibility=visibility)
    hidden_service = ServiceFactory(institute=institute, visibility=visibility, testbed=hidden)
    services.record_update(actor=staff, record=hidden, version=hidden.version, summary="New")
    services.institute_update(actor=staff, institute=institute, name="Renamed")
    services.record_unpublish(actor=staff, record=hidden)
    services.record_publish(actor=staff, record=hidden)
    assert not ChangeEvent.objects.filter(uuid__in=[hidden.uuid, hidden_service.uuid]).exists()
    events, _next = read_feed(api)
    assert {str(hidden.uuid), str(hidden_service.uuid)}.isdisjoint(e["uuid"] for e in events)


def test_records_of_an_unverified_institute_never_appear(api):
    institute = InstituteFactory(verified=False)
    testbed = TestbedFactory(institute=institute)
    contact = ContactFactory(institute=institute)
    events, _next = read_feed(api)
    uuids = {event["uuid"] for event in events}
    assert {str(institute.uuid), str(testbed.uuid), str(contact.uuid)}.isdisjoint(uuids)


# --- Data is the anonymous API's, as of the read ---------------------------------------------


def test_data_is_what_the_anonymous_detail_endpoint_returns(api, staff):
    institute = InstituteFactory()
    contact = ContactFactory(institute=institute)
    testbed = TestbedFactory(
        institute=institute,
        contacts=[contact],
        technology_areas=[TechnologyArea.objects.get(slug="cryogenics")],
        readiness=ReadinessLevel.objects.first(),
    )
    ServiceFactory(institute=institute, testbed=testbed, contacts=[contact])
    services.evidence_add(
        actor=staff, record=testbed, kind="paper", title="A paper", doi="10.1000/abc123"
    )
    events, _next = read_feed(api)
    latest = {(event["type"], event["uuid"]): event["data"] for event in events}
    assert latest == list_api(api)
    for data in latest.values():
        assert api.get(data["url"]).json() == data
    assert "email" not in latest[("contact", str(contact.uuid))]


def test_a_signed_in_reader_gets_the_public_data_too(api, staff):
    contact = ContactFactory(institute=InstituteFactory())
    api.force_authenticate(staff)
    events, _next = read_feed(api)
    (event,) = _events_of(events, contact)
    assert "email" not in event["data"]


def test_an_upsert_of_an_object_no_longer_public_reads_as_a_delete(api):
    testbed = TestbedFactory(institute=InstituteFactory())
    models.Testbed.objects.filter(pk=testbed.pk).update(published=False)  # no signal, no event
    events, _next = read_feed(api)
    assert [(e["action"], e["data"]) for e in _events_of(events, testbed)] == [("delete", None)]


def test_a_delete_of_an_object_public_again_reads_as_an_upsert(api, staff):
    testbed = TestbedFactory(institute=InstituteFactory())
    services.record_unpublish(actor=staff, record=testbed)
    models.Testbed.objects.filter(pk=testbed.pk).update(published=True)  # no signal, no event
    events, _next = read_feed(api)
    assert [e["action"] for e in _events_of(events, testbed)] == ["upsert", "upsert"]
    assert _events_of(events, testbed)[-1]["data"]["uuid"] == str(testbed.uuid)


def test_events_in_transaction_id_order_still_end_in_the_state_committed_last(api, staff):
    """A transaction that took its id early republishes after another unpublished: its upsert
    sorts before that delete, yet a client applying the feed in order ends with the record."""
    testbed = TestbedFactory(institute=InstituteFactory())
    other = TestbedFactory(institute=InstituteFactory())
    _events, after = read_feed(api)

    with held_transaction() as early:
        early.run(lambda: services.record_update(actor=staff, record=other, version=None))
        services.record_unpublish(actor=staff, record=testbed)
        early.run(lambda: services.record_publish(actor=staff, record=testbed))

    stored = ChangeEvent.objects.filter(uuid=testbed.uuid).order_by("txid", "id")
    assert list(stored.values_list("action", flat=True)) == ["upsert", "upsert", "delete"]
    events, _next = read_feed(api, after=after)
    mirror = {}
    for event in events:
        if event["action"] == "upsert":
            mirror[event["uuid"]] = event["data"]
        else:
            mirror.pop(event["uuid"], None)
    assert mirror[str(testbed.uuid)] == api.get(f"/api/v1/testbeds/{testbed.uuid}/").json()


# --- What a change of something else records ---------------------------------------------------


def _after_change(api, change):
    _events, after = read_feed(api)
    change()
    events, _next = read_feed(api, after=after)
    return events


def test_a_technology_area_changed_by_staff_upserts_it_its_sub_areas_and_its_records(api):
    top = TechnologyArea.objects.get(slug="computing")
    below = list(TechnologyArea.objects.filter(path__startswith="computing/"))
    assert any(area.depth == 2 for area in below)
    testbed = TestbedFactory(institute=InstituteFactory(), technology_areas=[top])
    _events, start = read_feed(api)
    top.slug = "quantum-computing"
    top.save()  # in the admin
    events, _next = read_feed(api, after=start)
    assert {(event["type"], event["uuid"]) for event in events} == {
        ("technology_area", str(top.uuid)),
        *(("technology_area", str(area.uuid)) for area in below),
        ("testbed", str(testbed.uuid)),
    }
    assert all(event["action"] == "upsert" for event in events)
    paths = {event["data"]["path"] for event in events if event["type"] == "technology_area"}
    assert "quantum-computing/superconducting/cryogenics" in paths
    assert all(path.startswith("quantum-computing") for path in paths)
    assert TechnologyArea.objects.get(slug="cryogenics").path == (
        "quantum-computing/superconducting/cryogenics"
    )


def test_renaming_an_institute_upserts_its_records_with_the_new_name(api, staff):
    institute = InstituteFactory()
    contact = ContactFactory(institute=institute)
    testbed = TestbedFactory(institute=institute)
    service = ServiceFactory(institute=institute)
    events = _after_change(
        api, lambda: services.institute_update(actor=staff, institute=institute, name="Renamed")
    )
    names = {(e["type"], e["uuid"]): e["data"] for e in events}
    assert names[("institute", str(institute.uuid))]["name"] == "Renamed"
    for type_key, record in [("contact", contact), ("testbed", testbed), ("service", service)]:
        assert names[(type_key, str(record.uuid))]["institute"]["name"] == "Renamed"


def test_retiring_a_contact_upserts_the_records_that_listed_it(api, staff):
    institute = InstituteFactory()
    contact = ContactFactory(institute=institute)
    testbed = TestbedFactory(institute=institute, contacts=[contact])
    service = ServiceFactory(institute=institute, contacts=[contact])
    events = _after_change(api, lambda: services.record_retire(actor=staff, record=contact))
    by_uuid = {e["uuid"]: e for e in events}
    assert by_uuid[str(contact.uuid)]["action"] == "delete"
    for record in (testbed, service):
        assert by_uuid[str(record.uuid)]["action"] == "upsert"
        assert by_uuid[str(record.uuid)]["data"]["contacts"] == []


def test_unpublishing_or_deleting_a_testbed_upserts_the_services_run_on_it(api, staff):
    institute = InstituteFactory()
    testbed = TestbedFactory(institute=institute)
    service = ServiceFactory(institute=institute, testbed=testbed)
    events = _after_change(api, lambda: services.record_unpublish(actor=staff, record=testbed))
    (event,) = _events_of(events, service)
    assert event["data"]["testbed"] is None

    services.record_publish(actor=staff, record=testbed)
    events = _after_change(api, lambda: models.Testbed.objects.get(pk=testbed.pk).delete())
    (event,) = _events_of(events, service)
    assert (event["action"], event["data"]["testbed"]) == ("upsert", None)


def test_evidence_added_changed_and_removed_upserts_its_record(api, staff):
    testbed = TestbedFactory(institute=InstituteFactory())
    item = {}

    def add():
        item["evidence"] = services.evidence_add(
            actor=staff, record=testbed, kind="paper", title="T1 paper", doi="10.1000/t1"
        )

    for change in (
        add,
        lambda: services.evidence_update(
            actor=staff, evidence=item["evidence"], version=None, year=2020
        ),
        lambda: services.evidence_remove(actor=staff, evidence=item["evidence"]),
    ):
        events = _after_change(api, change)
        (event,) = _events_of(events, testbed)
        assert event["action"] == "upsert"
    assert event["data"]["evidence"] == []


@pytest.mark.parametrize("side", ["record", "area", "contact"])
def test_many_to_many_changes_from_either_side_upsert_the_record(api, staff, side):
    institute = InstituteFactory()
    testbed = TestbedFactory(institute=institute)
    area = TechnologyArea.objects.get(slug="cryogenics")
    contact = ContactFactory(institute=institute)
    change = {
        "record": lambda: models.Testbed.objects.get(pk=testbed.pk).technology_areas.add(area),
        "area": lambda: area.testbeds.add(testbed),
        "contact": lambda: Contact.objects.get(pk=contact.pk).testbeds.add(testbed),
    }[side]
    events = _after_change(api, change)
    (event,) = _events_of(events, testbed)
    assert event["action"] == "upsert"

    clear = {
        "record": lambda: models.Testbed.objects.get(pk=testbed.pk).technology_areas.clear(),
        "area": lambda: area.testbeds.clear(),
        "contact": lambda: Contact.objects.get(pk=contact.pk).testbeds.clear(),
    }[side]
    events = _after_change(api, clear)
    (event,) = _events_of(events, testbed)
    assert (event["data"]["technology_areas"], event["data"]["contacts"]) == ([], [])


def test_one_transaction_writes_one_event_per_object(staff):
    testbed = TestbedFactory(institute=InstituteFactory())
    before = ChangeEvent.objects.count()
    with transaction.atomic():
        for summary in ("one", "two", "three"):
            testbed = services.record_update(
                actor=staff, record=testbed, version=testbed.version, summary=summary
            )
    assert ChangeEvent.objects.count() == before + 1


def test_published_and_withdrawn_in_one_transaction_leaves_no_event(staff):
    institute = InstituteFactory()
    with transaction.atomic():
        testbed = TestbedFactory(institute=institute)
        services.record_unpublish(actor=staff, record=testbed)
    assert not ChangeEvent.objects.filter(uuid=testbed.uuid).exists()


def test_touch_records_a_write_that_sent_no_signal(api):
    from nmiq_portal import changes

    testbed = TestbedFactory(institute=InstituteFactory())
    _events, after = read_feed(api)
    with transaction.atomic():
        models.Testbed.objects.filter(pk=testbed.pk).update(published=False)
        changes.touch(models.Testbed, [testbed.pk])
    events, _next = read_feed(api, after=after)
    assert _seen(events) == [("testbed", str(testbed.uuid), "delete")]


def test_a_contact_retired_by_a_plain_save_is_a_delete(api):
    contact = ContactFactory(institute=InstituteFactory())
    stored = Contact.objects.get(pk=contact.pk)
    stored.status = ContactStatus.RETIRED
    events = _after_change(api, stored.save)
    assert _seen(events) == [("contact", str(contact.uuid), "delete")]


def test_backfill_records_public_objects_that_predate_the_feed_once(api, staff):
    institute = InstituteFactory()
    testbed = TestbedFactory(institute=institute)
    draft = TestbedFactory(institute=institute, published=False)
    ChangeEvent.objects.all().delete()
    ChangeState.objects.all().delete()  # as if made before the feed existed

    areas = TechnologyArea.objects.all()
    assert capture.backfill() == 2 + len(areas)
    assert capture.backfill() == 0
    events, _next = read_feed(api)
    assert sorted(_seen(events)) == sorted(
        [
            ("institute", str(institute.uuid), "upsert"),
            ("testbed", str(testbed.uuid), "upsert"),
            *(("technology_area", str(area.uuid), "upsert") for area in areas),
        ]
    )
    # Known to the feed now: unpublishing it is a delete, the draft still leaves nothing.
    services.record_unpublish(actor=staff, record=testbed)
    services.record_update(actor=staff, record=draft, version=draft.version, summary="x")
    assert _seen(read_feed(api, after=_next)[0]) == [("testbed", str(testbed.uuid), "delete")]


# --- Cursor, limit, queries --------------------------------------------------------------------


def test_events_are_ordered_by_transaction_id_as_a_number_not_as_text(api):
    institute = InstituteFactory()
    ChangeEvent.objects.bulk_create(
        ChangeEvent(txid=txid, type_key="institute", uuid=institute.uuid, action="upsert")
        for txid in (10, 9)
    )
    events, _next = read_feed(api)
    assert [feed.decode_cursor(e["cursor"])[0] for e in events[:2]] == [9, 10]


@pytest.mark.django_db  # refused before any read: no commit needed
@pytest.mark.parametrize(
    "after",
    [
        "garbage!",
        "bm90IGEgY3Vyc29y",  # "not a cursor"
        feed.encode_cursor(1, 2, epoch="0123456789ab").replace("M", "N", 1),  # another version
        "MS4tMS4w",  # "1.-1.0"
        "MS45OTk5OTk5OTk5OTk5OTk5OTk5OTkuMA",  # beyond 64 bits
        "",
    ],
)
def test_a_bad_cursor_is_a_400_problem(api, after):
    response = api.get("/api/v1/changes/", {"after": after})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "after"


@pytest.mark.django_db  # refused before any read: no commit needed
@pytest.mark.parametrize("limit", ["0", "1001", "-5", "ten", "1.5", "¹", "٣", "9" * 5000])
def test_a_bad_limit_is_a_400_problem(api, limit):
    response = api.get("/api/v1/changes/", {"limit": limit})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "limit"


def test_without_after_the_feed_starts_at_the_beginning_and_next_is_the_start(api):
    settle()
    first = poll(api, limit=1)["results"]
    start = feed.start_cursor(feed.current_epoch())
    assert first == poll(api, after=start, limit=1)["results"]
    assert [event["type"] for event in first] == ["technology_area"]  # the taxonomy came first
    ChangeEvent.objects.all().delete()
    assert poll(api) == {
        "results": [],
        "next": start,
        "has_more": False,
        "held_back": False,
        "held_back_since": None,
    }


def test_an_empty_poll_is_one_query(api, django_assert_num_queries):
    InstituteFactory()
    settle()
    _events, latest = read_feed(api)
    with django_assert_num_queries(1):
        page = poll(api, after=latest)
    assert (page["results"], page["next"], page["held_back"]) == ([], latest, False)


def test_limit_defaults_to_100(api):
    InstituteFactory.create_batch(101)
    settle()
    page = poll(api)
    assert (len(page["results"]), page["has_more"]) == (100, True)


@pytest.mark.parametrize("limit", [10, 50])
def test_feed_queries_are_constant_in_the_page_size(api, staff, limit, django_assert_num_queries):
    for _ in range(15):
        institute = InstituteFactory()
        contact = ContactFactory(institute=institute)
        testbed = TestbedFactory(
            institute=institute,
            contacts=[contact],
            technology_areas=[TechnologyArea.objects.get(slug="cryogenics")],
            readiness=ReadinessLevel.objects.first(),
        )
        ServiceFactory(institute=institute, testbed=testbed, contacts=[contact])
    events, _next = read_feed(api)
    # Start where every type is on the page, whatever the limit: after the taxonomy and the
    # first institute's four records.
    first = next(n for n, event in enumerate(events) if event["type"] == "institute")
    after = events[first + 3]["cursor"]
    # The events with the epoch; institutes 1; testbeds 2 (the rows with their areas and
    # contacts, their evidence); services 2; contacts 1.
    with django_assert_num_queries(7):
        page = poll(api, after=after, limit=limit)
    assert len(page["results"]) == limit
    assert {event["type"] for event in page["results"]} == {
        "institute",
        "testbed",
        "service",
        "contact",
    }
