#!/usr/bin/env python3
"""Keep an exact local copy of the NMI-Q Portal's public directory in a SQLite file.

The reference client of the portal's change feed, meant to be read and adapted by the
institutes, consortia and directories that mirror NMI-Q. It needs Python 3.9+ and ``requests``
(``pip install requests``); nothing else.

Usage::

    python sync_client.py --base-url https://portal.nmi-q.example --db mirror.sqlite3

Run it as often as you like (from cron, say every five minutes). The first run downloads every
public record from ``/api/v1/snapshot/``; every later run asks ``/api/v1/changes/`` for what
changed since the cursor the previous run stored, page by page, until nothing is left. It prints
one line saying what it did and exits 0 (1 on an error, 130 when interrupted).

The mirror has two tables::

    records(type TEXT, uuid TEXT, data TEXT, PRIMARY KEY (type, uuid))
    state(key TEXT PRIMARY KEY, value TEXT)        -- key "cursor": where the feed continues

(and ``incoming``, where a snapshot waits until it is whole).

``type`` is "institute", "testbed", "service", "contact", "technology_area", "twa", "project"
(and what the portal adds); ``data`` is the JSON an anonymous GET of the record's ``url`` (its
detail endpoint) returns, e.g.::

    SELECT json_extract(data, '$.name') FROM records WHERE type = 'testbed';

Why it is safe to stop at any moment: the snapshot comes into the table ``incoming``, a batch of
lines per transaction together with the last line's ``after`` key, and replaces ``records`` in
one transaction once its closing cursor has come; each page of changes is applied in one
transaction together with the cursor that follows it. A crash, Ctrl-C or lost connection
therefore leaves the mirror as it was after the last whole page, with the matching cursor (and
a snapshot under way at its last whole batch), and the next run carries on from there: nothing
is lost, nothing applied twice (and applying a page twice would be harmless anyway: an upsert
replaces the record, a delete of a missing record does nothing). A snapshot too large for one
response (the portal ends each after a few minutes) is continued the same way, with ``?after=``.
Two runs started at once on the same file do not mix: each page (and each batch of the
snapshot) is applied only if the stored cursor (or key) is still the one it was fetched from.

The feed is public (it holds only what anyone may see), so ``--token`` is optional; a personal
API token only gives a higher rate limit. When the portal answers 429 the client waits as long as
``Retry-After`` says; network errors and 502/503/504 are retried with exponential backoff.

When the portal's database has been restored from a backup or moved to a new cluster, the feed
starts a new epoch and answers a cursor of the old one with 410 Gone; the client then replaces
the mirror by a new snapshot by itself. To start afresh for any other reason, delete the file.

As a library: ``sync(base_url, db_path, token=None, session=None)`` does one run and returns
its counts.
"""

from __future__ import annotations

import argparse
import email.utils
import json
import random
import sqlite3
import sys
import time
from collections.abc import Callable

import requests

USER_AGENT = "nmiq-sync-client/1.0"
PAGE_SIZE = 500
TIMEOUT = (10, 120)  # seconds to connect, seconds between bytes received
MAX_ATTEMPTS = 8  # for network errors and 502/503/504; 429 is waited out however often it comes
MAX_BACKOFF = 120.0
RETRYABLE_STATUS = {502, 503, 504}
#: The connection failed or broke off mid-answer: worth another try.
NETWORK_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    type TEXT NOT NULL,
    uuid TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (type, uuid)
);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS incoming (
    type TEXT NOT NULL,
    uuid TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (type, uuid)
);
"""
#: Snapshot lines stored per transaction while a snapshot comes in.
SNAPSHOT_BATCH = 1000
#: The state key of where the snapshot coming in continues (the last stored line's ``after``).
SNAPSHOT_KEY = "snapshot_after"
FINISHED = object()


class SyncError(Exception):
    """The portal answered something the client cannot go on from."""


class CursorGone(SyncError):
    """The portal's database was restored or moved: the stored cursor means nothing there."""


class CutShort(SyncError):
    """The snapshot stream ended before its closing cursor (e.g. a proxy dropped it)."""


