"""Fixtures for the whole suite."""

import uuid
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings

from nmiq_portal.celery import app as celery_app

#: Tests publish to their own queue, so a worker left running elsewhere never takes their tasks.
TEST_QUEUE = f"nmiq-test-{uuid.uuid4().hex[:8]}"


def pytest_configure(config):
    celery_app.conf.task_default_queue = TEST_QUEUE
    _test_database_server()


def pytest_collection_modifyitems(items):
    """Transactional tests first, then those without a database, then the others.

    The slowest tests (schemathesis, the browser, real workers, the sync client against a live
    server) are transactional; started first, parallel workers never wait for one of them at
    the end. Every flush puts back what migrations seeded (django_db_setup below), so a test
    run after a transactional one starts from the same database as one run before it.
    """

    def group(item):
        marker = item.get_closest_marker("django_db")
        if (marker and marker.kwargs.get("transaction")) or {
            "transactional_db",
            "live_server",
        } & set(item.fixturenames):
            return 0
        return 1 if marker is None and "db" not in item.fixturenames else 2

    items.sort(key=group)


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


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Password hashing is deliberately slow; the suite hashes thousands of passwords, in
    fixtures of every scope (data shared by a module or class included)."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Throttles, rate limits and lockouts start afresh in every test."""
    cache.clear()
    yield
    cache.clear()


#: What the data migrations of the taxonomy write (capabilities/0003_seed_taxonomy, its French
#: in 0015_data_in_french, the search's synonyms in 0019_search_synonyms): a fresh database has
#: it.
SEEDED_BY_MIGRATIONS = (
    "capabilities.TechnologyArea",
    "capabilities.ReadinessScale",
    "capabilities.ReadinessLevel",
    "capabilities.KcdbLabel",
    "capabilities.SearchSynonym",
)
SEED_MIGRATIONS = ("0003_seed_taxonomy", "0015_data_in_french")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database as migrations leave it, even when kept from an earlier run by
    --reuse-db; and after every flush of a transactional test, what the data migration seeded
    is put back, as Django itself puts back content types and permissions."""
    from django.apps import apps
    from django.db import connection
    from django.db.models.signals import post_migrate

    with django_db_blocker.unblock():
        if not apps.get_model(SEEDED_BY_MIGRATIONS[0]).objects.exists():
            _seed_as_migrations_do(connection)
        rows = {
            label: list(apps.get_model(label)._base_manager.order_by("pk").values())
            for label in SEEDED_BY_MIGRATIONS
        }

    def put_back(using, **kwargs):
        if not apps.get_model(SEEDED_BY_MIGRATIONS[0]).objects.using(using).exists():
            for label, values in rows.items():
                model = apps.get_model(label)
                model._base_manager.using(using).bulk_create(model(**row) for row in values)

    # Sent for each app in turn after a flush: the first one's runs before the change feed's
    # backfill (nmiq_portal.changes), as the migration ran before it in a fresh database.
    first = next(config for config in apps.get_app_configs() if config.models_module)
    post_migrate.connect(put_back, sender=first, weak=False, dispatch_uid="tests.put_back")
    with django_db_blocker.unblock(), _flush_by_delete(connection):
        yield
    post_migrate.disconnect(sender=first, dispatch_uid="tests.put_back")


#: Only migrations write these; a flush leaves them, so post_migrate has nothing to recreate.
KEPT_BY_FLUSH = {"django_content_type", "auth_permission"}


@contextmanager
def _flush_by_delete(connection):
    """Transactional tests end with a flush, which Django does with one TRUNCATE of every table:
    a new file for each table and index, on the disk, every time (about a second a test here).
    A DELETE of their few rows, with triggers (pghistory's, the foreign keys') off for the
    transaction, leaves the same empty tables in milliseconds. It needs a superuser, which the
    test servers give; elsewhere, and when sequences are to be reset, Django's TRUNCATE stays.
    """
    from django.db.backends.postgresql.operations import DatabaseOperations

    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = cursor.fetchone()[0]
    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if not superuser or reset_sequences:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        emptied = [table for table in tables if table not in KEPT_BY_FLUSH]
        return [
            "SET LOCAL session_replication_role = replica",
            *(f"DELETE FROM {self.quote_name(table)}" for table in emptied),  # noqa: S608
            "SET LOCAL session_replication_role = DEFAULT",
        ]

    DatabaseOperations.sql_flush = sql_flush
    try:
        yield
    finally:
        DatabaseOperations.sql_flush = truncate


def _seed_as_migrations_do(connection):
    """A database a flush emptied (the last test of the run that kept it was transactional):
    the data migration's seed with the models as migrations know them, then post_migrate."""
    from importlib import import_module

    from django.core.management.sql import emit_post_migrate_signal
    from django.db.migrations.loader import MigrationLoader

    historical = MigrationLoader(connection).project_state().apps
    for name in SEED_MIGRATIONS:
        import_module(f"capabilities.migrations.{name}").seed(historical, None)
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
