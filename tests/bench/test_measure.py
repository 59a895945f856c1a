"""The benchmark harness's pure parts: percentiles, and replaying a request's captured SQL as
Django ran it (bench/measure.py). The harness itself is proven by running it (.ci/run)."""

import psycopg2
import pytest
from django.db import connection

from bench.measure import Capture, Statement, median_of, percentile, replay, summary


def test_percentile_interpolates_between_ranks():
    values = [4.0, 1.0, 3.0, 2.0]
    assert percentile(values, 0) == 1.0
    assert percentile(values, 50) == 2.5
    assert percentile(values, 100) == 4.0
    assert percentile(values, 95) == pytest.approx(3.85)


def test_percentile_of_one_value_and_of_none():
    assert percentile([7.0], 99) == 7.0
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)


def test_summary_and_median_of_runs():
    run = summary([10.0, 20.0, 30.0, 40.0], seconds=2.0)
    assert (run["n"], run["p50"], run["max"], run["rps"]) == (4, 25.0, 40.0, 2.0)
    runs = [{"p50": 1.0}, {"p50": 9.0}, {"p50": 4.0}]
    assert median_of(runs) == {"p50": 4.0}


@pytest.fixture
def raw(db):
    """A psycopg2 connection of its own to the test database, as run.py replays on."""
    raw = psycopg2.connect(**connection.get_connection_params())
    yield raw
    raw.close()


def test_capture_keeps_the_parameters_and_the_transaction(db):
    capture = Capture(connection)
    with connection.execute_wrapper(capture), connection.cursor() as cursor:
        cursor.execute("select %s::int + 1", [41])
        cursor.execute("select '100%'")
    first, second = capture.statements
    assert (first.sql, first.params, first.in_transaction) == ("select %s::int + 1", [41], True)
    # Executed without parameters: replayed without them, so "%" stays a literal.
    assert second.params is None


def test_replay_without_parameters_leaves_percent_signs_alone(raw):
    statements = [Statement("select '100%'", None), Statement("select %s::int", [3])]
    assert replay(raw, statements) > 0
    with pytest.raises(IndexError):
        # What replaying it with an empty parameter list would do.
        replay(raw, [Statement("select '100%'", [])])


def test_replay_rolls_back_writes(raw):
    raw.autocommit = True
    with raw.cursor() as cursor:
        cursor.execute("create table bench_replay_probe (n int)")
    try:
        replay(
            raw,
            [
                Statement("insert into bench_replay_probe values (%s)", [1]),
                Statement(
                    "insert into bench_replay_probe values (%s)",
                    [[2], [3]],
                    many=True,
                    in_transaction=True,
                ),
                Statement("select count(*) from bench_replay_probe", None),
            ],
        )
        with raw.cursor() as cursor:
            cursor.execute("select count(*) from bench_replay_probe")
            assert cursor.fetchone() == (0,)
    finally:
        with raw.cursor() as cursor:
            cursor.execute("drop table bench_replay_probe")
