"""The reference sync client (examples/sync_client.py) keeps an exact copy of the public API.

Fidelity: random edits through the same services as the browser, interleaved with runs of the
client against a live server; after every complete run the SQLite mirror equals, field for
field, what the anonymous list endpoints return. Also: resuming, crashes, and no leaks.
"""

import importlib.util
import json
import random
import sqlite3
import subprocess
import sys
import threading
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
import time_machine
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import DatabaseError, connection

from capabilities import enums, services
from capabilities import models as directory
from capabilities.enums import (
    RMO,
    EvidenceKind,
    InstituteKind,
    MemberRole,
    ServiceKind,
    Visibility,
)
from capabilities.models import Contact, Evidence, Institute, Service, TechnologyArea
from nmiq_portal.accounts import services as account_services
from nmiq_portal.changes import registry
from tests.factories import MembershipFactory, StaffFactory

from .support import settle

ROOT = Path(__file__).resolve().parents[2]
CLIENT = ROOT / "examples" / "sync_client.py"


def _load_client():
    spec = importlib.util.spec_from_file_location("sync_client", CLIENT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


sync_client = _load_client()

pytestmark = pytest.mark.django_db(transaction=True)

#: The types of the directory, whose list endpoints show what their detail endpoints do; other
#: types (e.g. "project") are compared with their detail endpoint.
DIRECTORY = ("institute", "testbed", "service", "contact")
MODELS = {"testbed": directory.Testbed, "service": Service, "contact": Contact}
RETIRED = {
    directory.Testbed: enums.TestbedStatus.RETIRED,
    Service: enums.ServiceStatus.RETIRED,
    Contact: enums.ContactStatus.RETIRED,
}


def limit_rates(settings, rate: str) -> None:
    """Every API rate limit (anonymous, token, session) set to ``rate``."""
    framework = settings.REST_FRAMEWORK
    rates = dict.fromkeys(framework["DEFAULT_THROTTLE_RATES"], rate)
    settings.REST_FRAMEWORK = {**framework, "DEFAULT_THROTTLE_RATES": rates}


@pytest.fixture
def portal(live_server, settings):
    """The live portal's base URL, without rate limits (these tests make many requests)."""
    limit_rates(settings, "1000000/min")
    return live_server.url


def _no_waiting(seconds):
    pytest.fail(f"the client waited {seconds}s: nothing here should make it retry")


def run(base_url, db_path, **options):
    """One run of the client, which must not need to wait or retry unless told how to."""
    options.setdefault("sleep", _no_waiting)
    settle()
    return sync_client.sync(base_url, db_path, **options)


def mirror(db_path) -> dict:
    with closing(sqlite3.connect(db_path)) as db:
        rows = db.execute("SELECT type, uuid, data FROM records").fetchall()
    return {(kind, uuid): json.loads(data) for kind, uuid, data in rows}


def mirror_text(db_path) -> str:
    """Everything the mirror holds, as one string to search."""
    return json.dumps(sorted(mirror(db_path).items()), ensure_ascii=False)


def stored_cursor(db_path) -> str | None:
    with closing(sqlite3.connect(db_path)) as db:
        row = db.execute("SELECT value FROM state WHERE key = 'cursor'").fetchone()
    return row[0] if row else None


def copy_mirror(source, target) -> None:
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


#: List endpoints not named <type>s.
ENDPOINTS = {"technology_area": "technology-areas"}


def public_api(base_url, kinds) -> dict:
    """{(type, uuid): representation} from walking every page of the anonymous list endpoints
    (/api/v1/<type>s/), and for a type outside the directory from each detail endpoint."""
    found = {}
    for kind in kinds:
        url = f"{base_url}/api/v1/{ENDPOINTS.get(kind, kind + 's')}/?page_size=100"
        while url:
            response = requests.get(url, timeout=30)
            assert response.status_code == 200, (url, response.text[:300])
            body = response.json()
            for item in body["results"]:
                key = (kind, item["uuid"])
                assert key not in found, f"{key} on two pages of /api/v1/{kind}s/"
                if kind not in DIRECTORY:
                    item = requests.get(item["url"], timeout=30).json()
                found[key] = item
            url = body.get("next")
    return found


def differences(db_path, base_url) -> list[str]:
    """What keeps the mirror from equalling the public API, one line each."""
    copy = mirror(db_path)
    feed_types = {registration.type_key for registration in registry.registrations()}
    api = public_api(base_url, sorted({*DIRECTORY, *feed_types, *(kind for kind, _ in copy)}))
    problems = [
        f"missing {key}: {api[key].get('name')!r}" for key in sorted(api.keys() - copy.keys())
    ]
    problems += [
        f"extra {key}: {copy[key].get('name')!r}" for key in sorted(copy.keys() - api.keys())
    ]
    for key in sorted(api.keys() & copy.keys()):
        ours, theirs = copy[key], api[key]
        for field in sorted(ours.keys() | theirs.keys()):
            if ours.get(field, "<absent>") != theirs.get(field, "<absent>"):
                problems.append(
                    f"{key} {field}: mirror {ours.get(field, '<absent>')!r}"
                    f" != API {theirs.get(field, '<absent>')!r}"
                )
    return problems


def assert_mirror_is_public_api(db_path, base_url, *, since: list[str] = ()) -> None:
    problems = differences(db_path, base_url)
    assert not problems, "\n".join(
        ["the mirror differs from the public API", *problems, "after the edits:", *since]
    )


# --- Edits as editors and staff make them -------------------------------------------------------


class RandomEditor:
    """Random edits through capabilities/services.py, made by portal staff (who may do all)."""

    def __init__(self, seed: int, *, prefix: str = ""):
        self.rng = random.Random(seed)
        self.prefix = prefix  # editors writing at the same time never pick the same names
        self.staff = StaffFactory()
        self.areas = list(TechnologyArea.objects.order_by("path"))
        self.counter = 0
        self.log: list[str] = []
        self.done: set[str] = set()

    def _next(self) -> int:
        self.counter += 1
        return self.counter

    def _pick(self, queryset):
        items = list(queryset.order_by("pk"))
        return self.rng.choice(items) if items else None

    def _name(self, noun: str) -> str:
        # Accents, dashes and a non-BMP character: the copy must keep every one of them.
        flavour = self.rng.choice(["", " für Kälte", " \u2013 à froid", " 🧊", ' "quoted"'])
        return f"{noun} {self.prefix}{self._next()}{flavour}"

    def _ranges(self) -> dict:
        if self.rng.random() < 0.5:
            return {}
        low = round(self.rng.uniform(0.001, 4), 6)
        return {"temperature_min_k": low, "temperature_max_k": low * 100}

    def step(self) -> None:
        operations = {
            self.new_institute: 2,
            self.edit_institute: 2,
            self.toggle_verified: 2,
            self.delete_institute: 0.5,
            self.new_record: 10,
            self.edit_record: 6,
            self.toggle_published: 4,
            self.toggle_retired: 3,
            self.change_visibility: 3,
            self.add_evidence: 2,
            self.edit_evidence: 1,
            self.remove_evidence: 1,
            self.delete_record: 2,
        }
        operation = self.rng.choices(list(operations), weights=list(operations.values()))[0]
        said = operation()
        if said:
            self.done.add(operation.__name__)
            self.log.append(said)

    # Institutes

    def new_institute(self, *, verified=None) -> str:
        n = self._next()
        institute = services.institute_create(
            actor=self.staff,
            name=self._name("Institut für Quantenmetrologie"),
            acronym=f"QI{self.prefix}{n}",
            kind=InstituteKind.NMI,
            economy=self.rng.choice(["DE", "FR", "JP", "US", "ZA"]),
            rmo=RMO.EURAMET,
            description="Kryostaten *und* Laser.",
        )
        if verified if verified is not None else self.rng.random() < 0.8:
            services.institute_set_verified(actor=self.staff, institute=institute, verified=True)
        return f"new institute {institute.acronym} (verified={institute.verified})"

    def edit_institute(self) -> str | None:
        institute = self._pick(Institute.objects.all())
        if institute is None:
            return None
        services.institute_update(
            actor=self.staff,
            institute=institute,
            name=self._name("Renamed institute"),
            description=self.rng.choice(["", "Now with **trapped ions**."]),
        )
        return f"renamed institute {institute.acronym}"

    def toggle_verified(self) -> str | None:
        institute = self._pick(Institute.objects.all())
        if institute is None:
            return None
        services.institute_set_verified(
            actor=self.staff, institute=institute, verified=not institute.verified
        )
        return f"institute {institute.acronym} verified={not institute.verified}"

    def delete_institute(self) -> str | None:
        if Institute.objects.count() < 3:
            return None
        institute = self._pick(Institute.objects.all())
        services.institute_delete(actor=self.staff, institute=institute)
        return f"deleted institute {institute.acronym} with its records"

    # Testbeds, services, contacts

    def _records(self, kinds=("testbed", "service", "contact")):
        candidates = [record for kind in kinds for record in MODELS[kind].objects.order_by("pk")]
        return self.rng.choice(candidates) if candidates else None

    def _relations(self, institute) -> dict:
        contacts = list(Contact.objects.filter(institute=institute).order_by("pk"))
        return {
            "technology_areas": self.rng.sample(self.areas, self.rng.randint(0, 2)),
            "contacts": self.rng.sample(contacts, min(len(contacts), self.rng.randint(0, 2))),
        }

    def _visibility(self) -> str:
        return self.rng.choices(
            [Visibility.PUBLIC, Visibility.MEMBERS, Visibility.INSTITUTE], weights=[6, 3, 1]
        )[0]

    def new_record(self, *, kind=None, published=None, institute=None, **extra) -> str | None:
        institute = institute or self._pick(Institute.objects.all())
        if institute is None:
            return None
        kind = kind or self.rng.choice(list(MODELS))
        if kind == "contact":
            n = self._next()
            data = {
                "name": self._name("Dr Zoë Contact"),
                "function": "Head of the cryogenic lab",
                "email": f"contact{self.prefix}{n}@example.org",
                "phone": "+49 531 592 0",
            }
        else:
            data = {
                "name": self._name(kind.title()),
                "summary": "Characterises devices at millikelvin temperatures.",
                "description": "A *dilution* refrigerator.\n\n- 10 mK\n- 20 qubits",
                "visibility": self._visibility(),
                **self._relations(institute),
                **self._ranges(),
            }
        if kind == "service":
            data["kind"] = self.rng.choice(list(ServiceKind))
            testbeds = list(directory.Testbed.objects.filter(institute=institute).order_by("pk"))
            if testbeds and self.rng.random() < 0.5:
                data["testbed"] = self.rng.choice(testbeds)
        data.update(extra)
        record = services.record_create(
            actor=self.staff, model=MODELS[kind], institute=institute, **data
        )
        if published if published is not None else self.rng.random() < 0.75:
            record = services.record_publish(actor=self.staff, record=record)
        return f"new {kind} {record.name!r} of {institute.acronym} (published={record.published})"

    def edit_record(self) -> str | None:
        record = self._records()
        if record is None:
            return None
        changes = {"name": self._name("Edited")}
        if isinstance(record, Contact):
            changes["function"] = self.rng.choice(["", "Quantum metrologist"])
        else:
            changes["summary"] = self.rng.choice(["", "Now colder.", "Ein Kryostat."])
            changes.update(self._relations(record.institute))
            changes.update(self._ranges())
        if isinstance(record, Service):
            testbeds = list(
                directory.Testbed.objects.filter(institute=record.institute).order_by("pk")
            )
            changes["testbed"] = self.rng.choice([None, *testbeds])
        services.record_update(actor=self.staff, record=record, version=None, **changes)
        return f"edited {type(record).__name__} {record.name!r} -> {changes['name']!r}"

    def toggle_published(self) -> str | None:
        record = self._records()
        if record is None:
            return None
        change = services.record_unpublish if record.published else services.record_publish
        change(actor=self.staff, record=record)
        return f"{change.__name__} {type(record).__name__} {record.name!r}"

    def toggle_retired(self) -> str | None:
        record = self._records()
        if record is None:
            return None
        retired = record.status == RETIRED[type(record)]
        change = services.record_reinstate if retired else services.record_retire
        change(actor=self.staff, record=record)
        return f"{change.__name__} {type(record).__name__} {record.name!r}"

    def change_visibility(self) -> str | None:
        record = self._records(("testbed", "service"))
        if record is None:
            return None
        visibility = self.rng.choice([v for v in Visibility.values if v != record.visibility])
        services.record_update(actor=self.staff, record=record, version=None, visibility=visibility)
        return f"{type(record).__name__} {record.name!r} visibility {visibility}"

    def add_evidence(self) -> str | None:
        record = self._records(("testbed", "service"))
        if record is None:
            return None
        n = self._next()
        services.evidence_add(
            actor=self.staff,
            record=record,
            kind=self.rng.choice(list(EvidenceKind)),
            title=f"Key comparison CCQM-Q{self.prefix}{n}",
            doi=f"10.1088/0026-1394/{self.prefix}{n}",
            year=2024,
        )
        return f"evidence for {type(record).__name__} {record.name!r}"

    def edit_evidence(self) -> str | None:
        evidence = self._pick(Evidence.objects.all())
        if evidence is None:
            return None
        services.evidence_update(
            actor=self.staff, evidence=evidence, year=self.rng.randint(1990, 2026)
        )
        return f"changed the year of evidence {evidence.title!r}"

    def remove_evidence(self) -> str | None:
        evidence = self._pick(Evidence.objects.all())
        if evidence is None:
            return None
        services.evidence_remove(actor=self.staff, evidence=evidence)
        return f"removed evidence {evidence.title!r}"

    def delete_record(self) -> str | None:
        record = self._records()
        if record is None:
            return None
        services.record_delete(actor=self.staff, record=record)
        return f"deleted {type(record).__name__} {record.name!r}"


@pytest.fixture
def editor():
    editor = RandomEditor(seed=0)
    for verified in (True, True, False):
        editor.new_institute(verified=verified)
    return editor


def _populate(editor, count: int) -> None:
    for kind in ("contact", "testbed", "service") * 2:
        editor.new_record(kind=kind)
    for _ in range(count):
        editor.step()


# --- Fidelity -----------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2])
def test_mirror_equals_public_api_after_random_edits_interleaved_with_runs(portal, tmp_path, seed):
    editor = RandomEditor(seed)
    for verified in (True, True, False):
        editor.new_institute(verified=verified)
    _populate(editor, 5)
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
    _populate(setup, 5)
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
        sync_client.sync(portal, db_path, limit=4, sleep=_no_waiting)
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
            actor=staff, evidence=Evidence.objects.get(), year=2024
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
    _populate(editor, 0)
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


class RecordingSession(requests.Session):
    """Keeps the body of every answer the client gets, and what each 429 said to wait."""

    def __init__(self):
        super().__init__()
        self.bodies: list[str] = []
        self.retry_after: list[str] = []

    def request(self, method, url, *args, **kwargs):
        response = super().request(method, url, *args, **kwargs)
        self.bodies.append(response.content.decode())  # read whole, streamed or not
        if response.status_code == 429:
            self.retry_after.append(response.headers["Retry-After"])
        return response


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
    _populate(editor, 10)
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


# --- Resuming and crashing ----------------------------------------------------------------------


@pytest.fixture
def synced(portal, tmp_path, editor):
    """A mirror made before 8 new public contacts and 20 random edits, and a copy of it."""
    _populate(editor, 10)
    db_path = tmp_path / "mirror.sqlite3"
    run(portal, db_path)
    home = Institute.objects.filter(verified=True).order_by("pk").first()
    for _ in range(8):
        editor.new_record(kind="contact", institute=home, published=True)
    for _ in range(20):
        editor.step()
    reference = tmp_path / "reference.sqlite3"
    copy_mirror(db_path, reference)
    return db_path, reference


def test_a_run_stopped_after_a_page_resumes_without_loss_or_duplication(portal, synced):
    db_path, reference = synced
    whole = run(portal, reference, limit=3)
    assert whole["pages"] > 2
    first = run(portal, db_path, limit=3, max_pages=1)
    assert first["pages"] == 1
    assert stored_cursor(db_path) != stored_cursor(reference)
    rest = run(portal, db_path, limit=3)
    assert first["upserts"] + rest["upserts"] == whole["upserts"]
    assert first["deletes"] + rest["deletes"] == whole["deletes"]
    assert mirror(db_path) == mirror(reference)
    assert stored_cursor(db_path) == stored_cursor(reference)
    assert_mirror_is_public_api(db_path, portal)
    again = run(portal, db_path, limit=3)
    assert (again["pages"], again["upserts"], again["deletes"]) == (1, 0, 0)


class CrashingSession(requests.Session):
    """Crashes the client (as Ctrl-C would) at the ``at``-th request for the change feed:
    before it is sent, or while the page is being applied (after its first event)."""

    def __init__(self, *, at: int, during_page: bool):
        super().__init__()
        self.at, self.during_page, self.feed_requests = at, during_page, 0

    def request(self, method, url, *args, **kwargs):
        if "/changes/" in url:
            self.feed_requests += 1
            if self.feed_requests == self.at and not self.during_page:
                raise KeyboardInterrupt
        response = super().request(method, url, *args, **kwargs)
        if "/changes/" in url and self.feed_requests == self.at and self.during_page:
            body = response.json()
            body["results"] = ExplodingList(body["results"])
            response.json = lambda **kwargs: body
        return response


class ExplodingList(list):
    def __iter__(self):
        yield self[0]
        raise KeyboardInterrupt


@pytest.mark.parametrize("during_page", [False, True], ids=["between-pages", "during-a-page"])
def test_a_crash_keeps_the_mirror_at_the_last_whole_page_and_the_next_run_completes_it(
    portal, synced, tmp_path, during_page
):
    db_path, reference = synced
    two_pages = tmp_path / "two_pages.sqlite3"
    copy_mirror(reference, two_pages)
    run(portal, two_pages, limit=3, max_pages=2)
    with pytest.raises(KeyboardInterrupt):
        run(portal, db_path, limit=3, session=CrashingSession(at=3, during_page=during_page))
    assert mirror(db_path) == mirror(two_pages)
    assert stored_cursor(db_path) == stored_cursor(two_pages)
    run(portal, db_path, limit=3)
    run(portal, reference, limit=3)
    assert mirror(db_path) == mirror(reference)
    assert_mirror_is_public_api(db_path, portal)


class CutSnapshotSession(requests.Session):
    """The first snapshot breaks off before its cursor line, as a dropped connection would."""

    def __init__(self):
        super().__init__()
        self.snapshots = 0

    def request(self, method, url, *args, **kwargs):
        response = super().request(method, url, *args, **kwargs)
        if "/snapshot/" in url:
            self.snapshots += 1
            if self.snapshots == 1:
                lines = response.content.splitlines(keepends=True)
                response._content = b"".join(lines[:-1])
        return response


def test_a_snapshot_cut_short_is_not_kept_and_is_fetched_again(portal, tmp_path, editor):
    _populate(editor, 0)
    waits = []
    session = CutSnapshotSession()
    db_path = tmp_path / "mirror.sqlite3"
    counts = run(portal, db_path, session=session, sleep=waits.append)
    assert session.snapshots == 2
    assert len(waits) == 1
    assert counts["snapshot"] == counts["records"]
    assert_mirror_is_public_api(db_path, portal)


def test_a_run_interrupted_after_its_snapshot_keeps_the_snapshot(portal, tmp_path, editor):
    _populate(editor, 0)
    db_path = tmp_path / "mirror.sqlite3"
    with pytest.raises(KeyboardInterrupt):
        run(portal, db_path, session=CrashingSession(at=1, during_page=False))
    assert stored_cursor(db_path) is not None
    assert_mirror_is_public_api(db_path, portal)


class InterruptedSnapshot(requests.Session):
    """Ctrl-C while the snapshot's third line is being read."""

    def request(self, method, url, *args, **kwargs):
        response = super().request(method, url, *args, **kwargs)
        lines = response.iter_lines

        def interrupted(*args, **kwargs):
            for number, line in enumerate(lines(*args, **kwargs)):
                if number == 2:
                    raise KeyboardInterrupt
                yield line

        response.iter_lines = interrupted
        return response


def test_a_snapshot_interrupted_midway_leaves_nothing_and_the_next_run_starts_afresh(
    portal, tmp_path, editor
):
    _populate(editor, 0)
    db_path = tmp_path / "mirror.sqlite3"
    with pytest.raises(KeyboardInterrupt):
        run(portal, db_path, session=InterruptedSnapshot())
    assert (mirror(db_path), stored_cursor(db_path)) == ({}, None)
    assert run(portal, db_path)["snapshot"] > 2
    assert_mirror_is_public_api(db_path, portal)


# --- Network trouble and rate limits ------------------------------------------------------------


class FlakyNetwork(requests.Session):
    """The first ``failures`` requests for the change feed never reach the portal."""

    def __init__(self, failures: int):
        super().__init__()
        self.failures = failures

    def request(self, method, url, *args, **kwargs):
        if "/changes/" in url and self.failures:
            self.failures -= 1
            raise requests.ConnectionError("connection refused")
        return super().request(method, url, *args, **kwargs)


def test_network_errors_are_retried_with_growing_backoff(portal, tmp_path, editor):
    _populate(editor, 0)
    waits = []
    db_path = tmp_path / "mirror.sqlite3"
    run(portal, db_path, session=FlakyNetwork(failures=3), sleep=waits.append)
    assert len(waits) == 3
    for wait, (low, high) in zip(waits, [(0.5, 1), (1, 2), (2, 4)], strict=True):
        assert low <= wait <= high
    assert_mirror_is_public_api(db_path, portal)


def test_network_errors_give_up_after_the_last_attempt(portal, tmp_path, editor):
    db_path = tmp_path / "mirror.sqlite3"
    with pytest.raises(sync_client.SyncError, match="connection refused"):
        run(portal, db_path, session=FlakyNetwork(failures=100), sleep=lambda seconds: None)
    assert stored_cursor(db_path) is not None  # the snapshot stays; the feed continues later


def test_the_client_waits_as_long_as_retry_after_says_when_throttled(
    live_server, tmp_path, editor, settings
):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    limit_rates(settings, "2/min")
    _populate(editor, 0)
    db_path = tmp_path / "mirror.sqlite3"
    waits, session = [], RecordingSession()
    with time_machine.travel(datetime(2026, 5, 4, 9, 0, tzinfo=UTC)) as traveller:

        def sleep(seconds):
            waits.append(seconds)
            traveller.shift(seconds)

        run(live_server.url, db_path, sleep=sleep, session=session)
        home = Institute.objects.filter(verified=True).order_by("pk").first()
        for _ in range(4):
            editor.new_record(kind="contact", published=True, institute=home)
        counts = run(live_server.url, db_path, limit=1, sleep=sleep, session=session)
    assert counts["pages"] >= 4
    assert len(waits) >= 2  # two requests a minute: a wait before every other page
    assert waits == [float(seconds) for seconds in session.retry_after]
    limit_rates(settings, "1000000/min")
    assert_mirror_is_public_api(db_path, live_server.url)


def test_a_bad_cursor_is_reported_not_skipped(portal, tmp_path, editor):
    db_path = tmp_path / "mirror.sqlite3"
    run(portal, db_path)
    with closing(sqlite3.connect(db_path)) as db, db:
        db.execute("UPDATE state SET value = 'not-a-cursor' WHERE key = 'cursor'")
    with pytest.raises(sync_client.SyncError, match="400"):
        run(portal, db_path)
    assert stored_cursor(db_path) == "not-a-cursor"


# --- The command line ---------------------------------------------------------------------------


def test_command_line_mirrors_the_directory_and_prints_one_line(portal, tmp_path, editor):
    _populate(editor, 5)
    db_path = tmp_path / "mirror.sqlite3"
    command = [sys.executable, str(CLIENT), "--base-url", portal, "--db", str(db_path)]
    settle()
    first = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert (first.returncode, first.stderr) == (0, "")
    assert len(first.stdout.splitlines()) == 1
    assert "snapshot of" in first.stdout
    home = Institute.objects.filter(verified=True).order_by("pk").first()
    editor.new_record(kind="contact", published=True, institute=home)
    settle()
    second = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert (second.returncode, second.stderr) == (0, "")
    assert "snapshot" not in second.stdout
    assert "1 upserts" in second.stdout
    assert_mirror_is_public_api(db_path, portal)


def test_command_line_exits_1_with_the_reason_when_the_portal_cannot_be_reached(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr(sync_client, "MAX_ATTEMPTS", 1)
    argv = ["--base-url", "http://127.0.0.1:9", "--db", str(tmp_path / "mirror.sqlite3")]
    assert sync_client.main(argv) == 1
    output = capsys.readouterr()
    assert output.out == ""
    assert output.err.startswith("sync failed: GET /api/v1/snapshot/")
