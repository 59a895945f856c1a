"""Serve the portal as production does (gunicorn, DEBUG off) on the bench database and measure
it over HTTP at 1 and 8 clients; for each case, replay that request's exact SQL alone on the
same database and print endpoint / SQL, queries per request, p50/p95/p99, req/s and the peak
memory of the gunicorn workers. With --load, also a fixed-rate mixed load check.

Writes bench/results/<scale>-<date>.json and a Markdown table beside it. Exits 1 only when the
harness fails (an error or a 5xx answer, a case that could not be measured); a missed target is
printed, never fatal."""

import argparse
import asyncio
import json
import os
import platform
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import psutil  # noqa: E402

from bench.measure import Capture, median_of, percentile, replay, summary  # noqa: E402

#: The 1-client runs start after this many seconds of quiet (the 8-client run before them, or
#: the previous case, must not still be on the CPU).
IDLE_SECONDS = 2.0
USER_AGENT = "nmiq-bench/1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment(port: int) -> dict:
    """The settings of both the gunicorn workers and this process's Django: production's
    (DEBUG off), on the bench database, with the API throttles lifted (a load tool makes
    thousands of requests a minute from one address) and the bench's own host."""
    env = dict(os.environ)
    env.update(
        DEBUG="false",
        API_THROTTLE_ANON="100000000/min",
        API_THROTTLE_USER="100000000/min",
        API_THROTTLE_TOKEN="100000000/min",  # noqa: S106 - a rate, not a secret
        SITE_URL=f"http://127.0.0.1:{port}",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        LOG_LEVEL=env.get("LOG_LEVEL", "WARNING"),
        DJANGO_SETTINGS_MODULE="nmiq_portal.settings",
    )
    # Without collectstatic there is no manifest for {% static %}; the bench serves no assets.
    env.setdefault("STATIC_MANIFEST", "false")
    return env


#: gunicorn's control socket has one path per user: two servers (another engineer's, CI's) would
#: take it from each other. The bench needs none.
NO_CONTROL_SOCKET = ["--no-control-socket"]


def gunicorn_command(port: int) -> list[str]:
    """gunicorn as the Docker image starts it: with the repository's gunicorn.conf.py when there
    is one, else the Dockerfile's CMD flags; two workers (the machine has two cores)."""
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    bind = f"127.0.0.1:{port}"
    workers = ["--workers", "2", "--bind", bind]
    if (ROOT / "gunicorn.conf.py").exists():
        return [
            gunicorn,
            "-c",
            "gunicorn.conf.py",
            "nmiq_portal.wsgi:application",
            *workers,
            *NO_CONTROL_SOCKET,
        ]
    return [
        gunicorn,
        "nmiq_portal.wsgi:application",
        *workers,
        "--worker-tmp-dir",
        "/dev/shm",  # noqa: S108 - the Dockerfile's flag: gunicorn's heartbeat files
        "--access-logfile",
        "-",
        *NO_CONTROL_SOCKET,
    ]


class Server:
    """The gunicorn master and its workers, with a thread sampling the workers' memory."""

    def __init__(self, port: int, env: dict, log: Path):
        self.port = port
        self.command = gunicorn_command(port)
        self.log = log
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        self.label = "start"
        self.peaks: dict[str, float] = {}
        self.series: list[tuple[float, list[float]]] = []
        self.keep_series = False
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited: see {self.log}\n{self.log_tail()}")
            try:
                answer = httpx.get(f"{self.url}/healthz?only=database", timeout=5)
                if answer.status_code == 200 and len(self.workers()) == 2:
                    self._sampler.start()
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer in {timeout:.0f} s\n{self.log_tail()}")

    def log_tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])

    def workers(self) -> list[psutil.Process]:
        try:
            return psutil.Process(self.process.pid).children()
        except psutil.NoSuchProcess:
            return []

    def worker_rss_mb(self) -> list[float]:
        sizes = []
        for worker in self.workers():
            try:
                sizes.append(worker.memory_info().rss / 2**20)
            except psutil.NoSuchProcess:
                continue
        return sizes

    def _sample(self) -> None:
        while not self._stop.wait(0.1):
            sizes = self.worker_rss_mb()
            if not sizes:
                continue
            label = self.label
            self.peaks[label] = max(self.peaks.get(label, 0.0), max(sizes))
            if self.keep_series:
                self.series.append((time.monotonic(), sizes))

    def stop(self) -> None:
        self._stop.set()
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


