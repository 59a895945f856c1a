"""run.py's load check: mixed traffic at a fixed rate, editors' writes included."""

import asyncio
import random
import time

import httpx

from bench.cases import SEARCH
from bench.marks import EMAIL_DOMAIN
from bench.measure import percentile
from bench.server import Server
from bench.traffic import Get, perform


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
