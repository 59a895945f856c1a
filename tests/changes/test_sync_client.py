"""The reference sync client (examples/sync_client.py) keeps an exact copy of the public API.

Fidelity: random edits through the same services as the browser, interleaved with runs of the
client against a live server; after every complete run the SQLite mirror equals, field for
field, what the anonymous list endpoints return; and nothing private enters the mirror.
Resuming, crashes, network trouble and the command line: test_sync_client_faults.py.
"""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import DatabaseError, connection

from capabilities import models as directory
from capabilities import services
from capabilities.enums import MemberRole, Visibility
from capabilities.models import Contact, Evidence, Institute, Service, TechnologyArea
from nmiq_portal.accounts import services as account_services
from tests.factories import MembershipFactory

from .mirroring import (
    RandomEditor,
    RecordingSession,
    assert_mirror_is_public_api,
    mirror,
    mirror_text,
    no_waiting,
    populate,
    run,
    sync_client,
)

pytestmark = pytest.mark.django_db(transaction=True)


# --- Fidelity -----------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2])
def test_mirror_equals_public_api_after_random_edits_interleaved_with_runs(portal, tmp_path, seed):
    editor = RandomEditor(seed)
    for verified in (True, True, False):
        editor.new_institute(verified=verified)
    populate(editor, 5)
    early, late, fresh = (tmp_path / f"{name}.sqlite3" for name in ("early", "late", "fresh"))
    assert run(portal, early, limit=5)["snapshot"] > 0
    assert_mirror_is_public_api(early, portal, since=editor.log)
    rounds = 14
    for round_ in range(rounds):
        checked = len(editor.log)
        for _ in range(editor.rng.randint(1, 8)):
            editor.step()
        if editor.rng.random() < 0.3:
            run(portal, early, limit=5, max_pages=1)  # a run stopped after one page
            continue
        run(portal, early, limit=5)
        assert_mirror_is_public_api(early, portal, since=editor.log[checked:])
        if round_ == rounds // 2:
            run(portal, late, limit=7)  # a second mirror that starts half-way
    for db_path in (early, late, fresh):
        run(portal, db_path, limit=5)
        assert_mirror_is_public_api(db_path, portal, since=editor.log)
    assert mirror(early) == mirror(late) == mirror(fresh)
    everything = {
        "new_institute", "edit_institute", "toggle_verified", "new_record", "edit_record",
        "toggle_published", "toggle_retired", "change_visibility", "add_evidence", "edit_evidence",
        "delete_record",
    }  # fmt: skip
    assert everything <= editor.done, f"not exercised: {everything - editor.done}"


def test_mirror_equals_public_api_when_synced_while_editors_write(portal, tmp_path):
    """Runs of the client while two editors write at once, committing in any order; once they
    stop, one more run makes the mirror exact (no event was skipped while they wrote)."""
    setup = RandomEditor(seed=3)
    for verified in (True, True, False):
        setup.new_institute(verified=verified)
    populate(setup, 5)
    editors = [RandomEditor(seed=seed, prefix=f"w{seed}-") for seed in (4, 5)]
    failures = []

    def write(editor):
        try:
            for _ in range(40):
                try:
                    editor.step()
                except (DatabaseError, ValidationError, ObjectDoesNotExist) as error:
                    editor.log.append(f"refused: {error!r}")  # the other editor got there first
        except BaseException as error:
            failures.append(error)
        finally:
            connection.close()

    db_path = tmp_path / "mirror.sqlite3"
    threads = [threading.Thread(target=write, args=(editor,)) for editor in editors]
    for thread in threads:
        thread.start()
    runs = 0
    while any(thread.is_alive() for thread in threads) or runs == 0:
        sync_client.sync(portal, db_path, limit=4, sleep=no_waiting)
        runs += 1
    for thread in threads:
        thread.join()
    assert not failures
    run(portal, db_path, limit=4)
    assert_mirror_is_public_api(db_path, portal, since=[line for e in editors for line in e.log])


def _rename_area(area: TechnologyArea) -> None:
    """As portal staff do in the Django admin, the only place the taxonomy is edited."""
    area.slug = f"{area.slug}-renamed"
    area.save()