# --- What a case does ---------------------------------------------------------------------------
#
@dataclass
class Get:
    """GET one of ``urls`` (the i-th, cycling), read to the end; with ``member``, signed in."""

    urls: list[str]
    headers: dict = field(default_factory=dict)
    member: bool = False


@dataclass
class FeedPull:
    """Walk the change feed from its start, ``limit`` events a page, until ``events`` are read
    (or the feed ends), as a new mirror catches up."""

    events: int
    limit: int = 1000


@dataclass
class Case:
    key: str
    label: str
    op: Get | FeedPull
    #: The client counts it runs at; the snapshot, a download of minutes, only at 1.
    concurrency: tuple = (1, 8)
    #: Requests per run at 1 client, when not the command's --requests (slow, heavy cases).
    requests: int | None = None
    #: The issue's targets at the large scale: {name: limit}; see targets_met.
    targets: dict = field(default_factory=dict)


@dataclass
class Outcome:
    """What one request (or one feed walk) gave: its status, size and whether it ended."""

    status: int
    size: int = 0
    complete: bool = True
    events: int = 0
    #: The exception when there was no answer (status 0), e.g. a worker killed mid-request.
    error: str = ""


def _headers(op: Get, member_cookie: str) -> dict:
    headers = {"User-Agent": USER_AGENT, **op.headers}
    if op.member:
        headers["Cookie"] = member_cookie
    return headers


async def perform(client: httpx.AsyncClient, op, i: int, member_cookie: str) -> Outcome:
    """Make the i-th request of ``op`` over HTTP and read the whole body."""
    try:
        return await _perform(client, op, i, member_cookie)
    except httpx.HTTPError as error:
        return Outcome(0, complete=False, error=type(error).__name__)


async def _perform(client: httpx.AsyncClient, op, i: int, member_cookie: str) -> Outcome:
    if isinstance(op, FeedPull):
        url, events, status = f"/api/v1/changes/?limit={op.limit}", 0, 200
        while events < op.events:
            answer = await client.get(url, headers={"Accept": "application/json"})
            if answer.status_code != 200:
                return Outcome(answer.status_code, events=events)
            page = answer.json()
            events += len(page["results"])
            if not page["has_more"]:
                break
            url = f"/api/v1/changes/?limit={op.limit}&after={page['next']}"
        return Outcome(status, events=events)
    url = op.urls[i % len(op.urls)]
    size, tail = 0, b""
    async with client.stream("GET", url, headers=_headers(op, member_cookie)) as answer:
        try:
            async for chunk in answer.aiter_raw():
                size += len(chunk)
                tail = (tail + chunk)[-200:]
        except httpx.HTTPError:
            # The server cut the response off (a worker timeout): measured, not fatal.
            return Outcome(answer.status_code, size, complete=False)
    complete = b'"cursor"' in tail if url.startswith("/api/v1/snapshot/") else True
    return Outcome(answer.status_code, size, complete=complete)


async def run_clients(base_url: str, op, clients: int, requests: int, member_cookie: str):
    """``requests`` requests of ``op`` by ``clients`` concurrent clients; (timings in ms,
    outcomes, wall seconds)."""
    timings, outcomes, counter = [], [], iter(range(requests))
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    # No time-out: the snapshot's download takes minutes; gunicorn's own timeout still applies.
    async with httpx.AsyncClient(base_url=base_url, timeout=None, limits=limits) as client:  # noqa: S113

        async def one_client() -> None:
            for i in counter:
                started = time.perf_counter()
                outcome = await perform(client, op, i, member_cookie)
                timings.append((time.perf_counter() - started) * 1000)
                outcomes.append(outcome)

        started = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(clients)))
    return timings, outcomes, time.perf_counter() - started


