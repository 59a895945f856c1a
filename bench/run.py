"""Time the portal's main pages, the directory search and its exports, and API endpoints
in-process on the bench data; print a table."""

import argparse
import gc
import os
import statistics
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nmiq_portal.settings")
# One client makes thousands of requests a minute: the API's throttles would answer 429.
os.environ["API_THROTTLE_ANON"] = "1000000/min"
os.environ["API_THROTTLE_USER"] = "1000000/min"
# Django's test Client sends Host: testserver.
os.environ["ALLOWED_HOSTS"] = "testserver,localhost,127.0.0.1"
# Without collectstatic there is no manifest for {% static %}; a lookup in it costs nothing here.
os.environ.setdefault("STATIC_MANIFEST", "false")
# WhiteNoise warns that STATIC_ROOT was never collected; the bench serves no static files.
warnings.filterwarnings("ignore", message="No directory at")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.generate import ACRONYM_PREFIX, INBOX_EMAIL  # noqa: E402
from capabilities import selectors  # noqa: E402
from capabilities.models import Service, Testbed  # noqa: E402
from nmiq_portal.accounts.models import User  # noqa: E402


@dataclass
class Case:
    """One thing to time: ``call(i)`` makes the i-th request; p95 must stay under ``target_ms``."""

    name: str
    call: Callable[[int], None]
    target_ms: float | None
    count_queries: bool = True
    #: Fewer runs for slow cases (a whole-directory export); None takes the command's options.
    repeat: int | None = None
    warmup: int | None = None


@dataclass
class Result:
    case: Case
    timings_ms: list[float]
    queries: int | None

    def percentile(self, p: int) -> float:
        return statistics.quantiles(self.timings_ms, n=100, method="inclusive")[p - 1]

    @property
    def passed(self) -> bool | None:
        if self.case.target_ms is None:
            return None
        return self.percentile(95) < self.case.target_ms


def get(client: Client, urls: list[str], **headers) -> Callable[[int], None]:
    """A request to the i-th URL (cycling), which must answer 200."""

    def call(i: int) -> None:
        url = urls[i % len(urls)]
        accept = "application/json" if "/api/" in url else "*/*"
        response = client.get(url, HTTP_ACCEPT=accept, **headers)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}: {response.content[:300]}")

    return call


def download(client: Client, url: str) -> int:
    """GET a streamed export and read it to the end, chunk by chunk; its size in bytes."""
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}")
    # Counted, not kept: the memory measured is the server's, not a copy of the file.
    return sum(len(chunk) for chunk in response.streaming_content)


def stream(client: Client, url: str) -> Callable[[int], None]:
    def call(_: int) -> None:
        download(client, url)

    return call


def reconnect(_: int) -> None:
    """Open a new database connection, as every request does with CONN_MAX_AGE=0."""
    connection.close()
    connection.ensure_connection()


def measure(case: Case, *, repeat: int, warmup: int) -> Result:
    repeat = case.repeat or repeat
    warmup = case.warmup if case.warmup is not None else warmup
    for i in range(warmup):
        case.call(i)
    timings = []
    for i in range(repeat):
        started = time.perf_counter()
        case.call(i)
        timings.append((time.perf_counter() - started) * 1000)
    queries = None
    if case.count_queries:
        # Counted apart from the timed runs, so recording queries does not inflate the times.
        with CaptureQueriesContext(connection) as captured:
            case.call(0)
        queries = len(captured)
    return Result(case, timings, queries)


def peak_mib(call: Callable[[], object]) -> float:
    """The most memory Python held at once while ``call`` ran, in MiB (tracemalloc)."""
    tracemalloc.start()
    call()
    gc.collect()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def walk_api_list(client: Client, page_size: int) -> int:
    """Follow ``next`` through the whole institute list, as a syncing client does; count rows."""
    url, rows = f"/api/v1/institutes/?page_size={page_size}", 0
    while url:
        body = client.get(url, HTTP_ACCEPT="application/json").json()
        rows, url = rows + len(body["results"]), body["next"]
        # The test client ties each response into a reference cycle (response.json); collect it
        # so the peak shows what a page costs the server, not when the cycle collector runs.
        gc.collect()
    return rows


