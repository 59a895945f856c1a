"""Fill the configured database with bench data in bulk: institutes, members, notifications, the
directory (contacts, testbeds, services) with its search index and history, projects, outputs
(guides, benchmark results, comparisons, glossary terms) and the change feed's events.

``--scale small|medium|large`` picks the sizes the benchmark runs at; the other options override
one size each. Rows go in with COPY (bench/bulk.py), the search vectors with one UPDATE per
table, the feed's events with one INSERT … SELECT per type."""

# ruff: noqa: S608 - the SQL below is built from this file's constants, never from input.
import argparse
import hashlib
import os
import random
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nmiq_portal.settings")

import django

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from bench import bulk  # noqa: E402
from bench.catalogue import (  # noqa: E402
    ACCESS,
    AUDIENCES,
    CITIES,
    DESCRIPTION,
    ECONOMY_CENTRE,
    ECONOMY_RMO,
    FAMILY,
    GIVEN,
    KIND_WEIGHTS,
    NAMES,
    QUALIFIERS,
    REGIONS,
    SERVICE_TEMPLATES,
    TESTBED_TEMPLATES,
)
from capabilities.enums import (  # noqa: E402
    METROLOGY_KINDS,
    MemberRole,
    ServiceKind,
    TestbedStatus,
    Visibility,
)
from capabilities.models import (  # noqa: E402
    CapabilityRecord,
    Contact,
    Institute,
    Membership,
    Service,
    TechnologyArea,
    Testbed,
)
from capabilities.services import index_for_search  # noqa: E402
from capabilities.units import parse_unit, to_base  # noqa: E402
from collaborations.enums import ProjectKind, ProjectStatus  # noqa: E402
from collaborations.models import Project, TechnicalWorkingArea  # noqa: E402
from nmiq_portal.accounts.models import User  # noqa: E402
from nmiq_portal.changes import registry  # noqa: E402
from nmiq_portal.changes.models import Action, ChangeEvent, ChangeState  # noqa: E402
from nmiq_portal.notifications.models import Notification  # noqa: E402
from outputs.enums import (  # noqa: E402
    ComparisonStatus,
    GuideVersionStatus,
    ResultStatus,
    TermStatus,
    UncertaintyKind,
)
from outputs.models import (  # noqa: E402
    Benchmark,
    BenchmarkResult,
    Comparison,
    ComparisonResult,
    Guide,
    GuideVersion,
    Term,
)
from outputs.services.glossary import letter_of  # noqa: E402

ACRONYM_PREFIX = "BENCH"
SLUG_PREFIX = "bench"
EMAIL_DOMAIN = "bench.nmi-q.example"
#: The one account with a long inbox; run.py signs in as this person.
INBOX_EMAIL = f"inbox@{EMAIL_DOMAIN}"
PASSWORD = "bench-password-2026"  # noqa: S105 - bench accounts only, removed by --clear
#: The bench's working areas take numbers no real one has.
TWA_FIRST_NUMBER = 900

#: (institutes, testbeds, services, users, notifications per user, inbox) per named scale.
SCALES = {
    "small": (100, 1_000, 5_000, 300, 10, 2_000),
    "medium": (300, 5_000, 25_000, 1_000, 10, 5_000),
    "large": (500, 20_000, 100_000, 2_000, 20, 5_000),
}


# --- Removing the bench rows --------------------------------------------------------------------
#
#: Bench rows of each table, in the order they are deleted (children first); every condition
#: reaches a bench institute, user or working area, so nothing else is touched.
_BENCH = "(select id from capabilities_institute where acronym like 'BENCH%%')"
_USERS = f"(select id from accounts_user where email like '%%@{EMAIL_DOMAIN}')"
_TWAS = f"(select id from collaborations_technicalworkingarea where number >= {TWA_FIRST_NUMBER})"
_PROJECTS = f"(select id from collaborations_project where twa_id in {_TWAS})"
_GUIDES = f"(select id from outputs_guide where twa_id in {_TWAS})"
_BENCHMARKS = f"(select id from outputs_benchmark where twa_id in {_TWAS})"
_COMPARISONS = f"(select id from outputs_comparison where project_id in {_PROJECTS})"
_TERMS = f"(select id from outputs_term where twa_id in {_TWAS})"


def _owned(table: str, column: str, owners: str) -> str:
    return f"{table} where {column} in {owners}"


