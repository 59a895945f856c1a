"""gunicorn as the Docker image starts it, on the bench database, with a thread sampling the
memory of its workers (used by run.py)."""

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment(port: int) -> dict:
    """The settings of both the gunicorn workers and this process's Django: production's
    (DEBUG off), on the bench database, with the API throttles lifted (a load tool makes
    thousands of requests a minute from one address) and the bench's own host. Marked as a web
    process, so this process's connections (the SQL capture and its replay) carry the workers'
    session settings (``jit=off``, the statement timeout: nmiq_portal/settings.py)."""
    env = dict(os.environ)
    env.update(
        NMIQ_PROCESS="web",
        DEBUG="false",
        API_THROTTLE_ANON="100000000/min",
        API_THROTTLE_USER="100000000/min",
        API_THROTTLE_TOKEN="100000000/min",  # noqa: S106 - a rate, not a secret
        SITE_URL=f"http://127.0.0.1:{port}",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        LOG_LEVEL=env.get("LOG_LEVEL", "WARNING"),
        DJANGO_SETTINGS_MODULE="nmiq_portal.settings",
    )
    # Without collectstatic there is no manifest for {% static %}; the bench serves no assets.
    env.setdefault("STATIC_MANIFEST", "false")
    return env


#: gunicorn's control socket has one path per user: two servers (another engineer's, CI's) would
#: take it from each other. The bench needs none.
NO_CONTROL_SOCKET = ["--no-control-socket"]


def gunicorn_command(port: int, config: Path | None = None) -> list[str]:
    """gunicorn as the Docker image starts it: with the repository's gunicorn.conf.py (or
    ``config``, to compare settings) when there is one, else the Dockerfile's CMD flags; two
    workers (the machine has two cores)."""
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    bind = f"127.0.0.1:{port}"
    workers = ["--workers", "2", "--bind", bind]
    config = config or ROOT / "gunicorn.conf.py"
    if config.exists():
        return [
            gunicorn,
            "-c",
            str(config),
            "nmiq_portal.wsgi:application",
            *workers,
            *NO_CONTROL_SOCKET,
        ]
    return [
        gunicorn,
        "nmiq_portal.wsgi:application",
        *workers,
        "--worker-tmp-dir",
        "/dev/shm",  # noqa: S108 - the Dockerfile's flag: gunicorn's heartbeat files
        "--access-logfile",
        "-",
        *NO_CONTROL_SOCKET,
    ]


class Server:
    """The gunicorn master and its workers, with a thread sampling the workers' memory."""

    def __init__(self, port: int, env: dict, log: Path, config: Path | None = None):
        self.port = port
        self.command = gunicorn_command(port, config)
        self.log = log
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        self.label = "start"
        self.peaks: dict[str, float] = {}
        self.series: list[tuple[float, list[float]]] = []
        self.keep_series = False
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited: see {self.log}\n{self.log_tail()}")
            try:
                answer = httpx.get(f"{self.url}/healthz?only=database", timeout=5)
                if answer.status_code == 200 and len(self.workers()) == 2:
                    self._sampler.start()
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer in {timeout:.0f} s\n{self.log_tail()}")

    def log_tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])

    def workers(self) -> list[psutil.Process]:
        try:
            return psutil.Process(self.process.pid).children()
        except psutil.NoSuchProcess:
            return []

    def worker_rss_mb(self) -> list[float]:
        sizes = []
        for worker in self.workers():
            try:
                sizes.append(worker.memory_info().rss / 2**20)
            except psutil.NoSuchProcess:
                continue
        return sizes

    def _sample(self) -> None:
        while not self._stop.wait(0.1):
            sizes = self.worker_rss_mb()
            if not sizes:
                continue
            label = self.label
            self.peaks[label] = max(self.peaks.get(label, 0.0), max(sizes))
            if self.keep_series:
                self.series.append((time.monotonic(), sizes))

    def stop(self) -> None:
        self._stop.set()
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
