"""Helpers of the change-feed tests: read the feed, the snapshot and the list API like a client,
and hold a writer's transaction open on a connection of its own."""

import json
import queue
import threading
import time
from contextlib import contextmanager

from django.db import connection, transaction

from nmiq_portal.changes.feed import WATERMARK, decode_cursor
from nmiq_portal.changes.models import ChangeEvent

PLURALS = {
    "institute": "institutes",
    "testbed": "testbeds",
    "service": "services",
    "contact": "contacts",
    "technology_area": "technology-areas",
    "twa": "twas",
    "need": "needs",
    # --- glossary ---
    "term": "terms",
}


_CAUGHT_UP = f"""
SELECT NOT EXISTS (SELECT 1 FROM {ChangeEvent._meta.db_table} WHERE txid >= {WATERMARK})
"""  # noqa: S608
_HOLDERS = """
SELECT datname, backend_xid, now() - xact_start, left(query, 80) FROM pg_stat_activity
WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid() ORDER BY xact_start
"""


def settle(timeout: float = 30.0) -> None:
    """Wait until every committed event is below the watermark: at once, unless a session of
    this database (a live server's request still finishing) holds a transaction open."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while True:
            cursor.execute(_CAUGHT_UP)
            if cursor.fetchone()[0]:
                return
            if time.monotonic() > deadline:
                cursor.execute(_HOLDERS)
                raise AssertionError(f"the watermark is held back by {cursor.fetchall()}")
            time.sleep(0.01)


def poll(api, after=None, limit=None) -> dict:
    params = {key: value for key, value in (("after", after), ("limit", limit)) if value}
    response = api.get("/api/v1/changes/", params)
    assert response.status_code == 200, response.content
    return response.json()


def read_feed(api, after=None, limit=1000, timeout: float = 30.0) -> tuple[list[dict], str]:
    """Every event after ``after`` committed before the call: (events, next cursor).

    Pages until has_more is false and the cursor has reached the last event committed. The
    watermark may dip below it for one page: a transaction of another database (another test
    worker's) that ends between the moment a page takes its snapshot and the one it reads
    pg_stat_activity counts, for that page, as one of this database still running.
    """
    settle()
    last = ChangeEvent.objects.order_by("-txid", "-id").values_list("txid", "id").first()
    deadline = time.monotonic() + timeout
    events = []
    while True:
        page = poll(api, after, limit)
        events += page["results"]
        after = page["next"]
        if not page["has_more"] and (last is None or decode_cursor(after) >= last):
            return events, after
        assert time.monotonic() < deadline, f"the feed never reached {last}"


def apply(mirror: dict, events: list[dict]) -> dict:
    for event in events:
        key = (event["type"], event["uuid"])
        if event["action"] == "upsert":
            mirror[key] = event["data"]
        else:
            mirror.pop(key, None)
    return mirror


def read_snapshot(api, **params) -> tuple[list[dict], str]:
    """(the record lines, the cursor of the last line) of /api/v1/snapshot/."""
    response = api.get("/api/v1/snapshot/", params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
    assert set(lines[-1]) == {"cursor"}
    return lines[:-1], lines[-1]["cursor"]


def list_api(api, types=PLURALS) -> dict:
    """{(type, uuid): item} of every object the anonymous list endpoints show."""
    found = {}
    for type_key in types:
        url = f"/api/v1/{PLURALS[type_key]}/?page_size=200"
        while url:
            response = api.get(url)
            assert response.status_code == 200
            page = response.json()
            found.update({(type_key, item["uuid"]): item for item in page["results"]})
            url = page["next"]
    return found


class Writer:
    """A transaction on a connection of its own (a thread), open until ``commit``: ``run(fn)``
    calls ``fn`` inside it and returns what it returned."""

    def __init__(self):
        self._jobs: queue.Queue = queue.Queue()
        self._results: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._serve)
        self._thread.start()

    def _serve(self):
        try:
            with transaction.atomic():
                while (job := self._jobs.get(timeout=60)) is not None:
                    try:
                        self._results.put((True, job()))
                    except Exception as error:  # handed to the test's thread
                        self._results.put((False, error))
                        raise
        except Exception:  # already reported, or the test stopped sending jobs
            return
        finally:
            connection.close()

    def run(self, fn):
        self._jobs.put(fn)
        ok, value = self._results.get(timeout=60)
        if not ok:
            raise value
        return value

    def commit(self):
        self._jobs.put(None)
        self._thread.join(timeout=60)
        assert not self._thread.is_alive()


@contextmanager
def held_transaction():
    """A Writer whose transaction commits when the block ends."""
    writer = Writer()
    try:
        yield writer
    finally:
        writer.commit()


def wait_for_lock_waiter(timeout: float = 30.0) -> None:
    """Wait until a session of this database waits for a lock."""
    sql = (
        "SELECT EXISTS (SELECT 1 FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock')"
    )
    deadline = time.monotonic() + timeout
    while True:
        with connection.cursor() as cursor:
            # Inside a transaction pg_stat_activity is read once and kept: read it anew.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(sql)
            if cursor.fetchone()[0]:
                return
        assert time.monotonic() < deadline, "nobody waited for a lock"
        time.sleep(0.01)