#: (table whose rows the feed may list, its type key, the condition on the table), for the
#: events and states to delete with the rows.
FEED_ROWS = [
    ("capabilities_testbed", "testbed", f"institute_id in {_BENCH}"),
    ("capabilities_service", "service", f"institute_id in {_BENCH}"),
    ("capabilities_contact", "contact", f"institute_id in {_BENCH}"),
    ("capabilities_institute", "institute", f"id in {_BENCH}"),
    ("collaborations_technicalworkingarea", "twa", f"id in {_TWAS}"),
    ("collaborations_project", "project", f"id in {_PROJECTS}"),
    ("outputs_guide", "guide", f"id in {_GUIDES}"),
    ("outputs_benchmark", "benchmark", f"id in {_BENCHMARKS}"),
    ("outputs_benchmarkresult", "result", f"benchmark_id in {_BENCHMARKS}"),
    ("outputs_comparison", "comparison", f"id in {_COMPARISONS}"),
    ("outputs_term", "term", f"id in {_TERMS}"),
]

DELETES = [
    _owned("notifications_notification", "recipient_id", _USERS),
    _owned("outputs_comparisonresult", "comparison_id", _COMPARISONS),
    _owned("outputs_comparison", "id", _COMPARISONS),
    _owned("outputs_benchmarkresult", "benchmark_id", _BENCHMARKS),
    _owned("outputs_benchmark", "id", _BENCHMARKS),
    _owned("outputs_guideversion", "guide_id", _GUIDES),
    _owned("outputs_guide_institutes", "guide_id", _GUIDES),
    _owned("outputs_guide_technology_areas", "guide_id", _GUIDES),
    _owned("outputs_guide", "id", _GUIDES),
    _owned("outputs_term", "id", _TERMS),
    _owned("collaborations_project", "id", _PROJECTS),
    _owned("collaborations_technicalworkingarea", "id", _TWAS),
    # The load check's tokens (bench/run.py --load) and what its writes left.
    _owned("accounts_apitoken", "user_id", _USERS),
    _owned("workflow_workflowevent", "actor_id", _USERS),
    _owned("capabilities_membership", "user_id", _USERS),
    _owned("capabilities_membership", "institute_id", _BENCH),
    _owned("accounts_user", "id", _USERS),
    *(
        _owned(f"capabilities_{model}_{link}", f"{model}_id", records)
        for model, records in (
            ("testbed", f"(select id from capabilities_testbed where institute_id in {_BENCH})"),
            ("service", f"(select id from capabilities_service where institute_id in {_BENCH})"),
        )
        for link in ("technology_areas", "contacts")
    ),
    _owned("capabilities_service", "institute_id", _BENCH),
    _owned("capabilities_testbed", "institute_id", _BENCH),
    _owned("capabilities_contact", "institute_id", _BENCH),
]


def _history_deletes() -> list[str]:
    """History rows outlive their record (pghistory keeps no foreign key): deleted by the
    record's id, before the records."""
    owned = {
        Testbed: f"(select id from capabilities_testbed where institute_id in {_BENCH})",
        Service: f"(select id from capabilities_service where institute_id in {_BENCH})",
        Contact: f"(select id from capabilities_contact where institute_id in {_BENCH})",
        Institute: _BENCH,
        Term: _TERMS,
        Guide: _GUIDES,
        GuideVersion: f"(select id from outputs_guideversion where guide_id in {_GUIDES})",
        Benchmark: _BENCHMARKS,
        BenchmarkResult: f"(select id from outputs_benchmarkresult where benchmark_id in "
        f"{_BENCHMARKS})",
        Comparison: _COMPARISONS,
        ComparisonResult: f"(select id from outputs_comparisonresult where comparison_id in "
        f"{_COMPARISONS})",
        Project: _PROJECTS,
    }
    return [
        _owned(model.history.field.model._meta.db_table, "pgh_obj_id", owners)
        for model, owners in owned.items()
        if hasattr(model, "history")
    ]


