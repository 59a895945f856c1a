"""Fill the configured database with bench data (institutes, members, notifications) in bulk."""

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

from capabilities.enums import METROLOGY_KINDS, RMO, InstituteKind, MemberRole  # noqa: E402
from capabilities.models import Institute, Membership  # noqa: E402
from nmiq_portal.accounts.models import User  # noqa: E402
from nmiq_portal.notifications.models import Notification  # noqa: E402

ACRONYM_PREFIX = "BENCH"
EMAIL_DOMAIN = "bench.nmi-q.example"
#: The one account with a long inbox; run.py signs in as this person.
INBOX_EMAIL = f"inbox@{EMAIL_DOMAIN}"
PASSWORD = "bench-password-2026"  # noqa: S105 - bench accounts only, removed by --clear
BATCH = 5000

# Economies grouped by the RMO their metrology institutes belong to, so rows look like the real
# directory (a French NMI in EURAMET, not in SIM).
ECONOMIES = {
    RMO.EURAMET: ["DE", "FR", "GB", "IT", "ES", "NL", "CH", "AT", "SE", "FI", "PL", "CZ", "PT"],
    RMO.APMP: ["JP", "CN", "KR", "AU", "SG", "IN", "NZ", "TH", "MY", "ID", "VN"],
    RMO.SIM: ["US", "CA", "MX", "BR", "AR", "CL", "CO", "PE", "UY"],
    RMO.COOMET: ["UA", "BY", "KZ", "MD", "GE", "AM"],
    RMO.AFRIMETS: ["ZA", "EG", "KE", "NG", "GH", "TN", "MA"],
    RMO.GULFMET: ["SA", "AE", "QA", "KW", "OM", "BH"],
}
ECONOMY_RMO = [(economy, rmo) for rmo, economies in ECONOMIES.items() for economy in economies]
# Share of each kind in the directory: mostly NMIs and DIs, then their partners.
KIND_WEIGHTS = {
    InstituteKind.NMI: 40,
    InstituteKind.DI: 20,
    InstituteKind.TESTING_LABORATORY: 15,
    InstituteKind.RESEARCH_ORGANISATION: 15,
    InstituteKind.CERTIFICATION_BODY: 5,
    InstituteKind.INDUSTRY_CONSORTIUM: 5,
}
NAMES = {
    InstituteKind.NMI: [
        "National Institute of Metrology",
        "National Metrology Laboratory",
        "Bureau of Standards and Measurement",
    ],
    InstituteKind.DI: [
        "Institute for Time and Frequency",
        "Ionising Radiation Laboratory",
        "Designated Laboratory for Electrical Metrology",
    ],
    InstituteKind.TESTING_LABORATORY: ["Quantum Device Test Centre", "Cryogenic Testing Lab"],
    InstituteKind.RESEARCH_ORGANISATION: [
        "Centre for Quantum Technologies",
        "Institute of Photonics Research",
    ],
    InstituteKind.CERTIFICATION_BODY: ["Certification Board for Quantum Security"],
    InstituteKind.INDUSTRY_CONSORTIUM: ["Quantum Industry Alliance", "Quantum Sensing Consortium"],
}
REGIONS = ["Northern", "Southern", "Eastern", "Western", "Central", "Coastal", "Alpine", "Lakeside"]
GIVEN = [
    "Ana",
    "Ben",
    "Chen",
    "Dana",
    "Emil",
    "Fatima",
    "Goran",
    "Hiro",
    "Ines",
    "Jonas",
    "Kofi",
    "Lena",
    "Mateo",
    "Nadia",
    "Omar",
    "Priya",
    "Quentin",
    "Rosa",
    "Sven",
    "Tomoko",
]
FAMILY = [
    "Almeida",
    "Becker",
    "Costa",
    "Dubois",
    "Eriksson",
    "Fischer",
    "García",
    "Haddad",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Laurent",
    "Müller",
    "Nakamura",
    "Okafor",
    "Petrov",
]


def clear() -> None:
    """Delete every row an earlier run made (and nothing else)."""
    users = User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}")
    # Deleted first, in one statement: the cascade from users would load them all into Python.
    _, notifications = Notification.objects.filter(recipient__in=users).delete()
    _, accounts = users.delete()
    _, institutes = Institute.objects.filter(acronym__startswith=ACRONYM_PREFIX).delete()
    deleted = Counter(notifications) + Counter(accounts) + Counter(institutes)
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
    with connection.cursor() as cursor:
        # Fresh statistics, so the planner sees the new rows as production would after autovacuum.
        cursor.execute("ANALYZE")
    print(
        f"created {len(institutes)} institutes, {len(users)} users and memberships, "
        f"{total} notifications in {time.perf_counter() - started:.1f} s "
        f"(sign in as {INBOX_EMAIL} / {PASSWORD})"
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