def build_cases(anonymous: Client, member: Client, repeat: int) -> list[Case]:
    visible = selectors.institute_list(user=AnonymousUser())
    public = visible.filter(acronym__startswith=ACRONYM_PREFIX)
    # Many different rows, so the detail timing is not one cached row's.
    detail_urls = [
        f"/api/v1/institutes/{uuid}/"
        for uuid in public.order_by("?").values_list("uuid", flat=True)[: max(repeat, 1)]
    ]
    page_urls = [
        f"/institutes/{slug}/"
        for slug in public.order_by("?").values_list("slug", flat=True)[: max(repeat, 1)]
    ]
    # The last full page: the deepest OFFSET a client walking the list asks for.
    deep_page = max(visible.count() // 50, 1)
    return [
        Case("API list page_size=50", get(anonymous, ["/api/v1/institutes/?page_size=50"]), 150),
        Case("API list page_size=200", get(anonymous, ["/api/v1/institutes/?page_size=200"]), 400),
        Case(
            f"API list page_size=50 page={deep_page}",
            get(anonymous, [f"/api/v1/institutes/?page_size=50&page={deep_page}"]),
            150,
        ),
        Case(
            "API list rmo=EURAMET&kind=nmi",
            get(anonymous, ["/api/v1/institutes/?rmo=EURAMET&kind=nmi"]),
            150,
        ),
        Case("API detail", get(anonymous, detail_urls), 50),
        Case("HTML /institutes/", get(anonymous, ["/institutes/"]), 200),
        Case("HTML /institutes/<slug>/", get(anonymous, page_urls), 100),
        Case("HTML /institutes/?q=metro", get(anonymous, ["/institutes/?q=metro"]), 200),
        Case("HTML /notifications/ (long inbox)", get(member, ["/notifications/"]), 150),
        Case(
            "HTML /notifications/?filter=unread",
            get(member, ["/notifications/?filter=unread"]),
            150,
        ),
        Case("/healthz?only=database", get(anonymous, ["/healthz?only=database"]), 20),
        Case("HTML / (home)", get(anonymous, ["/"]), 100),
        Case("new DB connection", reconnect, None, count_queries=False),
        *directory_cases(anonymous, member),
    ]


#: Searches a consortium member types on /directory/ (each state of the page is a URL).
DIRECTORY_SEARCHES = {
    "": "no filter, page 1",
    "?page=20": "no filter, page 20",
    "?q=cryogenic": "q=cryogenic",
    "?q=single+photon+detector": "q=single photon detector",
    "?q=cryogenc": "q=cryogenc (typo)",
    "?area=computing&economy=DE&access=remote": "facets (area subtree, economy, access)",
    "?q=attenuation&area=superconducting&rmo=EURAMET&si=on": "q + facets",
    "?temperature_min=20+mK&temperature_max=20+mK": "temperature 20 mK",
    "?q=1550+nm": "q=1550 nm (wavelength and THz)",
    "?q=cryogenic&sort=updated": "q=cryogenic, sort=updated",
}


def directory_cases(anonymous: Client, member: Client) -> list[Case]:
    """The directory search page, its htmx partial and its exports, on ~10,000 records."""
    cases = [
        Case(f"HTML /directory/ {label}", get(anonymous, [f"/directory/{query}"]), 300)
        for query, label in DIRECTORY_SEARCHES.items()
    ]
    cases += [
        Case(
            "htmx /directory/ q=cryogenic (partial)",
            get(anonymous, ["/directory/?q=cryogenic"], HTTP_HX_REQUEST="true"),
            300,
        ),
        Case("HTML /directory/ q=cryogenic, member", get(member, ["/directory/?q=cryogenic"]), 300),
        Case(
            "export CSV q=cryogenic",
            stream(anonymous, "/directory/export/csv/?q=cryogenic"),
            1000,
        ),
        Case(
            "export CSV temperature 20 mK",
            stream(anonymous, "/directory/export/csv/?temperature_min=20+mK&temperature_max=20+mK"),
            1000,
        ),
        Case(
            "export CSV whole directory",
            stream(anonymous, "/directory/export/csv/"),
            5000,
            repeat=10,
            warmup=1,
        ),
        Case(
            "export JSON whole directory",
            stream(anonymous, "/directory/export/json/"),
            5000,
            repeat=10,
            warmup=1,
        ),
        Case("API /api/v1/testbeds/?page_size=50", get(anonymous, [API_TESTBEDS + "50"]), 150),
        Case("API /api/v1/testbeds/?page_size=200", get(anonymous, [API_TESTBEDS + "200"]), 400),
    ]
    return cases


API_TESTBEDS = "/api/v1/testbeds/?page_size="


def print_table(results: list[Result]) -> None:
    header = f"{'name':58} {'n':>4} {'p50':>7} {'p95':>7} {'max':>7} {'queries':>7} {'target':>9}  "
    print(header + "result")
    print("-" * (len(header) + 6))
    for result in results:
        target = result.case.target_ms
        verdict = {None: "info", True: "pass", False: "FAIL"}[result.passed]
        print(
            f"{result.case.name:58} {len(result.timings_ms):>4} "
            f"{result.percentile(50):>7.1f} {result.percentile(95):>7.1f} "
            f"{max(result.timings_ms):>7.1f} "
            f"{'-' if result.queries is None else result.queries:>7} "
            f"{'-' if target is None else f'<{target:g} ms':>9}  {verdict}"
        )


def main() -> int:
    """Time every case, check the query count does not grow with page size, measure memory."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=50, help="timed requests per case")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per case first")
    args = parser.parse_args()
    if args.repeat < 2:
        parser.error("--repeat must be at least 2 (percentiles need two timings)")

    member_user = User.objects.filter(email=INBOX_EMAIL).first()
    if member_user is None:
        raise SystemExit("No bench data: run `python bench/generate.py` first.")
    anonymous, member = Client(), Client()
    member.force_login(member_user)
    settings_db = connection.settings_dict
    print(
        f"database {settings_db['NAME']} on {settings_db.get('HOST') or 'embedded'}; "
        f"{selectors.institute_list(user=AnonymousUser()).count()} public institutes; "
        f"{Testbed.objects.count()} testbeds and {Service.objects.count()} services "
        f"({Testbed.objects.public().count() + Service.objects.public().count()} public); "
        f"{member_user.notifications.count()} notifications in {INBOX_EMAIL}'s inbox; "
        f"repeat={args.repeat} warmup={args.warmup}\n"
    )

    results = [
        measure(case, repeat=args.repeat, warmup=args.warmup)
        for case in build_cases(anonymous, member, args.repeat)
    ]
    print_table(results)

    by_name = {result.case.name: result for result in results}
    small, large = by_name["API list page_size=50"], by_name["API list page_size=200"]
    same_queries = small.queries == large.queries
    print(
        f"\nqueries independent of page size: {small.queries} at 50, {large.queries} at 200 "
        f"-> {'pass' if same_queries else 'FAIL'}"
    )

    print("\nmemory: walking the whole API institute list page by page (tracemalloc peak)")
    one_page = peak_mib(lambda: anonymous.get("/api/v1/institutes/?page_size=200").json())
    print(f"  one page of 200 (reference)     peak {one_page:6.2f} MiB")
    peaks = {}
    for page_size in (50, 200):
        started = time.perf_counter()
        peaks[page_size] = peak_mib(lambda size=page_size: walk_api_list(anonymous, size))
        print(
            f"  whole list, page_size={page_size:<4}     peak {peaks[page_size]:6.2f} MiB "
            f"in {time.perf_counter() - started:.1f} s (tracemalloc on)"
        )
    # Walking every page must cost about one page, whatever the size of the directory.
    bounded = peaks[200] < 2 * one_page
    print(f"  peak bounded by one page (< 2x reference): {'pass' if bounded else 'FAIL'}")

    directory_ok = report_directory(by_name, anonymous)

    failed = [result for result in results if result.passed is False]
    return 1 if failed or not same_queries or not bounded or not directory_ok else 0


def report_directory(by_name: dict[str, Result], anonymous: Client) -> bool:
    """Query counts that must not grow with the page or the page size, and the memory of a
    whole-directory export, which must stay near that of a small one (it streams by chunks)."""
    testbeds, services = (
        by_name[f"API /api/v1/testbeds/?page_size={size}"].queries for size in (50, 200)
    )
    first, deep = (by_name[f"HTML /directory/ no filter, page {n}"].queries for n in (1, 20))
    constant = testbeds == services and first == deep
    print(
        f"\ndirectory: queries {first} on page 1 and {deep} on page 20; API testbeds {testbeds} "
        f"at 50 and {services} at 200 -> {'pass' if constant else 'FAIL'}"
    )
    print("memory: exporting the directory (tracemalloc peak)")
    reference_url = "/directory/export/csv/?q=cryogenic"
    reference = peak_mib(lambda: download(anonymous, reference_url))
    print(
        f"  csv  q=cryogenic {download(anonymous, reference_url) / 2**20:6.2f} MiB, "
        f"peak {reference:6.2f} MiB (reference)"
    )
    bounded = True
    for fmt in ("csv", "json"):
        url = f"/directory/export/{fmt}/"
        peak = peak_mib(lambda url=url: download(anonymous, url))
        ok = peak < 2 * reference
        bounded &= ok
        print(
            f"  {fmt:4} whole     {download(anonymous, url) / 2**20:6.2f} MiB, peak {peak:6.2f} MiB"
            f" -> {'pass' if ok else 'FAIL'} (< 2x reference: memory bounded by the chunk, "
            "not by the rows)"
        )
    return constant and bounded


if __name__ == "__main__":
    sys.exit(main())