def clear() -> None:
    """Delete every row an earlier run made (and nothing else), in SQL: Django's cascade would
    load each of 100,000 records into Python and send its signals."""
    started = time.perf_counter()
    deleted = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for table, type_key, condition in FEED_ROWS:
            for feed_table in (ChangeEvent._meta.db_table, ChangeState._meta.db_table):
                cursor.execute(
                    f"delete from {feed_table} where type_key = %s "
                    f"and uuid in (select uuid from {table} where {condition})",
                    [type_key],
                )
                deleted[feed_table] = deleted.get(feed_table, 0) + cursor.rowcount
        for statement in _history_deletes() + DELETES:
            cursor.execute(f"delete from {statement}")
            table = statement.split()[0]
            deleted[table] = deleted.get(table, 0) + cursor.rowcount
        # The institutes last, once nothing refers to them.
        cursor.execute(f"delete from capabilities_institute where id in {_BENCH}")
        deleted["capabilities_institute"] = cursor.rowcount
    summary = ", ".join(f"{count} {table}" for table, count in deleted.items() if count)
    print(f"cleared in {time.perf_counter() - started:.1f} s:", summary or "nothing")


def build_institutes(rng: random.Random, count: int) -> list[Institute]:
    kinds = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()), k=count)
    institutes = []
    for number, kind in enumerate(kinds, start=1):
        economy, rmo = rng.choice(ECONOMY_RMO)
        acronym = f"{ACRONYM_PREFIX}{number:05d}"
        name = f"{rng.choice(REGIONS)} {rng.choice(NAMES[kind])} {number}"
        institutes.append(
            Institute(
                slug=acronym.lower(),
                name=name,
                acronym=acronym,
                kind=kind,
                economy=economy,
                rmo=rmo if kind in METROLOGY_KINDS else "",
                website=f"https://{acronym.lower()}.example.org",
                description=(
                    f"{name} offers calibration, testing and characterisation of quantum devices "
                    "at cryogenic temperatures, single-photon detection and time and frequency."
                ),
                # A few are still waiting for staff to verify them, as in the live directory.
                verified=rng.random() < 0.9,
                demo=False,
            )
        )
    return institutes


def build_users(rng: random.Random, count: int, password_hash: str) -> list[User]:
    users = [User(email=INBOX_EMAIL, name="Inbox Bench", password=password_hash)]
    for number in range(1, count):
        name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
        users.append(
            User(email=f"user{number:06d}@{EMAIL_DOMAIN}", name=name, password=password_hash)
        )
    return users


def build_memberships(rng: random.Random, users, institutes) -> list[Membership]:
    return [
        Membership(
            user=user,
            institute=rng.choice(institutes),
            role=MemberRole.ADMIN if rng.random() < 0.1 else MemberRole.EDITOR,
        )
        for user in users
    ]


def notifications_for(rng, user, count, institutes, now) -> list[Notification]:
    """``count`` invitation notifications for ``user``, spread over the past year."""
    rows = []
    for _ in range(count):
        institute = rng.choice(institutes)
        created_at = now - timedelta(minutes=rng.randrange(365 * 24 * 60))
        unread = rng.random() < 0.3
        rows.append(
            Notification(
                recipient=user,
                verb="capabilities.invitation",
                data={
                    "inviter": f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
                    "institute": institute.acronym,
                    "role": "editor",
                    "expires": "2026-12-31",
                },
                url=f"/invitations/{uuid.uuid4()}/",
                created_at=created_at,
                read_at=None if unread else created_at + timedelta(hours=rng.randrange(1, 72)),
            )
        )
    return rows


# --- The directory: testbeds, services and contacts of the bench institutes --------------------
#
def _ranges(ranges: dict, rng: random.Random) -> dict:
    """The template's ranges, each end moved a little, as stored fields."""
    fields = {}
    for dimension, (low, high) in ranges.items():
        low_name, high_name = CapabilityRecord.RANGE_FIELDS[dimension]
        fields[low_name] = low * rng.uniform(0.8, 1.0)
        fields[high_name] = high * rng.uniform(1.0, 1.2)
    return fields


def _common(rng: random.Random, institute: Institute, now: datetime) -> dict:
    """What testbeds and services share: visibility, state, access, dates."""
    published = rng.random() < 0.92
    updated_at = now - timedelta(minutes=rng.randrange(365 * 24 * 60))
    return {
        "institute": institute,
        "published": published,
        "published_at": updated_at - timedelta(days=rng.randrange(0, 60)) if published else None,
        "visibility": rng.choices(
            [Visibility.PUBLIC, Visibility.MEMBERS, Visibility.INSTITUTE], weights=[85, 10, 5]
        )[0],
        "access_modes": sorted(rng.sample(ACCESS, rng.randint(1, 3))),
        "audiences": sorted(rng.sample(AUDIENCES, rng.randint(1, 3))),
        "si_traceable": rng.random() < 0.6,
        "created_at": updated_at - timedelta(days=rng.randrange(0, 400)),
        "updated_at": updated_at,
    }


