"""The quick start's database start-up recovers from being stopped at any moment (issue 14, 20).

A start-up is run in a fresh interpreter and stopped by SIGTERM or SIGKILL at a random point
(during initdb, pg_ctl start, the connection, or the shutdown at exit), sometimes its whole
process group as a terminal stops it, sometimes the process alone as a supervisor does; the
next start-up must always succeed.
"""

import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys

import psutil
import pytest

from nmiq_portal.embedded_db import server

from .test_settings import ROOT, environment

#: What the quick start's database backend does on its first connection
#: (nmiq_portal/embedded_db/base.py), without the seconds a django.setup() costs.
START = (
    "import os, pathlib, psycopg2;"
    "from nmiq_portal.embedded_db.server import ensure_database, socket_dir;"
    "host = socket_dir(pathlib.Path(os.environ['VAR_DIR']) / 'postgres');"
    "ensure_database(host, 'nmiq');"
    "psycopg2.connect(host=host, user='postgres', dbname='nmiq').close();"
    "print('connected', flush=True)"
)
ROUNDS = 14


def _start(var_dir) -> subprocess.Popen:
    env = environment(
        without={"DATABASE_URL"},
        VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="nmiq_portal.settings",
    )
    return subprocess.Popen(
        [sys.executable, "-c", START],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _stop_server(data_dir) -> None:
    """Whatever the last round left, no server outlives the test."""
    pid_file = data_dir / "postmaster.pid"
    if pid_file.exists():
        with contextlib.suppress(psutil.NoSuchProcess, ValueError, IndexError):
            psutil.Process(int(pid_file.read_text().split()[0])).terminate()


def test_start_up_stopped_at_random_points_always_starts_again(tmp_path):
    rng = random.Random(os.environ.get("PYTEST_XDIST_TESTRUNUID", "14"))
    data_dir = tmp_path / "postgres"
    recovered = []
    try:
        for round_ in range(ROUNDS):
            if round_ % 5 == 0:  # a fresh install now and then, so initdb is stopped too
                shutil.rmtree(data_dir, ignore_errors=True)
            victim = _start(tmp_path)
            if round_ == ROUNDS - 1:
                # However fast this machine, one round stops a running server unannounced: the
                # whole group killed as soon as it connected, before its shutdown at exit.
                victim.stdout.readline()
                os.killpg(victim.pid, signal.SIGKILL)
            try:
                victim.wait(timeout=rng.uniform(0.0, 1.2))
            except subprocess.TimeoutExpired:
                sig = rng.choice((signal.SIGTERM, signal.SIGKILL))
                if rng.random() < 0.5:
                    os.killpg(victim.pid, sig)
                else:
                    victim.send_signal(sig)
            victim.communicate()

            again = _start(tmp_path)
            out, err = again.communicate(timeout=120)
            assert again.returncode == 0, f"round {round_}: {err}"
            assert out.strip() == "connected"
            recovered += [line for line in err.splitlines() if "recovered from" in line]
    finally:
        _stop_server(data_dir)
    # There were states to recover from (the last round's at least); each says so in one line.
    assert recovered, "no round left anything to recover from"
    assert all(line.startswith("Embedded PostgreSQL in ") for line in recovered)


@pytest.mark.parametrize(
    ("content", "said"),
    [("", "an empty handle file"), ("[12", "a corrupt handle file"), ('{"a": 1}', "corrupt")],
)
def test_an_empty_or_corrupt_handle_file_is_reset_and_said(tmp_path, content, said):
    (tmp_path / ".handle_pids.json").write_text(content)
    assert said in " ".join(server._forget_dead_processes(tmp_path))
    assert (tmp_path / ".handle_pids.json").read_text() == "[]"


def test_a_postmaster_pid_of_a_dead_or_reused_process_is_stale(tmp_path):
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        text=True,
        capture_output=True,
        check=True,
    )
    for pid in (int(finished.stdout), os.getpid()):  # gone; alive, but not a PostgreSQL server
        lines = [str(pid), str(tmp_path), "1796298298", "5432", str(tmp_path), "", "1 2", "ready"]
        (tmp_path / "postmaster.pid").write_text("\n".join(lines) + "\n")
        said = server._settle_postmaster(tmp_path)
        assert said == [f"a stale postmaster.pid (process {pid} is not our server)"]
        assert not (tmp_path / "postmaster.pid").exists()
