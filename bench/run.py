"""Serve the portal as production does (gunicorn, DEBUG off) on the bench database and measure
it over HTTP at 1 and 8 clients; for each case, replay that request's exact SQL alone on the
same database and print endpoint / SQL, queries per request, p50/p95/p99, req/s and the peak
memory of the gunicorn workers. With --load, also a fixed-rate mixed load check.

Writes bench/results/<scale>-<date>.json and a Markdown table beside it. Exits 1 only when the
harness fails (an error or a 5xx answer, a case that could not be measured); a missed target is
printed, never fatal."""

import argparse
import asyncio
import gc
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.cases import build_cases, build_fixtures, memory_targets, targets_met  # noqa: E402
from bench.load import editors_with_tokens, run_load  # noqa: E402
from bench.measure import median_of, summary  # noqa: E402
from bench.report import describe_data, markdown  # noqa: E402
from bench.server import Server, free_port, server_environment  # noqa: E402
from bench.traffic import Case, FeedPull, Outcome, capture_sql, run_clients, sql_alone_ms  # noqa: E402

#: The 1-client runs start after this many seconds of quiet (the 8-client run before them, or
#: the previous case, must not still be on the CPU).
IDLE_SECONDS = 2.0
#: A fast case makes as many requests as fit in this many seconds (``--seconds``, at its
#: warm-up's pace), up to MOST_REQUESTS: ten requests give a p95 that is nearly their slowest.
RUN_SECONDS = 3.0
MOST_REQUESTS = 300


def timed(run):
    """``run()`` with this process's collector off: a full collection of the harness's own
    objects (Django, the captured SQL) took tens of milliseconds, and landed inside whichever
    request was being timed. Collected again at once after."""
    gc.disable()
    try:
        return run()
    finally:
        gc.enable()
        gc.collect()


# --- Running ------------------------------------------------------------------------------------


class HarnessError(Exception):
    pass


def record_errors(result: dict, outcomes: list[Outcome]) -> None:
    """Count the answers other than 200 and the requests with no answer; run.py goes on (the
    file is still written) and exits 1 at the end."""
    for outcome in outcomes:
        if outcome.status != 200:
            result["errors"] += 1
            kind = outcome.error or str(outcome.status)
            if kind not in result["error_kinds"]:
                result["error_kinds"].append(kind)