def _spread(total: int, institutes: list) -> list[tuple]:
    """(institute, its number for it) for ``total`` records shared out over ``institutes``."""
    counts: dict[int, int] = {}
    rows = []
    for index in range(total):
        institute = institutes[index % len(institutes)]
        counts[institute.pk] = counts.get(institute.pk, 0) + 1
        rows.append((institute, counts[institute.pk]))
    return rows


def build_directory(rng, institutes, now, testbeds_total: int, services_total: int) -> dict:
    """Contacts, testbeds and services (with their areas and contacts) of the bench institutes."""
    areas = {area.slug: (area.pk, area.name) for area in TechnologyArea.objects.all()}
    contacts = bulk.copy(
        Contact,
        [
            Contact(
                institute=institute,
                name=f"{institute.acronym} quantum desk",
                function="Testbed and service enquiries",
                email=f"{institute.acronym.lower()}-desk@example.org",
                published=True,
                published_at=now,
            )
            for institute in institutes
        ],
    )
    contact_of = {contact.institute_id: contact.pk for contact in contacts}
    testbeds, testbed_areas = [], []
    for institute, number in _spread(testbeds_total, institutes):
        centre = ECONOMY_CENTRE.get(str(institute.economy), (0.0, 0.0))
        name, slugs, quantities, ranges = rng.choice(TESTBED_TEMPLATES)
        name += rng.choice(QUALIFIERS)
        status = rng.choices(
            [TestbedStatus.OPERATIONAL, TestbedStatus.PLANNED, TestbedStatus.RETIRED],
            weights=[85, 12, 3],
        )[0]
        testbeds.append(
            Testbed(
                slug=f"{institute.slug}-t{number}",
                name=name,
                summary=f"{name}: {', '.join(quantities)}.",
                description=DESCRIPTION.format(
                    name=name, institute=institute.name, quantities=", ".join(quantities)
                ),
                quantities=quantities,
                status=status,
                city=f"{institute.name.split()[0]} {rng.choice(CITIES)}",
                latitude=round(centre[0] + rng.uniform(-6, 6), 2),
                longitude=round(centre[1] + rng.uniform(-8, 8), 2),
                **_ranges(ranges, rng),
                **_common(rng, institute, now),
            )
        )
        testbed_areas.append([areas[slug][0] for slug in slugs])
        testbeds[-1].technology_area_names = sorted(areas[slug][1] for slug in slugs)
    bulk.copy(Testbed, testbeds)
    by_institute: dict[int, list[int]] = {}
    for testbed in testbeds:
        by_institute.setdefault(testbed.institute_id, []).append(testbed.pk)

    services, service_areas = [], []
    for institute, number in _spread(services_total, institutes):
        kind, name, slugs, quantity, measurand, uncertainty, ranges = rng.choice(SERVICE_TEMPLATES)
        name += rng.choice(QUALIFIERS)
        values = {}
        if measurand:
            low, high, unit = measurand
            base_low, base_unit = to_base(low, parse_unit(unit))
            base_high, _ = to_base(high, parse_unit(unit))
            values.update(
                range_lower=low,
                range_upper=high,
                range_unit=unit,
                range_base_lower=base_low,
                range_base_upper=base_high,
                range_base_unit=base_unit,
            )
        if uncertainty:
            mode, low, high, unit = uncertainty
            values.update(
                uncertainty_mode=mode,
                uncertainty_lower=low,
                uncertainty_upper=high,
                uncertainty_unit=unit,
                coverage_factor=2,
                confidence_level=95,
            )
        if kind == ServiceKind.CALIBRATION and institute.rmo and rng.random() < 0.5:
            area = {"V": "EM", "K": "T", "Hz": "TF"}.get(measurand[2], "PR")
            values["kcdb_code"] = (
                f"{institute.rmo}-{area}-{institute.economy}-{rng.randrange(16**8):08X}-1"
            )
        related = by_institute.get(institute.pk)
        services.append(
            Service(
                slug=f"{institute.slug}-s{number}",
                name=name,
                kind=kind,
                summary=f"{name} by {institute.acronym}.",
                description=DESCRIPTION.format(
                    name=name, institute=institute.name, quantities=quantity or name
                ),
                quantity=quantity,
                method=rng.choice(["Comparison", "Substitution", "Direct measurement", ""]),
                testbed_id=rng.choice(related) if related and rng.random() < 0.5 else None,
                **values,
                **_ranges(ranges, rng),
                **_common(rng, institute, now),
            )
        )
        service_areas.append([areas[slug][0] for slug in slugs])
        services[-1].technology_area_names = sorted(areas[slug][1] for slug in slugs)
    bulk.copy(Service, services)

    for model, records, record_areas in (
        (Testbed, testbeds, testbed_areas),
        (Service, services, service_areas),
    ):
        column = f"{model._meta.model_name}_id"
        bulk.copy_rows(
            model.technology_areas.through._meta.db_table,
            [column, "technologyarea_id"],
            (
                (record.pk, pk)
                for record, pks in zip(records, record_areas, strict=True)
                for pk in pks
            ),
        )
        bulk.copy_rows(
            model.contacts.through._meta.db_table,
            [column, "contact_id"],
            ((record.pk, contact_of[record.institute_id]) for record in records),
        )
    return {"contacts": len(contacts), "testbeds": len(testbeds), "services": len(services)}