# --- In-process: the request's exact SQL --------------------------------------------------------
#
def capture_sql(clients: dict, op):
    """Make the request of ``op`` once in this process through Django's test client, recording
    every statement it runs; (statements, status)."""
    from django.db import connection

    capture = Capture(connection)
    with connection.execute_wrapper(capture):
        if isinstance(op, FeedPull):
            url, events, status = f"/api/v1/changes/?limit={op.limit}", 0, 200
            while events < op.events:
                answer = clients["anonymous"].get(url, headers={"Accept": "application/json"})
                status = answer.status_code
                if status != 200:
                    break
                page = answer.json()
                events += len(page["results"])
                if not page["has_more"]:
                    break
                url = f"/api/v1/changes/?limit={op.limit}&after={page['next']}"
        else:
            client = clients["member" if op.member else "anonymous"]
            answer = client.get(op.urls[0], headers=op.headers)
            status = answer.status_code
            if answer.streaming:
                for _chunk in answer.streaming_content:
                    pass
    return capture.statements, status


def sql_alone_ms(raw_connection, statements, times: int) -> float:
    return sorted(replay(raw_connection, statements) for _ in range(times))[times // 2]


# --- The cases ----------------------------------------------------------------------------------
#
SEARCH = "q=cryogenic&area=superconducting&access=remote&temperature_min=10+mK&temperature_max=4+K"


def build_fixtures(sample: int = 50) -> dict:
    """URLs of random public bench rows, the member's session, the feed's latest cursor."""
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.test import Client

    from bench.generate import ACRONYM_PREFIX, INBOX_EMAIL, SLUG_PREFIX
    from capabilities.models import Testbed
    from nmiq_portal.accounts.models import User
    from nmiq_portal.changes import feed
    from outputs.models import Benchmark

    member = User.objects.filter(email=INBOX_EMAIL).first()
    if member is None:
        raise SystemExit("No bench data: run `python bench/generate.py --scale small` first.")
    testbeds = list(
        Testbed.objects.visible_to(AnonymousUser())
        .filter(institute__acronym__startswith=ACRONYM_PREFIX)
        .order_by("?")
        .values_list("slug", "uuid")[:sample]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "select txid, id from changes_changeevent order by txid desc, id desc limit 1"
        )
        last = cursor.fetchone() or (0, 0)
    latest = feed.encode_cursor(int(last[0]), last[1], epoch=feed.current_epoch())
    benchmark = Benchmark.objects.filter(slug__startswith=f"{SLUG_PREFIX}-").order_by("pk").first()
    anonymous, signed_in = Client(), Client()
    signed_in.force_login(member)
    session = signed_in.cookies["sessionid"]
    return {
        "testbeds": testbeds,
        "latest_cursor": latest,
        "benchmark": benchmark.slug if benchmark else None,
        "clients": {"anonymous": anonymous, "member": signed_in},
        "member_cookie": f"sessionid={session.value}",
    }


def build_cases(fixtures: dict) -> list[Case]:
    pages = [f"/testbeds/{slug}/" for slug, _uuid in fixtures["testbeds"]]
    details = [f"/api/v1/testbeds/{uuid}/" for _slug, uuid in fixtures["testbeds"]]
    api = {"Accept": "application/json"}
    cases = [
        Case("directory", "plain /directory/", Get(["/directory/"]), targets={"p50": 300}),
        Case("member_dir", "plain, member", Get(["/directory/"], {}, True), targets={"p50": 300}),
        Case(
            "search",
            "/directory/ text + 2 facets + temperature range",
            Get([f"/directory/?{SEARCH}"]),
            targets={"p50": 400, "ratio": 3},
        ),
        Case(
            "api_search",
            "API services/, same search",
            Get([f"/api/v1/services/?{SEARCH}"], api),
            targets={"ratio": 3},
        ),
        Case(
            "api_q",
            "API services/?q= one word",
            Get(["/api/v1/services/?q=calibration"], api),
            targets={"p50": 300, "ratio": 3},
        ),
        Case(
            "api_list",
            "API 50 testbeds, 2 filters",
            Get(["/api/v1/testbeds/?page_size=50&rmo=EURAMET&access=remote"], api),
            targets={"p95_1": 50},
        ),
        Case("testbed_page", "testbed page", Get(pages), targets={"p95_1": 50}),
        Case("api_detail", "API testbed detail", Get(details, api), targets={"p95_1": 50}),
        Case(
            "feed_poll",
            "empty change-feed poll",
            Get([f"/api/v1/changes/?after={fixtures['latest_cursor']}"], api),
            targets={"queries": 1},
        ),
        Case(
            "member_search",
            "signed-in member's search",
            Get([f"/directory/?{SEARCH}"], member=True),
        ),
        Case(
            "htmx",
            "htmx partial of /directory/",
            Get([f"/directory/?{SEARCH}"], {"HX-Request": "true"}),
        ),
        Case(
            "export_csv", "export CSV of q=cryogenic", Get(["/directory/export/csv/?q=cryogenic"])
        ),
        Case("glossary", "glossary page", Get(["/glossary/"])),
    ]
    if fixtures["benchmark"]:
        cases.append(
            Case(
                "results", "benchmark results page", Get([f"/benchmarks/{fixtures['benchmark']}/"])
            )
        )
    cases += [
        # One client: a mirror catching up is one client; eight at once would only measure the
        # queue behind two workers.
        Case(
            "feed_pull",
            "change-feed pull of 10k events",
            FeedPull(10_000),
            concurrency=(1,),
            requests=2,
        ),
        Case(
            "snapshot",
            "snapshot (whole, streamed)",
            Get(["/api/v1/snapshot/"]),
            concurrency=(1,),
            requests=1,
            targets={"complete": True, "memory": 200},
        ),
    ]
    return cases


def targets_met(case: Case, result: dict) -> list[tuple[str, bool]]:
    """Each of the issue's targets for this case (those for every case included), met or not."""
    checks = []
    one = result["clients"].get("1")
    if one is None:
        return checks
    for name, limit in case.targets.items():
        if name == "p50":
            checks.append((f"p50 <= {limit} ms", one["p50"] <= limit))
        elif name == "p95_1":
            checks.append((f"p95 <= {limit} ms at 1 client", one["p95"] <= limit))
        elif name == "ratio" and result["ratio"] is not None:
            checks.append((f"p50 <= {limit}x SQL alone", result["ratio"] <= limit))
        elif name == "queries":
            checks.append((f"{limit} query", result["queries"] == limit))
        elif name == "complete":
            checks.append(("complete", result["complete"]))
        elif name == "memory":
            checks.append((f"peak worker <= {limit} MB", result["peak_worker_mb"] <= limit))
    checks.append(("p95 <= 1.5x p50", one["p95"] <= 1.5 * one["p50"]))
    if case.key not in ("snapshot", "feed_pull", "export_csv"):
        checks.append(("<= 10 queries", result["queries"] <= 10))
    return checks


# --- Running ------------------------------------------------------------------------------------
#
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

    raw = psycopg2.connect(**connection.get_connection_params())
    results = {}
    print(f"capturing and replaying the SQL of {len(cases)} cases…", flush=True)
    for case in cases:
        case_started = time.perf_counter()
        statements, status = capture_sql(fixtures["clients"], case.op)
        if status != 200:
            raise HarnessError(f"{case.label}: answered {status} in-process")
        times = 1 if case.key in ("snapshot", "feed_pull") else args.sql_repeat
        results[case.key] = {
            "key": case.key,
            "label": case.label,
            "queries": len(statements),
            "sql_ms": sql_alone_ms(raw, statements, times),
            "runs": {str(c): [] for c in case.concurrency},
            "complete": True,
            "errors": 0,
            "error_kinds": [],
            "peak_worker_mb": 0.0,
        }
        print(
            f"  {case.key}: {len(statements)} statements, {results[case.key]['sql_ms']:.1f} ms "
            f"alone ({time.perf_counter() - case_started:.1f} s)",
            flush=True,
        )
    raw.close()

    cookie = fixtures["member_cookie"]
    print("warming up both workers…", flush=True)
    for case in cases:
        warm = 2 if len(case.concurrency) > 1 else 1
        asyncio.run(run_clients(server.url, case.op, warm, warm, cookie))
    for round_number in range(1, args.rounds + 1):
        print(f"round {round_number} of {args.rounds}", flush=True)
        for case in cases:
            result, case_started = results[case.key], time.perf_counter()
            for clients in case.concurrency:
                server.label = "idle"
                time.sleep(args.idle if clients == 1 else 0.5)
                requests = case.requests or args.requests
                if clients > 1:
                    requests = max(requests * 2, clients)
                server.label = case.key
                timings, outcomes, seconds = asyncio.run(
                    run_clients(server.url, case.op, clients, requests, cookie)
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
    return [results[case.key] for case in cases]


# --- The load check -----------------------------------------------------------------------------
#
def load_plan(fixtures: dict) -> dict:
    """The mixed traffic: {category: (weight, [ops])}; writes are PATCHes of a testbed's
    summary through the API, by editors of its institute with a personal token."""
    pages = [f"/testbeds/{slug}/" for slug, _uuid in fixtures["testbeds"]]
    api = {"Accept": "application/json"}
    reads = [
        Get(["/directory/?q=cryogenic", "/directory/?q=single+photon+detector"]),
        Get([f"/directory/?{SEARCH}"]),
        Get(["/directory/?q=cryogenic"], {"HX-Request": "true"}),
        Get(pages),
        Get(pages),
    ]
    api_reads = [
        Get(["/api/v1/services/?q=calibration"], api),
        Get(["/api/v1/testbeds/?page_size=50&rmo=EURAMET&access=remote"], api),
        Get([f"/api/v1/testbeds/{uuid}/" for _slug, uuid in fixtures["testbeds"]], api),
    ]
    return {"reads": (80, reads), "api": (15, api_reads), "writes": (5, [])}


def editors_with_tokens(count: int = 20) -> list[dict]:
    """Bench editors, each with a new personal token and the testbeds of their institute."""
    from datetime import timedelta

    from bench.generate import EMAIL_DOMAIN
    from capabilities.enums import MemberRole
    from capabilities.models import Membership, Testbed
    from nmiq_portal.accounts.services import api_token_create

    editors = []
    memberships = (
        Membership.objects.filter(user__email__endswith=f"@{EMAIL_DOMAIN}", role=MemberRole.EDITOR)
        .select_related("user", "institute")
        .order_by("pk")
    )
    institutes = set()
    for membership in memberships[: count * 5]:
        # One editor per institute: two would write the same testbeds with stale versions.
        if membership.institute_id in institutes:
            continue
        institutes.add(membership.institute_id)
        testbeds = list(
            Testbed.objects.filter(institute=membership.institute).values_list("uuid", "version")
        )
        if not testbeds:
            continue
        _token, key = api_token_create(
            actor=membership.user, name="bench load", expiry=timedelta(hours=2)
        )
        editors.append({"token": key, "testbeds": [[str(u), v] for u, v in testbeds]})
        if len(editors) == count:
            break
    return editors


async def run_load(server: Server, fixtures: dict, editors: list, rate: float, duration: float):
    """Requests at ``rate`` per second for ``duration`` seconds, each started on schedule
    whatever the previous ones are doing (an open loop: a slow server sees the queue grow)."""
    plan = load_plan(fixtures)
    categories = list(plan)
    weights = [plan[name][0] for name in categories]
    rng = random.Random(2026)
    latencies = {name: [] for name in categories}
    errors: list[str] = []
    write_turn = iter(range(10**9))
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=16)
    cookie = fixtures["member_cookie"]

    async def write(client: httpx.AsyncClient) -> int:
        turn = next(write_turn)
        editor = editors[turn % len(editors)]
        record = editor["testbeds"][(turn // len(editors)) % len(editor["testbeds"])]
        answer = await client.patch(
            f"/api/v1/testbeds/{record[0]}/",
            json={"summary": f"Bench load write {turn}.", "version": record[1]},
            headers={"Authorization": f"Token {editor['token']}", "Accept": "application/json"},
        )
        if answer.status_code == 200:
            record[1] = answer.json()["version"]
        return answer.status_code

    async def one(client: httpx.AsyncClient, category: str, index: int) -> None:
        started = time.perf_counter()
        try:
            if category == "writes":
                status = await write(client)
            else:
                op = rng.choice(plan[category][1])
                status = (await perform(client, op, index, cookie)).status
        except httpx.HTTPError as error:
            errors.append(f"{category}: {type(error).__name__}")
            return
        latencies[category].append((time.perf_counter() - started) * 1000)
        if status >= 400:
            errors.append(f"{category}: {status}")

    server.keep_series, server.series, server.label = True, [], "load"
    tasks = []
    async with httpx.AsyncClient(base_url=server.url, timeout=120, limits=limits) as client:
        started = time.monotonic()
        total = int(rate * duration)
        for index in range(total):
            delay = started + index / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            category = rng.choices(categories, weights)[0]
            if category == "writes" and not editors:
                category = "api"
            tasks.append(asyncio.create_task(one(client, category, index)))
        await asyncio.gather(*tasks)
        elapsed = time.monotonic() - started
    server.keep_series = False
    every = max(duration / 10, 1.0)
    memory, next_at = [], 0.0
    for at, sizes in server.series:
        offset = at - started
        if offset >= next_at:
            memory.append({"s": round(offset, 1), "workers_mb": [round(s, 1) for s in sizes]})
            next_at += every
    everything = [ms for values in latencies.values() for ms in values]
    return {
        "rate_asked": rate,
        "duration_s": duration,
        "requests": len(tasks),
        "rate_done": len(everything) / elapsed if elapsed else 0.0,
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "p50": percentile(everything, 50) if everything else None,
        "p99": percentile(everything, 99) if everything else None,
        "by_category": {
            name: {
                "n": len(values),
                "p50": percentile(values, 50) if values else None,
                "p99": percentile(values, 99) if values else None,
            }
            for name, values in latencies.items()
        },
        "peak_worker_mb": server.peaks.get("load", 0.0),
        "memory": memory,
    }


# --- Output -------------------------------------------------------------------------------------
#
def _ms(value) -> str:
    return "-" if value is None else f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def markdown(meta: dict, results: list[dict], load: dict | None) -> str:
    lines = [
        f"# bench/run.py at the {meta['scale']} scale, {meta['date']}",
        "",
        f"{meta['data']}. gunicorn: `{meta['gunicorn']}`; {meta['rounds']} interleaved rounds, "
        f"medians shown; load average {meta['load_before']} before, {meta['load_after']} after "
        "(a shared machine: expect noise).",
        "",
        "| case | queries | SQL alone ms | 1 client p50 / p95 / p99 ms | req/s | "
        "8 clients p50 / p95 / p99 ms | req/s | p50 / SQL | peak worker MB | missed targets |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for result in results:
        cells = []
        for clients in ("1", "8"):
            run = result["clients"].get(clients)
            if run is None:
                cells += ["-", "-"]
            else:
                cells += [
                    f"{_ms(run['p50'])} / {_ms(run['p95'])} / {_ms(run['p99'])}",
                    f"{run['rps']:.1f}",
                ]
        ratio = "-" if result["ratio"] is None else f"{result['ratio']:.1f}x"
        missed = [item["target"] for item in result["targets"] if not item["met"]]
        if result["errors"]:
            missed.insert(0, f"**{result['errors']} errors** ({', '.join(result['error_kinds'])})")
        label = result["label"]
        if "events" in result:
            label += f" ({result['events']:,} events)"
        if "bytes" in result:
            label += f" ({result['bytes'] / 2**20:,.0f} MiB, complete: {result['complete']})"
        lines.append(
            f"| {label} | {result['queries']} | {_ms(result['sql_ms'])} | {cells[0]} | "
            f"{cells[1]} | {cells[2]} | {cells[3]} | {ratio} | "
            f"{result['peak_worker_mb']:.0f} | {', '.join(missed) or '-'} |"
        )
    if load:
        lines += [
            "",
            f"Load check: {load['rate_asked']:g} req/s asked for {load['duration_s']:g} s "
            f"(80 % search and detail reads, 15 % API reads, 5 % editors' API writes): "
            f"{load['requests']} requests, {load['rate_done']:.1f} req/s done, "
            f"**{load['errors']} errors**{' ' + str(load['error_kinds']) if load['errors'] else ''}"
            f", p50 {_ms(load['p50'])} ms, p99 {_ms(load['p99'])} ms, peak worker "
            f"{load['peak_worker_mb']:.0f} MB.",
            "",
            "| category | requests | p50 ms | p99 ms |",
            "| --- | ---: | ---: | ---: |",
        ]
        for name, row in load["by_category"].items():
            lines.append(f"| {name} | {row['n']} | {_ms(row['p50'])} | {_ms(row['p99'])} |")
        lines += [
            "",
            "Workers' memory over time (MB): "
            + "; ".join(
                f"{point['s']:g} s: {' / '.join(f'{mb:.0f}' for mb in point['workers_mb'])}"
                for point in load["memory"]
            ),
        ]
    return "\n".join(lines) + "\n"


def describe_data() -> str:
    from capabilities.models import Institute, Service, Testbed
    from nmiq_portal.changes.models import ChangeEvent

    return (
        f"{Institute.objects.count():,} institutes, {Testbed.objects.count():,} testbeds and "
        f"{Service.objects.count():,} services ({Testbed.objects.public().count():,} and "
        f"{Service.objects.public().count():,} public), {ChangeEvent.objects.count():,} feed events"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", default="small", help="the name in the output file")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved runs of each case")
    parser.add_argument(
        "--requests", type=int, default=10, help="requests per run at 1 client (twice that at 8)"
    )
    parser.add_argument("--sql-repeat", type=int, default=5, help="replays of each case's SQL")
    parser.add_argument("--idle", type=float, default=IDLE_SECONDS, help="seconds before 1 client")
    parser.add_argument("--only", nargs="*", help="case keys to run (all by default)")
    parser.add_argument("--load", action="store_true", help="then run the load check")
    parser.add_argument("--no-cases", action="store_true", help="only the load check")
    parser.add_argument("--duration", type=float, default=300, help="load check seconds")
    parser.add_argument("--rate", type=float, default=4, help="load check requests per second")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
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
    server = Server(port, env, log)
    load_before = os.getloadavg()[0]
    results, load = [], None
    try:
        server.wait_ready()
        print(f"gunicorn on {server.url} (pid {server.process.pid}), log {log}", flush=True)
        if not args.no_cases:
            results = measure_cases(server, cases, fixtures, args)
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
        json.dumps({"meta": meta, "cases": results, "load": load}, indent=2) + "\n"
    )
    table = markdown(meta, results, load)
    stem.with_suffix(".md").write_text(table)
    print("\n" + table)
    print(f"written: {stem}.json and {stem}.md")
    missed = sum(not item["met"] for result in results for item in result["targets"])
    if missed:
        print(f"{missed} targets missed (reported, not fatal)")
    failed = sum(result["errors"] for result in results) + (load["errors"] if load else 0)
    if failed:
        print(f"{failed} requests failed (errors or no answer): see the table", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
