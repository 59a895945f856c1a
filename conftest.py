"""Fixtures for the whole suite."""

import uuid

import pytest
from django.conf import settings
from django.core.cache import cache

from nmiq_portal.celery import app as celery_app

#: Tests publish to their own queue, so a worker left running elsewhere never takes their tasks.
TEST_QUEUE = f"nmiq-test-{uuid.uuid4().hex[:8]}"


def pytest_configure(config):
    celery_app.conf.task_default_queue = TEST_QUEUE
    _test_database_server()


def _test_database_server():
    """On the embedded PostgreSQL, the test databases live in a cluster of their own, without
    durability: the developer's var/postgres keeps its own, and the flushes of transactional
    tests no longer wait for the disk. On a given server (CI's), the suite's connections at
    least commit without waiting for the WAL to be flushed."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "nmiq_portal.embedded_db":
        database["EMBEDDED_DATA_DIR"] = str(settings.VAR_DIR / "test-postgres")
        database["EMBEDDED_DURABLE"] = False
    options = database.setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()


@pytest.fixture(autouse=True)
def _tasks_in_process():
    """Tasks run in-process unless a test starts a real worker (see tests/conftest.py)."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = True


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Password hashing is deliberately slow; the suite hashes hundreds of passwords."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Throttles, rate limits and lockouts start afresh in every test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _seeded_taxonomy(request):
    """Transactional tests empty every table afterwards, the taxonomy a data migration seeded
    included; put it back for them, as a fresh database has it."""
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")):
        return
    from importlib import import_module

    from django.apps import apps

    request.getfixturevalue("transactional_db")
    import_module("capabilities.migrations.0003_seed_taxonomy").seed(apps, None)