def _weighted(weight: str, *texts: str) -> str:
    """SQL for one weight of the vector, as capabilities.search.weighted_vector writes it."""
    joined = " || ' ' || ".join(f"coalesce({text}, '')" for text in texts)
    return f"setweight(to_tsvector('english', nmiq_unaccent({joined})), '{weight}')"


def index_directory() -> None:
    """Fill the search vectors of the bench rows in one UPDATE per table, with the same weights
    as ``capabilities.services.index_for_search`` (A name; B summary, areas, quantities and for
    services quantity, method and KCDB code; C description; D institute)."""
    for table, model_name, extra in (
        ("capabilities_testbed", "testbed", ["array_to_string(r.quantities, ' ')"]),
        ("capabilities_service", "service", ["r.quantity", "r.method", "r.kcdb_code"]),
    ):
        areas = (
            "(select string_agg(a.name, ' ') from capabilities_technologyarea a "
            f"join {table}_technology_areas t on t.technologyarea_id = a.id "
            f"where t.{model_name}_id = r.id)"
        )
        vector = " || ".join(
            [
                _weighted("A", "r.name"),
                _weighted("B", "r.summary", areas, *extra),
                _weighted("C", "r.description"),
                _weighted("D", "i.acronym", "i.name"),
            ]
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"update {table} r set search_vector = {vector} "
                "from capabilities_institute i where i.id = r.institute_id "
                "and i.acronym like %s",
                [f"{ACRONYM_PREFIX}%"],
            )
    bench = Institute.objects.filter(acronym__startswith=ACRONYM_PREFIX)
    for institute in bench.iterator(chunk_size=2000):
        index_for_search(institute)


# --- Projects and outputs -----------------------------------------------------------------------
#
TWA_TITLES = [
    ("quantum-computing", "Quantum computing benchmarks"),
    ("single-photons", "Single-photon sources and detectors"),
    ("quantum-electrical", "Quantum electrical standards"),
    ("time-frequency", "Time, frequency and clocks"),
    ("quantum-sensing", "Quantum sensing and imaging"),
]
TERM_WORDS = [
    ("qubit", "The basic unit of quantum information"),
    ("coherence time", "Time over which a quantum state keeps its phase relation"),
    ("detection efficiency", "Probability that an incident photon is registered"),
    ("dark count rate", "Rate of detector events without incident photons"),
    ("gate fidelity", "Overlap of the implemented and the ideal quantum operation"),
    ("measurement uncertainty", "Non-negative parameter characterising the dispersion of values"),
    ("calibration", "Operation relating indications to quantity values of measurement standards"),
    ("traceability", "Property of a result related to a reference through a documented chain"),
]


