"""Memory and time of streaming /api/v1/snapshot/ over the bench data, and of walking the change
feed, in-process (Django's test client); run generate.py first."""

import argparse
import gc
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nmiq_portal.settings")
# As run.py: no throttle, the test client's host, no collected static files needed.
os.environ["API_THROTTLE_ANON"] = "1000000/min"
os.environ["API_THROTTLE_USER"] = "1000000/min"
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("STATIC_MANIFEST", "false")

import django

django.setup()

from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from nmiq_portal.changes import capture, feed, registry, snapshot  # noqa: E402
from nmiq_portal.changes.models import ChangeEvent  # noqa: E402


def rss_mib() -> float:
    """The process's peak resident set so far (C allocations such as libpq's included)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stream(client: Client, query: str = "", *, chunks: int | None = None) -> tuple[int, int]:
    """Read the snapshot as a client does, keeping nothing: (lines, bytes); with ``chunks``,
    hang up after that many chunks."""
    response = client.get(f"/api/v1/snapshot/{query}")
    assert response.status_code == 200, response.status_code
    lines = size = 0
    for number, chunk in enumerate(response.streaming_content, start=1):
        lines += chunk.count(b"\n")
        size += len(chunk)
        if number == chunks:
            break
    response.close()
    return lines, size


def traced(call):
    """(result, tracemalloc peak in MiB) of ``call``; tracing slows it about threefold."""
    gc.collect()
    tracemalloc.start()
    result = call()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return result, peak


def timed(call):
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def walk_feed(client: Client, limit: int) -> tuple[int, int]:
    """Every event from the start, page by page: (events, pages)."""
    after, events, pages = None, 0, 0
    while True:
        params = {"limit": limit, **({"after": after} if after else {})}
        body = client.get("/api/v1/changes/", params).json()
        events, pages, after = events + len(body["results"]), pages + 1, body["next"]
        gc.collect()  # the test client's response cycle, as in run.py
        if not body["has_more"]:
            return events, pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--backfill",
        action="store_true",
        help="first write the feed's events for public rows that have none (rows loaded "
        "without the signals; generate.py writes its own), then also walk the feed",
    )
    args = parser.parse_args()
    client = Client()
    anonymous = AnonymousUser()
    counts = {r.type_key: r.queryset(anonymous).count() for r in registry.registrations()}
    listed = ", ".join(f"{key} {count}" for key, count in counts.items())
    print(f"public records: {sum(counts.values())} ({listed})")
    print(f"chunk size {snapshot.SNAPSHOT_CHUNK}; RSS high-water mark at start {rss_mib():.0f} MiB")
    print()
    stream(client, "?types=contact")  # warm up imports, caches and the connection

    print("snapshot, untraced:")
    before = rss_mib()
    (lines, size), seconds = timed(lambda: stream(client))
    print(
        f"  whole snapshot: {lines} lines, {size / 2**20:.1f} MiB in {seconds:.1f} s "
        f"({lines / seconds:.0f} lines/s); RSS high-water mark +{rss_mib() - before:.0f} MiB"
    )
    with CaptureQueriesContext(connection) as captured:
        stream(client)
    print(f"  queries: {len(captured)}")

    print("snapshot, peak of Python allocations (tracemalloc) by how much is read, nothing kept:")
    peaks = []
    for label, query, chunks in [
        ("first 2 chunks of testbeds", "?types=testbed", 2),
        ("first 8 chunks of testbeds and services", "?types=testbed,service", 8),
        ("all testbeds and services", "?types=testbed,service", None),
        ("whole snapshot", "", None),
    ]:
        (lines, _size), peak = traced(lambda q=query, n=chunks: stream(client, q, chunks=n))
        peaks.append(peak)
        print(f"  {label:42} {lines:6} lines  peak {peak:6.1f} MiB")
    snapshot.SNAPSHOT_CHUNK //= 2
    (lines, _size), peak = traced(lambda: stream(client))
    snapshot.SNAPSHOT_CHUNK *= 2
    label = f"whole snapshot, chunks of {snapshot.SNAPSHOT_CHUNK // 2}"
    print(f"  {label:42} {lines:6} lines  peak {peak:6.1f} MiB")
    bounded = peaks[-1] < 1.5 * peaks[1]
    print(f"  whole snapshot peak < 1.5x that of 8 chunks: {'pass' if bounded else 'FAIL'}")

    if args.backfill:
        with transaction.atomic():
            written, seconds = timed(capture.backfill)
        print(f"\nbackfill: {written} events in {seconds:.1f} s")
    events = ChangeEvent.objects.count()
    if events:
        print(f"\nchange feed ({events} events), walked from the start:")
        (seen, pages), seconds = timed(lambda: walk_feed(client, 1000))
        print(
            f"  limit=1000: {seen} events, {pages} pages in {seconds:.1f} s "
            f"({1000 * seconds / pages:.0f} ms a page), untraced"
        )
        # Pages of testbeds, the largest records (the backfill writes them one type after another).
        first = ChangeEvent.objects.filter(type_key="testbed").order_by("txid", "id").first()
        epoch = feed.current_epoch()
        after = (
            feed.encode_cursor(first.txid, first.pk - 1, epoch=epoch)
            if first
            else feed.start_cursor(epoch)
        )
        for limit in (100, 1000):
            params = {"limit": limit, "after": after}
            _result, peak = traced(lambda p=params: client.get("/api/v1/changes/", p))
            _result, seconds = timed(lambda p=params: client.get("/api/v1/changes/", p))
            print(
                f"  one page of testbeds, limit={limit:<5} {1000 * seconds:6.0f} ms untraced, "
                f"peak {peak:6.1f} MiB"
            )
        with CaptureQueriesContext(connection) as captured:
            client.get("/api/v1/changes/", {"limit": 1000, "after": after})
        print(f"  queries for that page of 1000: {len(captured)}")
    return 0 if bounded else 1


if __name__ == "__main__":
    sys.exit(main())