def test_changes_that_only_alter_related_records_reach_the_mirror(portal, tmp_path, editor):
    """A record's representation also shows its institute, contacts, areas, evidence and
    testbed: a change to any of them reaches the records that show it."""
    staff = editor.staff
    institute = Institute.objects.filter(verified=True).order_by("pk").first()
    area = TechnologyArea.objects.order_by("path").last()

    def publish(model, **data):
        record = services.record_create(actor=staff, model=model, institute=institute, **data)
        return services.record_publish(actor=staff, record=record)

    contact = publish(Contact, name="Ada", email="ada@example.org")
    testbed = publish(directory.Testbed, name="Fridge", contacts=[contact], technology_areas=[area])
    service = publish(Service, name="Cal", kind="calibration", testbed=testbed, contacts=[contact])
    db_path = tmp_path / "mirror.sqlite3"
    run(portal, db_path)
    assert mirror(db_path)[("service", str(service.uuid))]["testbed"] == str(testbed.uuid)
    steps = {
        "institute renamed": lambda: services.institute_update(
            actor=staff, institute=institute, name="Renamed"
        ),
        "contact retired": lambda: services.record_retire(actor=staff, record=contact),
        "contact reinstated": lambda: services.record_reinstate(actor=staff, record=contact),
        "contact unpublished": lambda: services.record_unpublish(actor=staff, record=contact),
        "contact published": lambda: services.record_publish(actor=staff, record=contact),
        "evidence added": lambda: services.evidence_add(
            actor=staff, record=testbed, kind="paper", title="Paper",
            doi="10.1088/1681-7575/ab0001", year=2025,
        ),
        "evidence corrected": lambda: services.evidence_update(
            actor=staff, evidence=Evidence.objects.get(), version=None, year=2024
        ),
        "technology area renamed": lambda: _rename_area(area),
        "testbed unpublished": lambda: services.record_unpublish(actor=staff, record=testbed),
        "testbed published": lambda: services.record_publish(actor=staff, record=testbed),
        "testbed members-only": lambda: services.record_update(
            actor=staff, record=testbed, version=None, visibility=Visibility.MEMBERS
        ),
        "testbed public": lambda: services.record_update(
            actor=staff, record=testbed, version=None, visibility=Visibility.PUBLIC
        ),
        "institute unverified": lambda: services.institute_set_verified(
            actor=staff, institute=institute, verified=False
        ),
        "institute verified": lambda: services.institute_set_verified(
            actor=staff, institute=institute, verified=True
        ),
        "evidence removed": lambda: services.evidence_remove(
            actor=staff, evidence=Evidence.objects.get()
        ),
        "contact deleted": lambda: services.record_delete(actor=staff, record=contact),
        "testbed deleted": lambda: services.record_delete(actor=staff, record=testbed),
    }  # fmt: skip
    for step, change in steps.items():
        change()
        run(portal, db_path)
        assert_mirror_is_public_api(db_path, portal, since=[step])
    assert mirror(db_path)[("service", str(service.uuid))]["contacts"] == []


def test_deleting_an_institute_deletes_its_records_from_the_mirror(portal, tmp_path, editor):
    populate(editor, 0)
    institute = Institute.objects.filter(verified=True).order_by("pk").first()
    editor.new_record(kind="testbed", published=True, institute=institute, visibility="public")
    db_path = tmp_path / "mirror.sqlite3"
    run(portal, db_path)
    services.institute_delete(actor=editor.staff, institute=institute)
    counts = run(portal, db_path)
    assert counts["deletes"] > 0
    assert_mirror_is_public_api(db_path, portal)
    assert str(institute.uuid) not in mirror_text(db_path)


def test_deleted_records_leave_the_mirror(portal, tmp_path, editor):
    institute = Institute.objects.filter(verified=True).order_by("pk").first()
    for kind in ("contact", "testbed", "service"):
        public = {} if kind == "contact" else {"visibility": Visibility.PUBLIC}
        editor.new_record(kind=kind, institute=institute, published=True, **public)
    db_path = tmp_path / "mirror.sqlite3"
    run(portal, db_path)
    for model in (directory.Testbed, Service, Contact):
        record = model.objects.public().get()
        services.record_delete(actor=editor.staff, record=record)
        run(portal, db_path)
        assert_mirror_is_public_api(db_path, portal, since=[f"deleted {record.name}"])
        assert str(record.uuid) not in mirror_text(db_path)


# --- Nothing private enters the mirror ----------------------------------------------------------