def _problem(response: requests.Response) -> str:
    """The problem details' ``detail`` (RFC 9457) or the start of the body."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict):
        return str(body.get("detail") or body.get("title") or body)
    return str(body)[:200]


def _retry_after(response: requests.Response, default: float) -> float:
    """Seconds to wait from a Retry-After header: a number of seconds or an HTTP date."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return default
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    return max(0.0, when.timestamp() - time.time())


class Portal:
    """GET requests to the portal with the retry policy described at the top."""

    def __init__(self, base_url, *, token=None, session=None, sleep=time.sleep):
        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.headers = {"User-Agent": USER_AGENT}
        if token:
            self.headers["Authorization"] = f"Token {token}"
        self.sleep = sleep
        self.requests = 0

    def pause(self, seconds: float) -> None:
        self.sleep(seconds)

    def get(self, path: str, *, params=None, stream=False, accept="application/json"):
        """The response to GET ``path`` once it is 200; raises SyncError on any other answer."""
        attempt = 0
        while True:
            attempt += 1
            try:
                self.requests += 1
                response = self.session.get(
                    self.base_url + path,
                    params=params,
                    headers={**self.headers, "Accept": accept},
                    stream=stream,
                    timeout=TIMEOUT,
                )
            except NETWORK_ERRORS as error:
                if attempt >= MAX_ATTEMPTS:
                    raise SyncError(f"GET {path}: {error}") from error
                self.pause(self.backoff(attempt))
                continue
            if response.status_code == 200:
                return response
            response.close()
            if response.status_code == 429:
                # Waiting is what the portal asks for; it is not a failed attempt.
                attempt -= 1
                self.pause(_retry_after(response, default=self.backoff(1)))
                continue
            if response.status_code == 410:
                raise CursorGone(f"GET {path}: {_problem(response)}")
            if response.status_code in RETRYABLE_STATUS and attempt < MAX_ATTEMPTS:
                self.pause(_retry_after(response, default=self.backoff(attempt)))
                continue
            raise SyncError(f"GET {path}: HTTP {response.status_code}: {_problem(response)}")

    @staticmethod
    def backoff(attempt: int) -> float:
        """1, 2, 4 … seconds (up to MAX_BACKOFF), with jitter so clients do not retry in step."""
        return min(MAX_BACKOFF, 2.0 ** (attempt - 1)) * random.uniform(0.5, 1.0)  # noqa: S311 (jitter, not a secret)


# --- The mirror ---------------------------------------------------------------------------------


def open_mirror(db_path) -> sqlite3.Connection:
    """The SQLite mirror, created if needed; transactions are begun explicitly."""
    db = sqlite3.connect(db_path, isolation_level=None, timeout=60)
    db.execute("PRAGMA journal_mode=WAL")  # readers of the mirror never block a sync
    db.executescript(SCHEMA)
    return db


def _state(db: sqlite3.Connection, key: str) -> str | None:
    row = db.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def _set_state(db: sqlite3.Connection, key: str, value: str | None) -> None:
    if value is None:
        db.execute("DELETE FROM state WHERE key = ?", (key,))
        return
    db.execute(
        "INSERT INTO state (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def stored_cursor(db: sqlite3.Connection) -> str | None:
    return _state(db, "cursor")


def _store_cursor(db: sqlite3.Connection, cursor: str) -> None:
    _set_state(db, "cursor", cursor)


def _forget_cursor(db: sqlite3.Connection, cursor: str) -> None:
    """Drop the stored cursor if it is still ``cursor``: the next step takes a new snapshot."""
    with _Transaction(db):
        db.execute("DELETE FROM state WHERE key = 'cursor' AND value = ?", (cursor,))


def _json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _upsert(db: sqlite3.Connection, kind: str, uuid: str, data) -> None:
    if not isinstance(data, dict):
        raise SyncError(f"{kind} {uuid}: an upsert without data")
    db.execute(
        "INSERT INTO records (type, uuid, data) VALUES (?, ?, ?)"
        " ON CONFLICT (type, uuid) DO UPDATE SET data = excluded.data",
        (kind, uuid, _json(data)),
    )


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any exception (KeyboardInterrupt included)."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self):
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, kind, error, traceback):
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")
        return False


# --- One run ------------------------------------------------------------------------------------


