import pytest
from django.db import OperationalError

from nmiq_portal.core import health
from tests.conftest import running_worker

pytestmark = pytest.mark.django_db


def test_quick_start_reports_tasks_running_in_process(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"status": "ok"}
    assert body["checks"]["worker"]["detail"] == health.IN_PROCESS


@pytest.mark.worker
# Starting a worker closes the database connections of the thread that starts it (Celery's
# Django fix-up), which would end a test's transaction: this test commits instead.
@pytest.mark.django_db(transaction=True)
def test_all_up_with_a_real_broker_and_worker(client, broker):
    with running_worker():
        response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    checks = response.json()["checks"]
    assert checks["broker"] == {"status": "ok"}
    assert checks["worker"]["status"] == "ok"
    assert checks["worker"]["workers"] >= 1


@pytest.mark.worker
def test_no_worker_is_503(client, broker):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == {
        "status": "error",
        "detail": "no worker answered",
    }


@pytest.mark.worker
def test_broker_down_is_503_but_the_database_check_alone_passes(client, broker):
    broker.stop()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["status"] == "error"
    only_database = client.get("/healthz", {"only": "database"})
    assert only_database.status_code == 200
    assert set(only_database.json()["checks"]) == {"database"}


def test_database_down_is_503(client, monkeypatch):
    def broken_cursor():
        raise OperationalError("connection refused")

    monkeypatch.setattr(health.connection, "cursor", broken_cursor)
    response = client.get("/healthz", {"only": "database"})
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {
        "status": "error",
        "detail": "OperationalError",
    }
