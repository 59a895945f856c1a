"""Fill the configured database with bench data in bulk: institutes, members, notifications, and
the directory (contacts, testbeds, services) with its search index."""

import argparse
import os
import random
import sys
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nmiq_portal.settings")

import django

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402

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
from nmiq_portal.accounts.models import User  # noqa: E402
from nmiq_portal.notifications.models import Notification  # noqa: E402

ACRONYM_PREFIX = "BENCH"
EMAIL_DOMAIN = "bench.nmi-q.example"
#: The one account with a long inbox; run.py signs in as this person.
INBOX_EMAIL = f"inbox@{EMAIL_DOMAIN}"
PASSWORD = "bench-password-2026"  # noqa: S105 - bench accounts only, removed by --clear
BATCH = 5000


def clear() -> None:
    """Delete every row an earlier run made (and nothing else)."""
    users = User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}")
    # Deleted first, in one statement: the cascade from users would load them all into Python.
    _, notifications = Notification.objects.filter(recipient__in=users).delete()
    _, accounts = users.delete()
    bench = Institute.objects.filter(acronym__startswith=ACRONYM_PREFIX)
    # History rows outlive their record (pghistory keeps no foreign key): delete them first.
    history = Counter()
    for model in (Testbed, Service, Contact):
        _, counts = model.history.field.model.objects.filter(pgh_obj__institute__in=bench).delete()
        history.update(counts)
    _, counts = Institute.history.field.model.objects.filter(pgh_obj__in=bench).delete()
    history.update(counts)
    _, institutes = bench.delete()
    deleted = Counter(notifications) + Counter(accounts) + history + Counter(institutes)
    summary = ", ".join(f"{count} {label}" for label, count in deleted.items())
    print("cleared:", summary or "nothing")


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


def build_directory(rng, institutes, now, testbeds_each: int, services_each: int) -> dict:
    """Contacts, testbeds and services (with their areas and contacts) of the bench institutes."""
    areas = {area.slug: area.pk for area in TechnologyArea.objects.all()}
    contacts = Contact.objects.bulk_create(
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
        batch_size=BATCH,
    )
    contact_of = {contact.institute_id: contact.pk for contact in contacts}
    testbeds, testbed_areas = [], []
    for institute in institutes:
        centre = ECONOMY_CENTRE.get(str(institute.economy), (0.0, 0.0))
        for number in range(1, testbeds_each + 1):
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
            testbed_areas.append([areas[slug] for slug in slugs])
    testbeds = Testbed.objects.bulk_create(testbeds, batch_size=BATCH)
    by_institute: dict[int, list[int]] = {}
    for testbed in testbeds:
        by_institute.setdefault(testbed.institute_id, []).append(testbed.pk)

    services, service_areas = [], []
    for institute in institutes:
        for number in range(1, services_each + 1):
            kind, name, slugs, quantity, measurand, uncertainty, ranges = rng.choice(
                SERVICE_TEMPLATES
            )
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
            service_areas.append([areas[slug] for slug in slugs])
    services = Service.objects.bulk_create(services, batch_size=BATCH)

    for model, records, record_areas in (
        (Testbed, testbeds, testbed_areas),
        (Service, services, service_areas),
    ):
        column = f"{model._meta.model_name}_id"
        model.technology_areas.through.objects.bulk_create(
            [
                model.technology_areas.through(**{column: record.pk, "technologyarea_id": pk})
                for record, pks in zip(records, record_areas, strict=True)
                for pk in pks
            ],
            batch_size=BATCH,
        )
        model.contacts.through.objects.bulk_create(
            [
                model.contacts.through(
                    **{column: record.pk, "contact_id": contact_of[record.institute_id]}
                )
                for record in records
            ],
            batch_size=BATCH,
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
            "(select string_agg(a.name, ' ') from capabilities_technologyarea a "  # noqa: S608
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
                f"update {table} r set search_vector = {vector} "  # noqa: S608 - no input in it
                "from capabilities_institute i where i.id = r.institute_id "
                "and i.acronym like %s",
                [f"{ACRONYM_PREFIX}%"],
            )
    bench = Institute.objects.filter(acronym__startswith=ACRONYM_PREFIX)
    for institute in bench.iterator(chunk_size=BATCH):
        index_for_search(institute)


def generate(args) -> None:
    rng = random.Random(args.seed)
    now = datetime.now(tz=UTC)
    started = time.perf_counter()
    with transaction.atomic():
        institutes = Institute.objects.bulk_create(
            build_institutes(rng, args.institutes), batch_size=BATCH
        )
        # Hashing is deliberately slow (hundreds of ms): hash once and share it.
        password_hash = make_password(PASSWORD)
        users = User.objects.bulk_create(
            build_users(rng, args.users, password_hash), batch_size=BATCH
        )
        Membership.objects.bulk_create(build_memberships(rng, users, institutes), batch_size=BATCH)
        total = 0
        pending: list[Notification] = []
        for index, user in enumerate(users):
            count = args.inbox_notifications if index == 0 else args.notifications_per_user
            pending += notifications_for(rng, user, count, institutes, now)
            # Flushed in batches so memory stays flat however many users there are.
            if len(pending) >= BATCH:
                Notification.objects.bulk_create(pending, batch_size=BATCH)
                total += len(pending)
                pending = []
        Notification.objects.bulk_create(pending, batch_size=BATCH)
        total += len(pending)
    people_done = time.perf_counter()
    # A transaction of its own: in the same one as the 200,000 notifications (and their
    # deferred foreign-key checks) the same inserts took ten times longer (99 s, not 8.5 s).
    with transaction.atomic():
        directory = build_directory(
            rng, institutes, now, args.testbeds_per_institute, args.services_per_institute
        )
        directory_done = time.perf_counter()
        index_directory()
        index_done = time.perf_counter()
    with connection.cursor() as cursor:
        # Fresh statistics, so the planner sees the new rows as production would after autovacuum.
        cursor.execute("ANALYZE")
    print(
        f"created {len(institutes)} institutes, {len(users)} users and memberships, "
        f"{total} notifications, {directory['contacts']} contacts, "
        f"{directory['testbeds']} testbeds and {directory['services']} services "
        f"in {time.perf_counter() - started:.1f} s "
        f"(sign in as {INBOX_EMAIL} / {PASSWORD})"
    )
    print(
        f"  people and notifications {people_done - started:.1f} s, directory rows "
        f"{directory_done - people_done:.1f} s, search index {index_done - directory_done:.1f} s, "
        f"ANALYZE {time.perf_counter() - index_done:.1f} s"
    )


def main() -> None:
    """Parse options, remove the previous bench rows, then create new ones unless --clear."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--institutes", type=int, default=2000)
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--notifications-per-user", type=int, default=40)
    parser.add_argument(
        "--inbox-notifications",
        type=int,
        default=5000,
        help=f"notifications of {INBOX_EMAIL}, the long inbox run.py measures",
    )
    parser.add_argument(
        "--testbeds-per-institute",
        type=int,
        default=3,
        help="with the default 2000 institutes: 6000 testbeds",
    )
    parser.add_argument(
        "--services-per-institute",
        type=int,
        default=2,
        help="with the default 2000 institutes: 4000 services (10,000 records in all)",
    )
    parser.add_argument("--seed", type=int, default=2026, help="same seed, same data")
    parser.add_argument("--clear", action="store_true", help="only delete the bench rows")
    args = parser.parse_args()
    if args.users < 1 or args.institutes < 1:
        parser.error("--users and --institutes must be at least 1")
    clear()
    if not args.clear:
        generate(args)


if __name__ == "__main__":
    main()