def _snapshot_part(db: sqlite3.Connection, response, after: str | None) -> str | None:
    """Store one response of the snapshot in ``incoming``, a batch per transaction with the key
    it continues from; when it ends with the cursor, swap ``incoming`` into ``records`` with it.

    Returns FINISHED, the key the next response starts from, or None if another run is taking
    the snapshot. Raises CutShort when the response breaks off: what came whole is kept.
    """
    batch: list[tuple[str, str, str]] = []
    state = {"after": after}

    def flush(key: str | None, *, cursor: str | None = None) -> bool:
        """Add the batch, and with ``cursor`` swap the whole snapshot in; False if the stored
        key is no longer the one this response continues (another run moved it)."""
        with _Transaction(db):
            if stored_cursor(db) is not None or _state(db, SNAPSHOT_KEY) != state["after"]:
                return False
            if state["after"] is None:
                db.execute("DELETE FROM incoming")  # a snapshot begun afresh
            db.executemany(
                "INSERT INTO incoming (type, uuid, data) VALUES (?, ?, ?)"
                " ON CONFLICT (type, uuid) DO UPDATE SET data = excluded.data",
                batch,
            )
            _set_state(db, SNAPSHOT_KEY, key)
            if cursor is not None:
                db.execute("DELETE FROM records")
                db.execute("INSERT INTO records SELECT type, uuid, data FROM incoming")
                db.execute("DELETE FROM incoming")
                _set_state(db, SNAPSHOT_KEY, None)
                _store_cursor(db, cursor)
        batch.clear()
        state["after"] = key
        return True

    last = after
    try:
        for line in response.iter_lines():
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except ValueError:
                raise CutShort("snapshot: a line broken off") from None
            if "uuid" in item:
                if not isinstance(item.get("data"), dict):
                    raise SyncError(f"{item.get('type')} {item['uuid']}: a record without data")
                batch.append((item["type"], item["uuid"], _json(item["data"])))
                last = item["after"]
                if len(batch) >= SNAPSHOT_BATCH and not flush(last):
                    return None
            elif "cursor" in item:
                return FINISHED if flush(last, cursor=item["cursor"]) else None
            elif "after" in item:
                return item["after"] if flush(item["after"]) else None
    except NETWORK_ERRORS:
        if batch:
            flush(last)  # keep what came whole: the retry continues after it
        raise
    if batch and not flush(last):
        return None
    raise CutShort("snapshot: the stream ended before its cursor")


def _snapshot(portal: Portal, db: sqlite3.Connection, counts: dict) -> bool:
    """Fetch the snapshot, continuing from where an earlier response or run stopped, and
    replace the mirror by it once it is whole; False if another run is taking it."""
    while True:
        after = _state(db, SNAPSHOT_KEY)
        response = portal.get(
            "/api/v1/snapshot/",
            params={"after": after} if after else None,
            stream=True,
            accept="application/x-ndjson",
        )
        with response:
            outcome = _snapshot_part(db, response, after)
        if outcome is None:
            return False
        if outcome is FINISHED:
            counts["snapshot"] = db.execute("SELECT count(*) FROM records").fetchone()[0]
            return True


def _snapshot_with_retries(portal: Portal, db: sqlite3.Connection, counts: dict) -> bool:
    """A snapshot that breaks off midway is continued after its last whole line; one whose
    start the portal no longer knows (restored or moved meanwhile) is started again."""
    attempt = 0
    while True:
        attempt += 1
        try:
            return _snapshot(portal, db, counts)
        except CursorGone:
            after = _state(db, SNAPSHOT_KEY)
            if after is None:
                raise
            with _Transaction(db):
                if _state(db, SNAPSHOT_KEY) == after:
                    db.execute("DELETE FROM incoming")
                    _set_state(db, SNAPSHOT_KEY, None)
        except (*NETWORK_ERRORS, CutShort) as error:
            if attempt >= MAX_ATTEMPTS:
                raise SyncError(f"snapshot: {error}") from error
            portal.pause(portal.backoff(attempt))


