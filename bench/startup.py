"""Time the quick start's embedded PostgreSQL: a manage.py command cold (no server) and warm."""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANAGE = [sys.executable, "manage.py"]
# Connects, reads the migration table and answers 0 when the schema is up to date.
CONNECT = [*MANAGE, "migrate", "--check"]
# Keeps the embedded server up (as a running `manage.py runserver` would) until stdin closes.
HOLDER = (
    "import sys\n"
    "from pathlib import Path\n"
    "from nmiq_portal.embedded_db.server import socket_dir\n"
    "socket_dir(Path(sys.argv[1]))\n"
    "print('ready', flush=True)\n"
    "sys.stdin.read()\n"
)


def timed(command: list[str], env: dict[str, str]) -> float:
    """Wall-clock seconds of ``command`` run from the repository root; it must succeed."""
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def report(label: str, seconds: list[float], target: float | None = None) -> float:
    """Print the median (and spread) of ``seconds`` against ``target``; return the median."""
    median = statistics.median(seconds)
    verdict = "info" if target is None else ("pass" if median < target else "FAIL")
    goal = "-" if target is None else f"<{target:g} s"
    print(
        f"{label:48} n={len(seconds):<2} median {median:5.2f} s  "
        f"min {min(seconds):5.2f}  max {max(seconds):5.2f}  target {goal:>5}  {verdict}"
    )
    return median


def main() -> int:
    """Time the check, the first migrate, then a connecting command without and with a server."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="runs per scenario")
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="nmiq-startup-"))
    data_dir = var_dir / "postgres"
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env["VAR_DIR"] = str(var_dir)
    try:
        print(f"VAR_DIR={var_dir}; {args.runs} runs per scenario\n")
        report(
            "check --database default, no server",
            [timed([*MANAGE, "check", "--database", "default"], env) for _ in range(args.runs)],
        )
        started = "yes" if data_dir.exists() else "no: the check never connects"
        print(f"  (did the check start PostgreSQL? {started})")
        # initdb happens once per data folder: a new developer's very first command.
        report("first migrate: initdb + start + migrate + stop", [timed([*MANAGE, "migrate"], env)])
        cold = report(
            "migrate --check, no server (start + stop)",
            [timed(CONNECT, env) for _ in range(args.runs)],
            target=5,
        )
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(data_dir)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            holder.stdout.readline()
            warm = report(
                "migrate --check, server already running (join)",
                [timed(CONNECT, env) for _ in range(args.runs)],
            )
        finally:
            # Closing stdin lets the holder exit; as the server's last user it stops it.
            holder.stdin.close()
            holder.wait(timeout=60)
        print(f"\nstarting and stopping the embedded PostgreSQL costs {cold - warm:.2f} s")
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    return 0 if cold < 5 else 1


if __name__ == "__main__":
    sys.exit(main())
