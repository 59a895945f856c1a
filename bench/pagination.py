"""Time a page of the testbeds API by number and by cursor, near the start and deep in the list,
in-process on the bench data; print a table and the plan of a deep cursor page."""

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nmiq_portal.settings")
for scope in ("ANON", "TOKEN", "USER"):
    os.environ[f"API_THROTTLE_{scope}"] = "1000000/min"
os.environ["ALLOWED_HOSTS"] = "testserver,localhost,127.0.0.1"
os.environ.setdefault("STATIC_MANIFEST", "false")
warnings.filterwarnings("ignore", message="No directory at")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from capabilities.selectors import testbeds_for_api  # noqa: E402
from nmiq_portal.api.pagination import Keyset  # noqa: E402

URL = "/api/v1/testbeds/"


def _time(client, url, params, repeat: int) -> tuple[float, int]:
    """Median milliseconds of ``repeat`` requests, and the queries of one."""
    client.get(url, params)
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url, params)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.content[:300]
    with CaptureQueriesContext(connection) as queries:
        client.get(url, params)
    return statistics.median(timings), len(queries)


def _cursor_at(client, params, depth: int) -> str:
    """The ``next`` link after ``depth`` cursor pages."""
    link = client.get(URL, {**params, "pagination": "cursor"}).json()["next"]
    for _ in range(depth - 1):
        link = client.get(link).json()["next"]
    return link


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--page-size", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=20)
    options = parser.parse_args()
    client = Client()
    size = options.page_size
    count = client.get(URL, {"page_size": 1}).json()["count"]
    last = max(1, count // size)
    print(f"{count} public testbeds, {size} a page, median of {options.repeat} requests\n")
    print(f"{'sort':8} {'page':>6} {'by number ms':>13} {'q':>3} {'by cursor ms':>13} {'q':>3}")
    for sort in ("name", "updated"):
        params = {"sort": sort, "page_size": size}
        for page in (2, last // 2, last):
            by_number, q_number = _time(client, URL, {**params, "page": page}, options.repeat)
            link = _cursor_at(client, params, page - 1)
            by_cursor, q_cursor = _time(client, link, {}, options.repeat)
            number, cursor = (
                f"{by_number:>13.1f} {q_number:>3}",
                f"{by_cursor:>13.1f} {q_cursor:>3}",
            )
            print(f"{sort:8} {page:>6} {number} {cursor}")
    queryset = testbeds_for_api(user=AnonymousUser()).order_by("name", "pk")
    keyset = Keyset(queryset)
    row = queryset[count // 2]
    deep = keyset.after(keyset.position(row), backwards=False)
    plan = queryset.filter(deep).order_by("name", "pk")[: size + 1].explain(analyze=True)
    print("\nA cursor page in the middle of the list, sorted by name:\n" + plan)


if __name__ == "__main__":
    main()