def _apply_page(db: sqlite3.Connection, after: str, page: dict, counts: dict) -> bool:
    """Apply one page and store its cursor, atomically; False if another run got there first."""
    upserts = deletes = 0
    with _Transaction(db):
        if stored_cursor(db) != after:
            return False
        for event in page["results"]:
            if event["action"] == "upsert":
                _upsert(db, event["type"], event["uuid"], event["data"])
                upserts += 1
            elif event["action"] == "delete":
                db.execute(
                    "DELETE FROM records WHERE type = ? AND uuid = ?",
                    (event["type"], event["uuid"]),
                )
                deletes += 1
            else:
                raise SyncError(f"unknown action {event['action']!r} at {event.get('cursor')}")
        _store_cursor(db, page["next"])
    counts["pages"] += 1
    counts["upserts"] += upserts
    counts["deletes"] += deletes
    return True


def sync(
    base_url: str,
    db_path,
    token: str | None = None,
    session: requests.Session | None = None,
    *,
    limit: int = PAGE_SIZE,
    max_pages: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> dict:
    """Bring the mirror at ``db_path`` up to date with the portal at ``base_url``.

    Returns the counts of this run: ``snapshot`` (records the snapshot brought, 0 without one),
    ``resnapshots`` (snapshots taken because the portal started a new epoch),
    ``pages``, ``upserts`` and ``deletes`` (from the change feed), ``records`` (in the mirror
    now) and ``requests``. ``max_pages`` stops after that many pages of changes (the next run
    continues); ``sleep`` is how the client waits before a retry.
    """
    portal = Portal(base_url, token=token, session=session, sleep=sleep)
    counts = {"snapshot": 0, "pages": 0, "upserts": 0, "deletes": 0, "resnapshots": 0}
    db = open_mirror(db_path)
    try:
        if stored_cursor(db) is None and not _snapshot_with_retries(portal, db, counts):
            counts["records"] = db.execute("SELECT count(*) FROM records").fetchone()[0]
            counts["requests"] = portal.requests
            return counts  # another run is taking the snapshot; the next run carries on
        while max_pages is None or counts["pages"] < max_pages:
            after = stored_cursor(db)
            try:
                response = portal.get("/api/v1/changes/", params={"after": after, "limit": limit})
            except CursorGone:
                if counts["resnapshots"]:
                    raise  # even a fresh snapshot's cursor is refused: nothing left to try
                # The portal was restored from a backup or moved: its feed starts a new epoch.
                # What the mirror holds may include changes the portal no longer has, so the
                # mirror is replaced by a new snapshot (unless another run already did so).
                _forget_cursor(db, after)
                if stored_cursor(db) is None:
                    _snapshot_with_retries(portal, db, counts)
                    counts["resnapshots"] += 1
                continue
            page = response.json()
            if not _apply_page(db, after, page, counts):
                continue  # another run moved the cursor: go on from where it is now
            if not page["has_more"]:
                break
            if not page["results"] and page["next"] == after:
                raise SyncError(f"the feed says it has more after {after} but gives nothing")
        counts["records"] = db.execute("SELECT count(*) FROM records").fetchone()[0]
    finally:
        db.close()
    counts["requests"] = portal.requests
    return counts


def summary(counts: dict) -> str:
    """One line saying what a run did."""
    parts = []
    if counts["snapshot"]:
        again = " (the portal was restored: taken again)" if counts.get("resnapshots") else ""
        parts.append(f"snapshot of {counts['snapshot']} records{again}")
    parts.append(
        f"{counts['pages']} page(s) of changes: {counts['upserts']} upserts,"
        f" {counts['deletes']} deletes"
    )
    return f"synced: {'; '.join(parts)}; the mirror holds {counts['records']} records"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description="Mirror the NMI-Q Portal's public directory into a SQLite file."
    )
    parser.add_argument("--base-url", required=True, help="e.g. https://portal.nmi-q.example")
    parser.add_argument("--db", required=True, help="the SQLite file (created if missing)")
    parser.add_argument("--token", help="a personal API token (optional: higher rate limit)")
    parser.add_argument(
        "--limit", type=int, default=PAGE_SIZE, help=f"changes per page (default {PAGE_SIZE})"
    )
    args = parser.parse_args(argv)
    try:
        counts = sync(args.base_url, args.db, token=args.token, limit=args.limit)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted: the mirror is consistent; the next run resumes\n")
        return 130
    except (SyncError, requests.RequestException, sqlite3.Error, ValueError, KeyError) as error:
        sys.stderr.write(f"sync failed: {error}\n")
        return 1
    sys.stdout.write(summary(counts) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
