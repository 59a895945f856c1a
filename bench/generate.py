"""Fill the configured database with bench data in bulk: institutes, members, notifications, the
directory (contacts, testbeds, services) with its search index and history, projects, outputs
(guides, benchmark results, comparisons, glossary terms) and the change feed's events.

``--scale small|medium|large`` picks the sizes the benchmark runs at; the other options override
one size each. Rows go in with COPY (bench/bulk.py), the search vectors with one UPDATE per
table, the feed's events with one INSERT … SELECT per type."""

import argparse
import os
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nmiq_portal.settings")

import django

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from bench import bulk  # noqa: E402
from bench.clearing import clear  # noqa: E402
from bench.loading import create_indexes, drop_secondary_indexes, fill_feed  # noqa: E402
from bench.marks import INBOX_EMAIL, PASSWORD  # noqa: E402
from bench.people import (  # noqa: E402
    build_institutes,
    build_memberships,
    build_users,
    notifications_for,
)
from bench.records import build_directory, index_directory  # noqa: E402
from bench.works import build_outputs  # noqa: E402
from capabilities.models import Institute, Membership  # noqa: E402
from nmiq_portal.accounts.models import User  # noqa: E402
from nmiq_portal.notifications.models import Notification  # noqa: E402

#: (institutes, testbeds, services, users, notifications per user, inbox) per named scale.
SCALES = {
    "small": (100, 1_000, 5_000, 300, 10, 2_000),
    "medium": (300, 5_000, 25_000, 1_000, 10, 5_000),
    "large": (500, 20_000, 100_000, 2_000, 20, 5_000),
}


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
        # What autovacuum does soon after a load this size, in production: fresh statistics, so
        # the planner sees the new rows, and the visibility map, without which an index-only
        # scan (the testbed lists' counts) reads every row it finds from the table as well.
        cursor.execute("VACUUM (ANALYZE)")
    lap("VACUUM (ANALYZE)")
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