def measure_cases(server: Server, cases: list[Case], fixtures: dict, args) -> list[dict]:
    import psycopg2
    from django.db import connection

    from capabilities.selectors.facets import forget_counts

    raw = psycopg2.connect(**connection.get_connection_params())
    results = {}
    forget_counts()  # each case's first request counts its facets, as after a change
    print(f"capturing and replaying the SQL of {len(cases)} cases…", flush=True)
    for case in cases:
        case_started = time.perf_counter()
        walk = case.key in ("snapshot", "feed_pull")
        first, status = capture_sql(fixtures["clients"], case.op)
        # The HTTP runs measure a request as it is answered most of the time: after the first,
        # which keeps what the next ones reuse (the directory's counts). The first is kept too.
        statements, status = (first, status) if walk else capture_sql(fixtures["clients"], case.op)
        if status != 200:
            raise HarnessError(f"{case.label}: answered {status} in-process")
        sql_ms = sql_alone_ms(raw, statements, 1 if walk else args.sql_repeat)
        results[case.key] = {
            "key": case.key,
            "label": case.label,
            "queries": len(statements),
            "sql_ms": sql_ms,
            "first_queries": len(first),
            "first_sql_ms": sql_ms if walk else sql_alone_ms(raw, first, 1),
            "runs": {str(c): [] for c in case.concurrency},
            "complete": True,
            "errors": 0,
            "error_kinds": [],
            "peak_worker_mb": 0.0,
        }
        print(
            f"  {case.key}: {len(statements)} statements, {results[case.key]['sql_ms']:.1f} ms "
            f"alone; the first request {len(first)}, {results[case.key]['first_sql_ms']:.1f} ms "
            f"({time.perf_counter() - case_started:.1f} s)",
            flush=True,
        )
    raw.close()

    cookie = fixtures["member_cookie"]
    time.sleep(args.idle)
    memory = {"baseline_mb": max(server.worker_rss_mb()), "after_search_mb": None}
    print("warming up both workers…", flush=True)
    gc.collect()
    gc.freeze()  # what the harness holds by now: out of the collector's reach for good
    sizes = {}
    for case in cases:
        warm = 2 if len(case.concurrency) > 1 else 1
        timings, _outcomes, _seconds = timed(
            lambda case=case, warm=warm: asyncio.run(
                run_clients(server.url, case.op, warm, warm, cookie)
            )
        )
        pace_ms = max(min(timings), 0.1)
        fitting = int(args.seconds * 1000 / pace_ms)
        sizes[case.key] = case.requests or max(args.requests, min(MOST_REQUESTS, fitting))
        # What the first searches (after the plain directory's) left in the workers, read
        # before the export, the feed pull and the snapshot, which come later, have grown them.
        if case.key == "search":
            time.sleep(args.idle)
            memory["after_search_mb"] = max(server.worker_rss_mb())
    for round_number in range(1, args.rounds + 1):
        print(f"round {round_number} of {args.rounds}", flush=True)
        for case in cases:
            result, case_started = results[case.key], time.perf_counter()
            for clients in case.concurrency:
                server.label = "idle"
                time.sleep(args.idle if clients == 1 else 0.5)
                requests = sizes[case.key]
                if clients > 1:
                    requests = max(requests * 2, clients)
                server.label = case.key
                timings, outcomes, seconds = timed(
                    lambda case=case, clients=clients, requests=requests: asyncio.run(
                        run_clients(server.url, case.op, clients, requests, cookie)
                    )
                )
                record_errors(result, outcomes)
                result["complete"] &= all(outcome.complete for outcome in outcomes)
                result["runs"][str(clients)].append(summary(timings, seconds))
                if isinstance(case.op, FeedPull):
                    result["events"] = outcomes[0].events
                if case.key == "snapshot":
                    result["bytes"] = outcomes[0].size
            result["peak_worker_mb"] = server.peaks.get(case.key, 0.0)
            print(f"  {case.key}: {time.perf_counter() - case_started:.1f} s", flush=True)
    for case in cases:
        result = results[case.key]
        result["clients"] = {c: median_of(runs) for c, runs in result["runs"].items()}
        one = result["clients"].get("1")
        result["ratio"] = one["p50"] / result["sql_ms"] if one and result["sql_ms"] > 0 else None
        result["targets"] = [
            {"target": name, "met": met} for name, met in targets_met(case, result)
        ]
    memory["peak_mb"] = max(server.peaks.values(), default=0.0)
    server.label = "idle"
    time.sleep(args.idle)
    memory["end_mb"] = max(server.worker_rss_mb())
    memory["targets"] = [{"target": name, "met": met} for name, met in memory_targets(memory)]
    return [results[case.key] for case in cases], memory


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", default="small", help="the name in the output file")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved runs of each case")
    parser.add_argument(
        "--requests",
        type=int,
        default=10,
        help="fewest requests per run at 1 client (twice that at 8); fast cases make more",
    )
    parser.add_argument(
        "--seconds",
        type=float,
        default=RUN_SECONDS,
        help="a fast case's run at 1 client lasts about this long (0: --requests requests)",
    )
    parser.add_argument("--sql-repeat", type=int, default=5, help="replays of each case's SQL")
    parser.add_argument("--idle", type=float, default=IDLE_SECONDS, help="seconds before 1 client")
    parser.add_argument("--only", nargs="*", help="case keys to run (all by default)")
    parser.add_argument("--load", action="store_true", help="then run the load check")
    parser.add_argument("--no-cases", action="store_true", help="only the load check")
    parser.add_argument("--duration", type=float, default=300, help="load check seconds")
    parser.add_argument("--rate", type=float, default=4, help="load check requests per second")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument(
        "--gunicorn-config", type=Path, help="another gunicorn settings file, to compare settings"
    )
    args = parser.parse_args()
    if args.rounds < 1 or args.requests < 1:
        parser.error("--rounds and --requests must be at least 1")
    if not os.environ.get("DATABASE_URL"):
        parser.error("set DATABASE_URL to the bench database (never the embedded one)")

    # The code measured: taken now, since the working tree may move during a long run.
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    port = free_port()
    env = server_environment(port)
    os.environ.update(env)
    # WhiteNoise warns that STATIC_ROOT was never collected; the bench serves no static files.
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()

    fixtures = build_fixtures()
    cases = build_cases(fixtures)
    if args.only:
        cases = [case for case in cases if case.key in args.only]
    log = Path(tempfile.mkdtemp(prefix="nmiq-bench-")) / "gunicorn.log"
    server = Server(port, env, log, args.gunicorn_config)
    load_before = os.getloadavg()[0]
    results, memory, load = [], None, None
    try:
        server.wait_ready()
        print(f"gunicorn on {server.url} (pid {server.process.pid}), log {log}", flush=True)
        if not args.no_cases:
            results, memory = measure_cases(server, cases, fixtures, args)
        if args.load:
            print(f"load check: {args.rate:g} req/s for {args.duration:g} s", flush=True)
            editors = editors_with_tokens()
            load = asyncio.run(run_load(server, fixtures, editors, args.rate, args.duration))
    except HarnessError as error:
        print(f"harness failed: {error}\n{server.log_tail()}", file=sys.stderr)
        return 1
    finally:
        server.stop()

    now = datetime.now(tz=UTC)
    meta = {
        "scale": args.scale,
        "date": now.strftime("%Y-%m-%d %H:%M UTC"),
        "data": describe_data(),
        "gunicorn": " ".join(
            Path(part).name if i == 0 else part for i, part in enumerate(server.command)
        ),
        "rounds": args.rounds,
        "requests": args.requests,
        "load_before": round(load_before, 1),
        "load_after": round(os.getloadavg()[0], 1),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "commit": commit,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / f"{args.scale}-{now.strftime('%Y-%m-%d')}"
    stem.with_suffix(".json").write_text(
        json.dumps({"meta": meta, "cases": results, "memory": memory, "load": load}, indent=2)
        + "\n"
    )
    table = markdown(meta, results, memory, load)
    stem.with_suffix(".md").write_text(table)
    print("\n" + table)
    print(f"written: {stem}.json and {stem}.md")
    missed = [
        f"{result['label']}: {item['target']}"
        for result in results
        for item in result["targets"]
        if not item["met"]
    ]
    missed += [
        f"workers: {item['target']}"
        for item in (memory or {}).get("targets", [])
        if not item["met"]
    ]
    if missed:
        print(f"{len(missed)} targets missed (reported, not fatal):")
        print("\n".join(f"  - {line}" for line in missed))
    failed = sum(result["errors"] for result in results) + (load["errors"] if load else 0)
    if failed:
        print(f"{failed} requests failed (errors or no answer): see the table", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
