"""The harness's pure parts: percentiles and summaries of timings, and the statements of one
request captured for replay (with their parameters exactly as Django passed them to psycopg2)."""

import math
import statistics
import time
from dataclasses import dataclass, field


def percentile(values: list[float], p: float) -> float:
    """The ``p``-th percentile (0-100) of ``values``, interpolated between the closest ranks
    (numpy's default "linear" method); the only value for a list of one."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary(timings_ms: list[float], seconds: float) -> dict:
    """p50/p95/p99/max of one run's timings, and its throughput over ``seconds`` of wall time."""
    return {
        "n": len(timings_ms),
        "p50": percentile(timings_ms, 50),
        "p95": percentile(timings_ms, 95),
        "p99": percentile(timings_ms, 99),
        "max": max(timings_ms),
        "rps": len(timings_ms) / seconds if seconds > 0 else 0.0,
    }


def median_of(runs: list[dict]) -> dict:
    """The median, key by key, of runs' summaries (the 3 interleaved runs of a case)."""
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


@dataclass
class Statement:
    """One statement of a request, as Django handed it to the driver."""

    sql: str
    #: None when Django executed it without parameters: then "%" in the SQL is literal, and it
    #: must be replayed without parameters too (with them psycopg2 would read "%" as a marker).
    params: object
    many: bool = False
    #: Inside a transaction (an atomic block) rather than in autocommit.
    in_transaction: bool = False

    def is_read(self) -> bool:
        return self.sql.lstrip().lower().startswith(("select", "with", "show", "values"))


@dataclass
class Capture:
    """A ``connection.execute_wrapper`` that records every statement of the wrapped code."""

    connection: object
    statements: list[Statement] = field(default_factory=list)

    def __call__(self, execute, sql, params, many, context):
        self.statements.append(
            Statement(sql, params, many, in_transaction=self.connection.in_atomic_block)
        )
        return execute(sql, params, many, context)


def execute(cursor, statement: Statement) -> None:
    """Run ``statement`` on a psycopg2 cursor as Django did, and read all its rows."""
    if statement.many:
        cursor.executemany(statement.sql, statement.params)
    elif statement.params is None:
        cursor.execute(statement.sql)
    else:
        cursor.execute(statement.sql, statement.params)
    if cursor.description is not None:
        cursor.fetchall()


def replay(raw_connection, statements: list[Statement]) -> float:
    """Run ``statements`` in order on ``raw_connection`` (psycopg2), with nothing of Django in
    between; their wall time in ms. Reads outside a transaction run in autocommit, as Django ran
    them; a transaction's statements run in one transaction, and any write is rolled back, so
    replaying leaves the database as it was."""
    _end(raw_connection)
    started = time.perf_counter()
    in_transaction = False
    with raw_connection.cursor() as cursor:
        for statement in statements:
            if in_transaction and not statement.in_transaction:
                _end(raw_connection)
                in_transaction = False
            if (statement.in_transaction or not statement.is_read()) and not in_transaction:
                raw_connection.autocommit = False
                in_transaction = True
            execute(cursor, statement)
            if in_transaction and not statement.in_transaction:
                # A write Django made in autocommit: undone at once.
                _end(raw_connection)
                in_transaction = False
    elapsed = (time.perf_counter() - started) * 1000
    _end(raw_connection)
    return elapsed


def _end(raw_connection) -> None:
    """Roll back any open transaction and go back to autocommit."""
    raw_connection.rollback()
    raw_connection.autocommit = True
