"""The checks behind /healthz: database, broker and worker."""

from django.db import DatabaseError, connection

from nmiq_portal.celery import app as celery_app

IN_PROCESS = "tasks run in-process (no REDIS_URL)"


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return {"status": "error", "detail": type(exc).__name__}
    return {"status": "ok"}


def check_broker() -> dict:
    if celery_app.conf.task_always_eager:
        return {"status": "ok", "detail": IN_PROCESS}
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception as exc:
        return {"status": "error", "detail": type(exc).__name__}
    return {"status": "ok"}


def check_worker() -> dict:
    if celery_app.conf.task_always_eager:
        return {"status": "ok", "detail": IN_PROCESS}
    try:
        replies = celery_app.control.ping(timeout=1.0)
    except Exception as exc:
        return {"status": "error", "detail": type(exc).__name__}
    if not replies:
        return {"status": "error", "detail": "no worker answered"}
    return {"status": "ok", "workers": len(replies)}


CHECKS = {"database": check_database, "broker": check_broker, "worker": check_worker}