def test_draft_members_only_and_unverified_records_never_enter_the_mirror(portal, tmp_path, editor):
    staff = editor.staff
    home = Institute.objects.filter(verified=True).order_by("pk").first()
    unverified = Institute.objects.filter(verified=False).get()

    def make(model, *, institute=home, published=True, **data):
        record = services.record_create(actor=staff, model=model, institute=institute, **data)
        return services.record_publish(actor=staff, record=record) if published else record

    draft_contact = make(Contact, name="Draft", email="draft@example.org", published=False)
    public_contact = make(Contact, name="Public", email="public.secret@example.org")
    members_testbed = make(directory.Testbed, name="Members", visibility=Visibility.MEMBERS)
    hidden = [
        draft_contact,
        members_testbed,
        make(directory.Testbed, name="Own", visibility=Visibility.INSTITUTE),
        make(directory.Testbed, name="Draft testbed", published=False),
        make(Service, name="Members svc", kind="testing", visibility=Visibility.MEMBERS),
        make(directory.Testbed, name="Unverified", institute=unverified),
        make(Contact, name="Unverified", email="u@example.org", institute=unverified),
        services.record_retire(actor=staff, record=make(directory.Testbed, name="Retired")),
    ]
    public_testbed = make(
        directory.Testbed, name="Public", contacts=[draft_contact, public_contact]
    )
    public_service = make(Service, name="Svc", kind="testing", testbed=members_testbed)
    hidden.append(unverified)

    session = RecordingSession()
    db_path = tmp_path / "mirror.sqlite3"
    run(portal, db_path, session=session)  # the snapshot
    # Then the feed: more hidden records, and public ones that leave.
    hidden.append(make(Service, name="Later draft", kind="testing", published=False))
    hidden.append(make(directory.Testbed, name="Later members", visibility=Visibility.MEMBERS))
    services.record_update(
        actor=staff, record=members_testbed, version=None, name="Members, renamed"
    )
    services.record_update(
        actor=staff, record=draft_contact, version=None, function="Still a draft"
    )
    leaving = make(directory.Testbed, name="Soon members-only")
    run(portal, db_path, session=session)
    assert ("testbed", str(leaving.uuid)) in mirror(db_path)
    services.record_update(actor=staff, record=leaving, version=None, visibility=Visibility.MEMBERS)
    services.record_update(actor=staff, record=leaving, version=None, name="Secret name")
    run(portal, db_path, session=session)

    copy = mirror(db_path)
    assert set(copy) == {
        ("institute", str(institute.uuid)) for institute in Institute.objects.filter(verified=True)
    } | {
        ("contact", str(public_contact.uuid)),
        ("testbed", str(public_testbed.uuid)),
        ("service", str(public_service.uuid)),
    } | {("technology_area", str(area.uuid)) for area in TechnologyArea.objects.all()}
    assert copy[("testbed", str(public_testbed.uuid))]["contacts"] == [str(public_contact.uuid)]
    assert copy[("service", str(public_service.uuid))]["testbed"] is None
    everything_received = "\n".join(session.bodies)
    for record in hidden:
        assert str(record.uuid) not in everything_received, f"{record} was handed out"
    for secret in ("Secret name", "Members, renamed", "Still a draft", "public.secret@"):
        assert secret not in everything_received
    assert_mirror_is_public_api(db_path, portal)


def test_a_members_token_gives_the_same_mirror_as_no_token(portal, tmp_path, editor):
    """The feed is public whoever asks: a member's token raises the rate limit, nothing else."""
    populate(editor, 10)
    home = Institute.objects.filter(verified=True).order_by("pk").first()
    editor.new_record(kind="testbed", institute=home, visibility=Visibility.MEMBERS)
    member = MembershipFactory(institute=home, role=MemberRole.ADMIN).user
    _token, secret = account_services.api_token_create(
        actor=member, name="sync", expiry=timedelta(days=1)
    )
    anonymous, with_token = tmp_path / "anonymous.sqlite3", tmp_path / "token.sqlite3"
    run(portal, anonymous)
    run(portal, with_token, token=secret)
    for _ in range(10):
        editor.step()
    run(portal, anonymous)
    run(portal, with_token, token=secret)
    assert mirror(with_token) == mirror(anonymous)
    assert_mirror_is_public_api(with_token, portal)
