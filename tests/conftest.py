"""Fixtures of the test suite: the default language, an API client, the institute most tests are
about, a real Celery worker, and a broker that can be stopped."""

import shutil
import socket
import subprocess
import threading
import time
from contextlib import contextmanager, suppress

import kombu.pools
import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings
from django.utils import translation
from rest_framework.test import APIClient

from nmiq_portal.celery import app as celery_app
from tests.factories import InstituteFactory


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's default language: a request served in French leaves French
    active in its thread, and the next test's service messages would be in French too."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def institute():
    return InstituteFactory(acronym="PTB", name="Physikalisch-Technische Bundesanstalt")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def use_broker(url: str) -> None:
    """Point the Celery app at another broker, dropping its pooled connections."""
    kombu.pools.reset()
    celery_app.conf.broker_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    with suppress(AttributeError):  # the control mailbox caches its producer pool once used
        del celery_app.control.mailbox.producer_pool


class TaskWaiter:
    """Wait for tasks to finish in the worker thread, by name, without sleeping."""

    def __init__(self):
        self._finished: list[str] = []
        self._condition = threading.Condition()
        task_postrun.connect(self._on_postrun, weak=False)

    def _on_postrun(self, sender=None, **kwargs):
        with self._condition:
            self._finished.append(sender.name)
            self._condition.notify_all()

    def wait_for(self, task_name: str, count: int = 1, timeout: float = 20.0) -> None:
        with self._condition:
            done = self._condition.wait_for(
                lambda: self._finished.count(task_name) >= count, timeout=timeout
            )
        assert done, f"{task_name} did not finish {count} time(s) within {timeout}s"

    def close(self):
        task_postrun.disconnect(self._on_postrun)


class Broker:
    """The broker of a test: Redis when REDIS_URL is set (a private server this test can stop),
    else Celery's in-memory transport (stopping it points the app at a closed port)."""

    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.redis = bool(settings.REDIS_URL)
        self.port = _free_port()
        self.process = None
        self.url = f"redis://127.0.0.1:{self.port}/0" if self.redis else "memory://"

    def start(self):
        if self.redis:
            self.process = subprocess.Popen(
                [
                    shutil.which("redis-server"),
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(self.tmp_path),
                ],
                stdout=subprocess.DEVNULL,
            )
            self._wait_until_listening()
        use_broker(self.url)

    def stop(self):
        if self.redis:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None
        else:
            use_broker(f"redis://127.0.0.1:{_free_port()}/0")

    def _wait_until_listening(self, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")


@pytest.fixture
def broker(tmp_path):
    if settings.REDIS_URL and shutil.which("redis-server") is None:
        pytest.fail("REDIS_URL is set but redis-server is not installed")
    broker = Broker(tmp_path)
    original = celery_app.conf.broker_url
    celery_app.conf.task_always_eager = False
    broker.start()
    yield broker
    if broker.process is not None:
        broker.stop()
    use_broker(original)


@contextmanager
def running_worker():
    """A real Celery worker (solo pool, in a thread) consuming the test queue."""
    celery_app.conf.task_always_eager = False
    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=20) as worker:
        yield worker


@pytest.fixture
def task_waiter():
    waiter = TaskWaiter()
    yield waiter
    waiter.close()


@pytest.fixture
def celery_worker(broker, transactional_db):
    with running_worker() as worker:
        yield worker