def build_outputs(rng, institutes, users, now) -> dict:
    """Working areas, a project per institute, and the outputs made in them: guides with a
    published version, benchmark results, comparisons with results, glossary terms."""
    areas = list(TechnologyArea.objects.values_list("pk", flat=True))
    twas = bulk.copy(
        TechnicalWorkingArea,
        [
            TechnicalWorkingArea(
                number=TWA_FIRST_NUMBER + number,
                slug=f"{SLUG_PREFIX}-{slug}",
                title=f"{title} (bench)",
                scope=f"Bench working area on {title.lower()}.",
            )
            for number, (slug, title) in enumerate(TWA_TITLES)
        ],
    )
    comparisons_every = 10
    projects = bulk.copy(
        Project,
        [
            Project(
                slug=f"{SLUG_PREFIX}-p{number}",
                twa=twas[number % len(twas)],
                kind=ProjectKind.COMPARISON
                if number % comparisons_every == 0
                else rng.choice([ProjectKind.RESEARCH, ProjectKind.TESTBED, ProjectKind.TRAINING]),
                title=f"{institute.acronym} joint project {number}",
                acronym=f"BP{number}",
                summary=f"A bench project led by {institute.name}.",
                objectives="Compare, characterise and document.",
                lead_institute=institute,
                proposer=rng.choice(users),
                status=rng.choice([ProjectStatus.ACTIVE, ProjectStatus.COMPLETED]),
                start_date=(now - timedelta(days=rng.randrange(30, 900))).date(),
                submitted_at=now - timedelta(days=900),
                decided_at=now - timedelta(days=880),
                created_at=now - timedelta(days=rng.randrange(900, 1000)),
                updated_at=now - timedelta(days=rng.randrange(0, 30)),
            )
            for number, institute in enumerate(institutes)
        ],
    )
    comparisons = bulk.copy(
        Comparison,
        [
            Comparison(
                slug=f"{SLUG_PREFIX}-c{project.pk}",
                project=project,
                identifier=f"BENCH.EM-K{project.pk}",
                measurand="DC voltage of a Josephson array",
                unit="nV",
                method="weighted_mean",
                reference_value=0.0,
                reference_uncertainty=0.5,
                coverage_factor=2.0,
                description="A bench comparison.",
                status=ComparisonStatus.PUBLISHED,
                published_at=now - timedelta(days=rng.randrange(0, 300)),
            )
            for project in projects
            if project.kind == ProjectKind.COMPARISON
        ],
    )
    bulk.copy(
        ComparisonResult,
        [
            ComparisonResult(
                comparison=comparison,
                institute=rng.choice(institutes),
                position=position,
                value=rng.gauss(0, 0.4),
                uncertainty_kind=UncertaintyKind.EXPANDED,
                uncertainty=rng.uniform(0.2, 1.0),
                coverage_factor=2.0,
                method="Direct comparison",
                included=True,
            )
            for comparison in comparisons
            for position in range(1, 9)
        ],
    )
    benchmarks = bulk.copy(
        Benchmark,
        [
            Benchmark(
                slug=f"{SLUG_PREFIX}-b{number}",
                name=f"Bench benchmark {number}",
                metric="accuracy_score",
                unit="dimensionless",
                technology_area_id=rng.choice(areas),
                twa=twas[number % len(twas)],
                protocol="metriq-gym QML Kernel",
            )
            for number in range(len(twas))
        ],
    )
    results = bulk.copy(
        BenchmarkResult,
        [
            BenchmarkResult(
                benchmark=rng.choice(benchmarks),
                institute=institute,
                provider="ibm",
                device=f"bench_device_{rng.randrange(20)}",
                qubit_count=rng.choice([27, 127, 156]),
                value=(value := round(rng.uniform(0.6, 0.9), 3)),
                value_as_given=str(value),
                uncertainty_kind=UncertaintyKind.STANDARD,
                uncertainty=0.01,
                standard_uncertainty=0.01,
                measured_on=(now - timedelta(days=rng.randrange(0, 600))).date(),
                status=ResultStatus.PUBLISHED,
                submitted_at=now - timedelta(days=10),
                published_at=now - timedelta(days=5),
                created_by=rng.choice(users),
            )
            for institute in institutes
            for _ in range(2)
        ],
    )
    guides = bulk.copy(
        Guide,
        [
            Guide(
                slug=f"{SLUG_PREFIX}-g{number}",
                title=f"Good practice guide {number}: {rng.choice(TWA_TITLES)[1].lower()}",
                summary="How to measure it, and how to state its uncertainty.",
                twa=twas[number % len(twas)],
                created_by=rng.choice(users),
            )
            for number in range(max(len(institutes) // 5, 1))
        ],
    )
    bulk.copy_rows(
        Guide.institutes.through._meta.db_table,
        ["guide_id", "institute_id"],
        ((guide.pk, rng.choice(institutes).pk) for guide in guides),
    )
    bulk.copy(
        GuideVersion,
        [
            GuideVersion(
                guide=guide,
                number="1.0.0",
                major=1,
                file=f"guides/bench-{guide.pk}.pdf",
                original_name=f"guide-{guide.pk}.pdf",
                size=120_000,
                sha256=hashlib.sha256(str(guide.pk).encode()).hexdigest(),
                page_count=12,
                change_notes="First edition.",
                status=GuideVersionStatus.PUBLISHED,
                submitted_at=now - timedelta(days=20),
                published_at=now - timedelta(days=10),
            )
            for guide in guides
        ],
    )
    terms = []
    for number, institute in enumerate(institutes):
        word, definition = TERM_WORDS[number % len(TERM_WORDS)]
        text = f"{word} {number}"
        terms.append(
            Term(
                slug=f"{SLUG_PREFIX}-{text.replace(' ', '-')}",
                term=text,
                letter=letter_of(text),
                definition=f"{definition} (bench term {number}).",
                source="NMI-Q",
                twa=twas[number % len(twas)],
                proposed_by=rng.choice(users),
                proposed_by_institute=institute,
                status=TermStatus.AGREED,
                agreed_at=now - timedelta(days=rng.randrange(0, 300)),
                decided_at=now - timedelta(days=rng.randrange(0, 300)),
            )
        )
    bulk.copy(Term, terms)
    with connection.cursor() as cursor:
        cursor.execute(
            "update outputs_term set search_vector = "
            "setweight(to_tsvector('english', nmiq_unaccent(term || ' ' || abbreviation || ' ' "
            "|| array_to_string(synonyms, ' '))), 'A') || "
            "setweight(to_tsvector('english', nmiq_unaccent(definition)), 'B') || "
            "setweight(to_tsvector('english', nmiq_unaccent(note || ' ' || source)), 'C') "
            "where slug like %s",
            [f"{SLUG_PREFIX}-%"],
        )
    return {
        "projects": len(projects),
        "comparisons": len(comparisons),
        "benchmark results": len(results),
        "guides": len(guides),
        "terms": len(terms),
    }


# --- The change feed ----------------------------------------------------------------------------
#
def fill_feed() -> int:
    """An upsert event for every public object the feed never handed out, with its state row:
    what ``nmiq_portal.changes.capture.backfill`` does after ``migrate``, in one statement per
    type instead of 73 s of ORM rounds at the large scale."""
    events = connection.ops.quote_name(ChangeEvent._meta.db_table)
    states = connection.ops.quote_name(ChangeState._meta.db_table)
    total = 0
    with connection.cursor() as cursor:
        for registration in registry.registrations():
            told = ChangeState.objects.filter(
                type_key=registration.type_key, action=Action.UPSERT
            ).values("uuid")
            missing = (
                registration.public().exclude(uuid__in=told).order_by("pk").values_list("uuid")
            )
            sql, params = missing.query.sql_with_params()
            cursor.execute(
                f"with new as (insert into {events} (type_key, uuid, action, changed_at) "
                f"select %s, m.uuid, %s, now() from ({sql}) as m (uuid) returning id, uuid) "
                f"insert into {states} (type_key, uuid, action, before, event_id, txid) "
                "select %s, uuid, %s, '', id, pg_current_xact_id() from new "
                "on conflict (type_key, uuid) do update set action = excluded.action, "
                "before = excluded.before, event_id = excluded.event_id, txid = excluded.txid",
                [
                    registration.type_key,
                    Action.UPSERT,
                    *params,
                    registration.type_key,
                    Action.UPSERT,
                ],
            )
            total += cursor.rowcount
    return total


# --- Indexes dropped during the load ------------------------------------------------------------
#
DEFERRED_TABLES = ["capabilities_testbed", "capabilities_service", "notifications_notification"]


def drop_secondary_indexes() -> list[str]:
    """Drop the record tables' indexes that no constraint needs (full-text, trigram, sort
    indexes): building each once after the load is several times faster than updating it row by
    row. Returns their definitions, to create them again."""
    with connection.cursor() as cursor:
        cursor.execute(
            "select i.indexname, i.indexdef from pg_indexes i "
            "where i.schemaname = current_schema() and i.tablename = any(%s) "
            "and not exists (select 1 from pg_constraint c where c.conname = i.indexname)",
            [DEFERRED_TABLES],
        )
        found = cursor.fetchall()
        for name, _definition in found:
            cursor.execute(f"drop index {connection.ops.quote_name(name)}")
    return [definition for _name, definition in found]


def create_indexes(definitions: list[str]) -> None:
    with connection.cursor() as cursor:
        # More memory for the sorts of the index builds (this session only).
        cursor.execute("set local maintenance_work_mem = '256MB'")
        for definition in definitions:
            cursor.execute(definition)


def generate(args) -> None:
    rng = random.Random(args.seed)
    now = datetime.now(tz=UTC)
    times = {}
    started = mark = time.perf_counter()

    def lap(label: str) -> None:
        nonlocal mark
        times[label] = time.perf_counter() - mark
        mark = time.perf_counter()

    # One transaction: a failed load leaves nothing behind, the dropped indexes included.
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Foreign keys checked at the end of each statement, not at commit: a table with
            # checks pending can neither be altered (bulk.copy's triggers) nor indexed.
            cursor.execute("set constraints all immediate")
        definitions = drop_secondary_indexes()
        institutes = bulk.copy(Institute, build_institutes(rng, args.institutes))
        # Hashing is deliberately slow (hundreds of ms): hash once and share it.
        password_hash = make_password(PASSWORD)
        users = bulk.copy(User, build_users(rng, args.users, password_hash))
        bulk.copy(Membership, build_memberships(rng, users, institutes))
        notifications = 0
        pending: list[Notification] = []
        for index, user in enumerate(users):
            count = args.inbox_notifications if index == 0 else args.notifications_per_user
            pending += notifications_for(rng, user, count, institutes, now)
            # Flushed in batches so memory stays flat however many users there are.
            if len(pending) >= 20000:
                notifications += len(bulk.copy(Notification, pending))
                pending = []
        notifications += len(bulk.copy(Notification, pending))
        lap("people and notifications")
        directory = build_directory(rng, institutes, now, args.testbeds, args.services)
        lap("directory rows (COPY)")
        outputs = build_outputs(rng, institutes, users, now)
        lap("projects and outputs")
        index_directory()
        lap("search vectors (UPDATE)")
        create_indexes(definitions)
        lap(f"{len(definitions)} indexes built")
        events = fill_feed()
        lap("change feed")
    with connection.cursor() as cursor:
        # Fresh statistics, so the planner sees the new rows as production would after autovacuum.
        cursor.execute("ANALYZE")
    lap("ANALYZE")
    made = {
        "institutes": len(institutes),
        "users": len(users),
        "notifications": notifications,
        **directory,
        **outputs,
        "feed events": events,
    }
    print(
        f"created {', '.join(f'{count} {label}' for label, count in made.items())} "
        f"in {time.perf_counter() - started:.1f} s (sign in as {INBOX_EMAIL} / {PASSWORD})"
    )
    print("  " + ", ".join(f"{label} {seconds:.1f} s" for label, seconds in times.items()))


def main() -> None:
    """Parse options, remove the previous bench rows, then create new ones unless --clear."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=SCALES, default="small")
    parser.add_argument("--institutes", type=int)
    parser.add_argument("--testbeds", type=int, help="testbeds in all, shared over institutes")
    parser.add_argument("--services", type=int, help="services in all, shared over institutes")
    parser.add_argument("--users", type=int)
    parser.add_argument("--notifications-per-user", type=int)
    parser.add_argument(
        "--inbox-notifications",
        type=int,
        help=f"notifications of {INBOX_EMAIL}, the long inbox run.py measures",
    )
    parser.add_argument("--seed", type=int, default=2026, help="same seed, same data")
    parser.add_argument("--clear", action="store_true", help="only delete the bench rows")
    args = parser.parse_args()
    names = [
        "institutes",
        "testbeds",
        "services",
        "users",
        "notifications_per_user",
        "inbox_notifications",
    ]
    for name, value in zip(names, SCALES[args.scale], strict=True):
        if getattr(args, name) is None:
            setattr(args, name, value)
    if args.users < 1 or args.institutes < 1:
        parser.error("--users and --institutes must be at least 1")
    clear()
    if not args.clear:
        generate(args)


if __name__ == "__main__":
    main()
