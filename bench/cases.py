"""The cases run.py measures, the bench rows they read, and the issue's targets for each."""

from bench.marks import ACRONYM_PREFIX, INBOX_EMAIL, SLUG_PREFIX
from bench.traffic import Case, FeedPull, Get

SEARCH = "q=cryogenic&area=superconducting&access=remote&temperature_min=10+mK&temperature_max=4+K"


def build_fixtures(sample: int = 50) -> dict:
    """URLs of random public bench rows, the member's session, the feed's latest cursor."""
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.test import Client

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
        Case(
            "member_dir", "plain, member", Get(["/directory/"], member=True), targets={"p50": 300}
        ),
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
    for clients, run in result["clients"].items():
        checks.append((f"p95 <= 1.5x p50 at {clients}", run["p95"] <= 1.5 * run["p50"]))
    if case.key not in ("snapshot", "feed_pull"):
        checks.append(("<= 10 queries", result["queries"] <= 10))
    return checks


#: How far above its baseline a worker may stay after a search and still be "back near it".
NEAR_BASELINE_MB = 30


def memory_targets(memory: dict) -> list[tuple[str, bool]]:
    """The issue's memory targets over the whole run: peak worker memory <= 200 MB; a worker
    back near its baseline (as started) after a search."""
    checks = [("peak worker <= 200 MB", memory["peak_mb"] <= 200)]
    if memory.get("after_search_mb") is not None:
        near = memory["after_search_mb"] <= memory["baseline_mb"] + NEAR_BASELINE_MB
        checks.append((f"after a search <= baseline + {NEAR_BASELINE_MB} MB", near))
    return checks
