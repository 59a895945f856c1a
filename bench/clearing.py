"""Removing the bench rows, in SQL, children first (used by generate.py)."""

# ruff: noqa: S608 - the SQL below is built from this file's constants, never from input.
import time

from django.db import connection, transaction

from bench.marks import EMAIL_DOMAIN, TWA_FIRST_NUMBER
from capabilities.models import Contact, Institute, Service, Testbed
from collaborations.models import Project
from nmiq_portal.changes.models import ChangeEvent, ChangeState
from outputs.models import (
    Benchmark,
    BenchmarkResult,
    Comparison,
    ComparisonResult,
    Guide,
    GuideVersion,
    Term,
)

# --- Removing the bench rows --------------------------------------------------------------------
#
#: Bench rows of each table, in the order they are deleted (children first); every condition
#: reaches a bench institute, user or working area, so nothing else is touched.
_BENCH = "(select id from capabilities_institute where acronym like 'BENCH%%')"
_USERS = f"(select id from accounts_user where email like '%%@{EMAIL_DOMAIN}')"
_TWAS = f"(select id from collaborations_technicalworkingarea where number >= {TWA_FIRST_NUMBER})"
_PROJECTS = f"(select id from collaborations_project where twa_id in {_TWAS})"
_GUIDES = f"(select id from outputs_guide where twa_id in {_TWAS})"
_BENCHMARKS = f"(select id from outputs_benchmark where twa_id in {_TWAS})"
_COMPARISONS = f"(select id from outputs_comparison where project_id in {_PROJECTS})"
_TERMS = f"(select id from outputs_term where twa_id in {_TWAS})"


def _owned(table: str, column: str, owners: str) -> str:
    return f"{table} where {column} in {owners}"


#: (table whose rows the feed may list, its type key, the condition on the table), for the
#: events and states to delete with the rows.
FEED_ROWS = [
    ("capabilities_testbed", "testbed", f"institute_id in {_BENCH}"),
    ("capabilities_service", "service", f"institute_id in {_BENCH}"),
    ("capabilities_contact", "contact", f"institute_id in {_BENCH}"),
    ("capabilities_institute", "institute", f"id in {_BENCH}"),
    ("collaborations_technicalworkingarea", "twa", f"id in {_TWAS}"),
    ("collaborations_project", "project", f"id in {_PROJECTS}"),
    ("outputs_guide", "guide", f"id in {_GUIDES}"),
    ("outputs_benchmark", "benchmark", f"id in {_BENCHMARKS}"),
    ("outputs_benchmarkresult", "result", f"benchmark_id in {_BENCHMARKS}"),
    ("outputs_comparison", "comparison", f"id in {_COMPARISONS}"),
    ("outputs_term", "term", f"id in {_TERMS}"),
]

DELETES = [
    _owned("notifications_notification", "recipient_id", _USERS),
    _owned("outputs_comparisonresult", "comparison_id", _COMPARISONS),
    _owned("outputs_comparison", "id", _COMPARISONS),
    _owned("outputs_benchmarkresult", "benchmark_id", _BENCHMARKS),
    _owned("outputs_benchmark", "id", _BENCHMARKS),
    _owned("outputs_guideversion", "guide_id", _GUIDES),
    _owned("outputs_guide_institutes", "guide_id", _GUIDES),
    _owned("outputs_guide_technology_areas", "guide_id", _GUIDES),
    _owned("outputs_guide", "id", _GUIDES),
    _owned("outputs_term", "id", _TERMS),
    _owned("collaborations_project", "id", _PROJECTS),
    _owned("collaborations_technicalworkingarea", "id", _TWAS),
    # The load check's tokens (bench/run.py --load) and what its writes left.
    _owned("accounts_apitoken", "user_id", _USERS),
    _owned("workflow_workflowevent", "actor_id", _USERS),
    _owned("capabilities_membership", "user_id", _USERS),
    _owned("capabilities_membership", "institute_id", _BENCH),
    _owned("accounts_user", "id", _USERS),
    *(
        _owned(f"capabilities_{model}_{link}", f"{model}_id", records)
        for model, records in (
            ("testbed", f"(select id from capabilities_testbed where institute_id in {_BENCH})"),
            ("service", f"(select id from capabilities_service where institute_id in {_BENCH})"),
        )
        for link in ("technology_areas", "contacts")
    ),
    _owned("capabilities_service", "institute_id", _BENCH),
    _owned("capabilities_testbed", "institute_id", _BENCH),
    _owned("capabilities_contact", "institute_id", _BENCH),
]


def _history_deletes() -> list[str]:
    """History rows outlive their record (pghistory keeps no foreign key): deleted by the
    record's id, before the records."""
    owned = {
        Testbed: f"(select id from capabilities_testbed where institute_id in {_BENCH})",
        Service: f"(select id from capabilities_service where institute_id in {_BENCH})",
        Contact: f"(select id from capabilities_contact where institute_id in {_BENCH})",
        Institute: _BENCH,
        Term: _TERMS,
        Guide: _GUIDES,
        GuideVersion: f"(select id from outputs_guideversion where guide_id in {_GUIDES})",
        Benchmark: _BENCHMARKS,
        BenchmarkResult: f"(select id from outputs_benchmarkresult where benchmark_id in "
        f"{_BENCHMARKS})",
        Comparison: _COMPARISONS,
        ComparisonResult: f"(select id from outputs_comparisonresult where comparison_id in "
        f"{_COMPARISONS})",
        Project: _PROJECTS,
    }
    return [
        _owned(model.history.field.model._meta.db_table, "pgh_obj_id", owners)
        for model, owners in owned.items()
        if hasattr(model, "history")
    ]


def clear() -> None:
    """Delete every row an earlier run made (and nothing else), in SQL: Django's cascade would
    load each of 100,000 records into Python and send its signals."""
    started = time.perf_counter()
    deleted = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for table, type_key, condition in FEED_ROWS:
            for feed_table in (ChangeEvent._meta.db_table, ChangeState._meta.db_table):
                cursor.execute(
                    f"delete from {feed_table} where type_key = %s "
                    f"and uuid in (select uuid from {table} where {condition})",
                    [type_key],
                )
                deleted[feed_table] = deleted.get(feed_table, 0) + cursor.rowcount
        for statement in _history_deletes() + DELETES:
            cursor.execute(f"delete from {statement}")
            table = statement.split()[0]
            deleted[table] = deleted.get(table, 0) + cursor.rowcount
        # The institutes last, once nothing refers to them.
        cursor.execute(f"delete from capabilities_institute where id in {_BENCH}")
        deleted["capabilities_institute"] = cursor.rowcount
    summary = ", ".join(f"{count} {table}" for table, count in deleted.items() if count)
    print(f"cleared in {time.perf_counter() - started:.1f} s:", summary or "nothing")
