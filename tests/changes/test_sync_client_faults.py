"""The reference sync client under faults: a run stopped or crashed midway resumes without loss
or duplication, a snapshot cut short is continued after its last whole line, network errors
and rate limits are waited out as the server says, and the command line reports what went
wrong."""

import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import UTC, datetime

import pytest
import requests
import time_machine

from capabilities.models import Institute
from nmiq_portal.changes import snapshot

from .mirroring import (
    CLIENT,
    RecordingSession,
    assert_mirror_is_public_api,
    copy_mirror,
    limit_rates,
    mirror,
    populate,
    run,
    stored_cursor,
    sync_client,
)
from .support import settle

pytestmark = pytest.mark.django_db(transaction=True)


# --- Resuming and crashing ----------------------------------------------------------------------


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
    """The first snapshot breaks off before its cursor line, as a dropped connection would;
    keeps the parameters of every snapshot request."""

    def __init__(self):
        super().__init__()
        self.snapshots: list[dict] = []

    def request(self, method, url, *args, **kwargs):
        response = super().request(method, url, *args, **kwargs)
        if "/snapshot/" in url:
            self.snapshots.append(kwargs.get("params") or {})
            if len(self.snapshots) == 1:
                lines = response.content.splitlines(keepends=True)
                response._content = b"".join(lines[:-1])
        return response


def test_a_snapshot_cut_short_is_continued_after_its_last_whole_line(portal, tmp_path, editor):
    populate(editor, 0)
    waits = []
    session = CutSnapshotSession()
    db_path = tmp_path / "mirror.sqlite3"
    counts = run(portal, db_path, session=session, sleep=waits.append)
    assert len(session.snapshots) == 2
    assert "after" in session.snapshots[1]  # continued, not started again
    assert len(waits) == 1
    assert counts["snapshot"] == counts["records"]
    assert_mirror_is_public_api(db_path, portal)


def test_a_snapshot_the_portal_sends_in_many_responses_is_followed_to_its_end(
    portal, tmp_path, editor, settings, monkeypatch
):
    populate(editor, 0)
    monkeypatch.setattr(snapshot, "SNAPSHOT_CHUNK", 2)
    settings.SNAPSHOT_RESPONSE_SECONDS = 0  # each response ends after its first chunk
    session = RecordingSession()
    db_path = tmp_path / "mirror.sqlite3"
    counts = run(portal, db_path, session=session)
    snapshots = [body for body in session.bodies if '"uuid"' in body and '"after"' in body]
    assert len(snapshots) > 5
    assert counts["snapshot"] == counts["records"]
    assert_mirror_is_public_api(db_path, portal)


def test_a_run_interrupted_after_its_snapshot_keeps_the_snapshot(portal, tmp_path, editor):
    populate(editor, 0)
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
    populate(editor, 0)
    db_path = tmp_path / "mirror.sqlite3"
    with pytest.raises(KeyboardInterrupt):
        run(portal, db_path, session=InterruptedSnapshot())
    assert (mirror(db_path), stored_cursor(db_path)) == ({}, None)
    assert run(portal, db_path)["snapshot"] > 2
    assert_mirror_is_public_api(db_path, portal)


def test_a_snapshot_interrupted_after_a_stored_batch_is_continued_by_the_next_run(
    portal, tmp_path, editor, monkeypatch
):
    populate(editor, 0)
    monkeypatch.setattr(sync_client, "SNAPSHOT_BATCH", 2)  # lines 0 and 1 are stored, then ^C
    db_path = tmp_path / "mirror.sqlite3"
    with pytest.raises(KeyboardInterrupt):
        run(portal, db_path, session=InterruptedSnapshot())
    # Nothing shows in the mirror until the snapshot is whole.
    assert (mirror(db_path), stored_cursor(db_path)) == ({}, None)
    session = CutSnapshotSession()
    session.snapshots.append({})  # cut nothing
    counts = run(portal, db_path, session=session)
    assert "after" in session.snapshots[1]
    assert counts["snapshot"] == counts["records"]
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
    populate(editor, 0)
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
    populate(editor, 0)
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
    populate(editor, 5)
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
