"""The settings: embedded PostgreSQL by default, safe production values, security headers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x7#Qp2!vL9@mZ4$wR8^tY1&uI6*oP3(aS5)dF0-gH2+jK7=lZ9~xC4",
    "SITE_URL": "https://portal.nmi-q.example",
    "ALLOWED_HOSTS": "portal.nmi-q.example",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.nmi-q.example:587",
}


#: Set by pytest-env and pytest-xdist for the suite only; a deployment has none of them.
TEST_ONLY = {
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "STATIC_MANIFEST",
    "PYTEST_CURRENT_TEST",
    "PYTEST_XDIST_WORKER",
    "PYTEST_XDIST_WORKER_COUNT",
    "PYTEST_XDIST_TESTRUNUID",
}


def environment(*, without=(), **values) -> dict:
    """This process's environment minus the test-only variables (and ``without``), plus values."""
    kept = {k: v for k, v in os.environ.items() if k not in TEST_ONLY and k not in without}
    return {**kept, **values}


def run(args, env, timeout=120):
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def manage(*args, env=None):
    return run([sys.executable, "manage.py", *args], environment(**(env or {})))


def settings_script(script: str, env: dict):
    """Run ``script`` after django.setup() in a fresh interpreter."""
    setup = "import django; django.setup();"
    return run(
        [sys.executable, "-c", setup + script],
        {**env, "DJANGO_SETTINGS_MODULE": "nmiq_portal.settings"},
    )


def test_check_deploy_reports_nothing_with_production_values():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_does_complain_about_an_unsafe_setup():
    unsafe = {**PRODUCTION, "SITE_URL": "http://portal.nmi-q.example", "DEBUG": "true"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=unsafe)
    assert result.returncode != 0
    assert "security.W004" in result.stderr  # no HSTS
    assert "security.W018" in result.stderr  # DEBUG on


def test_embedded_postgresql_starts_when_no_database_url_is_set(tmp_path):
    result = settings_script(
        "from django.db import connection; connection.ensure_connection();"
        "print(connection.vendor, connection.settings_dict['NAME'], connection.pg_version)",
        environment(without={"DATABASE_URL", "SECRET_KEY"}, VAR_DIR=str(tmp_path)),
    )
    assert result.returncode == 0, result.stderr
    vendor, name, version = result.stdout.split()
    assert (vendor, name) == ("postgresql", "nmiq")
    assert int(version) >= 180000
    assert (tmp_path / "postgres" / "PG_VERSION").exists()
    assert (tmp_path / "secret_key").exists(), "a fresh install gets its own random key"


@pytest.mark.parametrize(
    ("database_url", "engine", "name"),
    [
        (None, "nmiq_portal.embedded_db", "nmiq"),
        (
            "postgres://portal@db.example:5432/directory",
            "django.db.backends.postgresql",
            "directory",
        ),
    ],
)
def test_database_comes_from_database_url_else_the_embedded_server(database_url, engine, name):
    values = {"DATABASE_URL": database_url} if database_url else {}
    result = settings_script(
        "from django.conf import settings; db = settings.DATABASES['default'];"
        "print(db['ENGINE'], db['NAME'])",
        environment(without={"DATABASE_URL"}, **values),
    )
    assert result.stdout.split() == [engine, name], result.stderr


@pytest.mark.parametrize(
    ("worker", "redis_url", "expected"),
    [
        (None, "redis://127.0.0.1:6379/3", "redis://127.0.0.1:6379/3"),
        ("gw0", "redis://127.0.0.1:6379/3", "redis://127.0.0.1:6379/3"),
        ("gw2", "redis://127.0.0.1:6379/3", "redis://127.0.0.1:6379/5"),
        ("gw1", "redis://:secret@cache.example:6380", "redis://:secret@cache.example:6380/1"),
    ],
)
def test_each_test_worker_has_a_redis_database_of_its_own(worker, redis_url, expected):
    values = {"REDIS_URL": redis_url} | ({"PYTEST_XDIST_WORKER": worker} if worker else {})
    result = settings_script(
        "from django.conf import settings;"
        "print(settings.CACHES['default']['LOCATION'], settings.CELERY_BROKER_URL)",
        environment(**values),
    )
    assert result.stdout.split() == [expected, expected], result.stderr


def test_quick_start_without_https_keeps_cookies_usable_over_http():
    assert settings.SITE_URL.startswith("http://")
    assert settings.SECURE_SSL_REDIRECT is False
    assert settings.SESSION_COOKIE_SECURE is False


@pytest.mark.django_db
def test_pages_carry_the_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_a_killed_process_does_not_keep_the_embedded_server_alive(tmp_path):
    from nmiq_portal.embedded_db.server import _forget_dead_processes

    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead = int(finished.stdout)
    (tmp_path / ".handle_pids.json").write_text(f"[{dead}, {os.getpid()}]")
    _forget_dead_processes(tmp_path)
    assert (tmp_path / ".handle_pids.json").read_text() == f"[{os.getpid()}]"


def test_a_list_of_processes_cut_short_by_a_kill_does_not_stop_the_next_start(tmp_path):
    from nmiq_portal.embedded_db.server import _forget_dead_processes

    for cut_short in ("", "[12"):
        (tmp_path / ".handle_pids.json").write_text(cut_short)
        _forget_dead_processes(tmp_path)
        assert (tmp_path / ".handle_pids.json").read_text() == "[]"


SHOW_LIMITS = (
    "from django.db import connection; c = connection.cursor(); "
    "c.execute('SHOW statement_timeout'); a = c.fetchone()[0]; "
    "c.execute('SHOW idle_in_transaction_session_timeout'); b = c.fetchone()[0]; "
    "c.execute('SHOW jit'); j = c.fetchone()[0]; print(a, b, j)"
)


@pytest.mark.parametrize(
    ("process", "expected"),
    [
        ("import nmiq_portal.wsgi", "30s 1min off"),  # what gunicorn and runserver load
        ("import django; django.setup()", "0 0 on"),  # a worker, a command, a migration
    ],
)
def test_web_processes_and_only_they_run_under_database_time_limits(process, expected):
    env = environment(without=("NMIQ_PROCESS",), DJANGO_SETTINGS_MODULE="nmiq_portal.settings")
    result = run([sys.executable, "-c", f"{process}; {SHOW_LIMITS}"], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == expected.split()
