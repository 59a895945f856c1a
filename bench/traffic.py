"""What a case of run.py asks for, made over HTTP by concurrent clients, and the same request
made once in-process to capture its exact SQL."""

import asyncio
import json
import time
from dataclasses import dataclass, field

import httpx

from bench.measure import Capture, replay

USER_AGENT = "nmiq-bench/1"


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
    url, size = op.urls[i % len(op.urls)], 0
    while True:
        tail = b""
        async with client.stream("GET", url, headers=_headers(op, member_cookie)) as answer:
            try:
                async for chunk in answer.aiter_raw():
                    size += len(chunk)
                    tail = (tail + chunk)[-400:]
            except httpx.HTTPError:
                # The server cut the response off (a worker timeout): measured, not fatal.
                return Outcome(answer.status_code, size, complete=False)
        if answer.status_code != 200 or not url.startswith(SNAPSHOT):
            return Outcome(answer.status_code, size)
        url, complete = snapshot_continues(url, tail)
        if url is None:
            return Outcome(answer.status_code, size, complete=complete)


#: The snapshot: its responses end after SNAPSHOT_RESPONSE_SECONDS with the key to continue from.
SNAPSHOT = "/api/v1/snapshot/"


def snapshot_continues(url: str, tail: bytes) -> tuple[str | None, bool]:
    """(the URL of the snapshot's next part, or None, whether the snapshot is complete) from
    the end of one of its responses."""
    last = json.loads(tail.rstrip(b"\n").rsplit(b"\n", 1)[-1] or b"{}")
    if set(last) == {"after"}:
        path, _sep, query = url.partition("?")
        params = [p for p in query.split("&") if p and not p.startswith("after=")]
        return f"{path}?{'&'.join([*params, 'after=' + last['after']])}", False
    return None, set(last) == {"cursor"}


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
            url = op.urls[0]
            while url is not None:
                answer = client.get(url, headers=op.headers)
                status, tail = answer.status_code, b""
                if answer.streaming:
                    for chunk in answer.streaming_content:
                        tail = (tail + chunk)[-400:]
                url = None
                if status == 200 and op.urls[0].startswith(SNAPSHOT):
                    url, _complete = snapshot_continues(op.urls[0], tail)
    return capture.statements, status


def sql_alone_ms(raw_connection, statements, times: int) -> float:
    return sorted(replay(raw_connection, statements) for _ in range(times))[times // 2]
