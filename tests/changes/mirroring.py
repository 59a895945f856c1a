"""The sync client's tests' tools: run the reference client (examples/sync_client.py) against
a live portal, read its SQLite mirror, walk the anonymous list API, and edit the directory at
random through the same services as the browser."""

import importlib.util
import json
import random
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest
import requests

from capabilities import enums, services
from capabilities import models as directory
from capabilities.enums import (
    RMO,
    EvidenceKind,
    InstituteKind,
    ServiceKind,
    Visibility,
)
from capabilities.models import Contact, Evidence, Institute, Service, TechnologyArea
from nmiq_portal.changes import registry
from nmiq_portal.changes.feed import decode_cursor
from nmiq_portal.changes.models import ChangeEvent
from tests.factories import StaffFactory

from .support import settle

ROOT = Path(__file__).resolve().parents[2]
CLIENT = ROOT / "examples" / "sync_client.py"


def _load_client():
    spec = importlib.util.spec_from_file_location("sync_client", CLIENT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


sync_client = _load_client()

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


def no_waiting(seconds):
    pytest.fail(f"the client waited {seconds}s: nothing here should make it retry")


def run(base_url, db_path, **options):
    """A run of the client, which must not need to wait or retry unless told how to, up to the
    last event committed before the call: the counts of the runs it took, added up.

    Unless told to stop after some pages, a run ending below that event is followed by another:
    the feed's watermark may dip below it for a page, as read_feed (support.py) says, and a
    client then has it on its next run.
    """
    options.setdefault("sleep", no_waiting)
    settle()
    last = ChangeEvent.objects.order_by("-txid", "-id").values_list("txid", "id").first()
    deadline = time.monotonic() + 30
    total = sync_client.sync(base_url, db_path, **options)
    while "max_pages" not in options and _behind(db_path, last):
        assert time.monotonic() < deadline, f"the mirror never reached {last}"
        counts = sync_client.sync(base_url, db_path, **options)
        total = {key: value + counts[key] for key, value in total.items()}
        total["records"] = counts["records"]
    return total


def _behind(db_path, last: tuple[int, int] | None) -> bool:
    """Whether the mirror's cursor is below the event at ``last`` (or it has none)."""
    cursor = stored_cursor(db_path)
    return last is not None and (cursor is None or decode_cursor(cursor) < last)


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
            actor=self.staff,
            evidence=evidence,
            version=evidence.version,
            year=self.rng.randint(1990, 2026),
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


def populate(editor, count: int) -> None:
    for kind in ("contact", "testbed", "service") * 2:
        editor.new_record(kind=kind)
    for _ in range(count):
        editor.step()


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
