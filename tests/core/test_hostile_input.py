"""Hostile query parameters on every HTML page (NUL, overlong, overflowing numbers, odd
Unicode): a 400 or a page, never a server error. The API's schema is fuzzed apart
(tests/api/test_schemathesis.py); this walks what the schema does not describe, the pages.

The pages are found, not listed: the demo world is seeded once, and a walk from every page
without path parameters follows the portal's own links, anonymously and as an institute's
admin, until it holds one real address for each URL pattern it can reach. Each page is then
sent, all at once, the parameters it reads: those of its GET forms, every filter of every
FilterSet (with the suffixes of range and date filters) and the generic ones, each set to one
hostile value after another.
"""

import io
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import django_filters
import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import Resolver404, resolve

from capabilities.demo import demo_email
from nmiq_portal.accounts.models import User
from tests.core.test_urls import ROUTES
from tests.support import shared_data

pytestmark = pytest.mark.django_db

#: Not pages: the API (fuzzed from its schema), the admin, the health check, files, feeds,
#: the sign-out.
NOT_PAGES = ("api/", "admin/", "static/", "media/", "__", "healthz", "accounts/logout/")
NOT_PAGE_ENDINGS = (".json", ".csv", ".atom", ".xml", ".txt", ".ico", "/file/", "/feed/")
#: Enough to reach the patterns; each pattern is followed at most this often.
WALK_LIMIT, PER_PATTERN = 300, 3


def _filtersets(cls=django_filters.FilterSet):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _filtersets(subclass)


SUFFIXES = ("", "_min", "_max", "_after", "_before", "_0", "_1")

#: Every filter a FilterSet reads (as its widgets name it), and the parameters pages read by hand.
PARAMETERS = sorted(
    {name + suffix for fs in _filtersets() for name in fs.base_filters for suffix in SUFFIXES}
    | {"q", "page", "page_size", "sort", "view", "cols", "type", "only", "fields", "next"}
    | {"unit", "lat", "lon", "bbox", "zoom", "tab", "state", "status", "area", "role"}
)

#: Values as they travel in the query string (already percent-encoded): a lone surrogate
#: cannot be encoded as UTF-8, so it arrives as its raw bytes.
HOSTILE = {
    "nul": quote("a\x00b"),
    "overlong": "x" * 10_000,
    "overflowing number": "1e999",
    "negative overflow": "-1e999",
    "overflowing number with a unit": quote("1e999 K"),
    "huge integer": "99999999999999999999",
    "much huger integer": "9" * 400,
    "not a number": "NaN",
    "unicode minus": quote("\u22125"),
    "lone surrogates": "%ED%A0%80x%ED%B0%80",
    "rtl and combining marks": quote("\u202e\u200f\u0301e\u0301\u034f\ufeff"),
    "emoji": quote("\U0001f600\U0001f1eb\U0001f1f7\u200d\U0001f52c"),
    "quotes and wildcards": quote("'\"%_\\*):(|&!"),
}


class _Page(HTMLParser):
    """The links of a page and the names of its GET forms' fields."""

    def __init__(self):
        super().__init__()
        self.links, self.fields, self._in_get_form = [], set(), False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and (attrs.get("href") or "").startswith("/"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self._in_get_form = (attrs.get("method") or "get").lower() == "get"
        elif tag in ("input", "select", "textarea") and self._in_get_form and attrs.get("name"):
            self.fields.add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_get_form = False


def _route(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.route


def _is_page(route: str) -> bool:
    return not route.startswith(NOT_PAGES) and not route.endswith(NOT_PAGE_ENDINGS)


def _walk(client: Client, first: tuple[str, ...] = ()) -> dict[str, tuple[str, set[str]]]:
    """{route: (a real path of it, the names its GET forms send)} for every page reached,
    starting from the pages ``first``.

    A link to a pattern not reached yet goes first, depth first: an editor's own records (and
    their edit pages) are a few links deep behind many others'."""
    fresh = ["/" + route for route in ROUTES if not set("<^(") & set(route)] + list(first)
    rest: list[str] = []
    found, followed, queued = {}, {}, set(fresh)
    routes = {}

    def route_of(path):
        if path not in routes:
            routes[path] = _route(path)
        return routes[path]

    while (fresh or rest) and sum(followed.values()) < WALK_LIMIT:
        path = fresh.pop() if fresh else rest.pop(0)
        route = route_of(path)
        if route is None or not _is_page(route) or followed.get(route, 0) >= PER_PATTERN:
            continue
        if route in followed and fresh:
            rest.append(path)  # no longer new: after the new ones
            continue
        followed[route] = followed.get(route, 0) + 1
        response = client.get(path)
        assert response.status_code < 500, path
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        page = _Page()
        page.feed(response.content.decode())
        found.setdefault(route, (path, set()))[1].update(page.fields)
        for link in page.links:
            link = urlsplit(link).path
            if link not in queued:
                queued.add(link)
                (rest if route_of(link) in followed else fresh).append(link)
    return found


@pytest.fixture(scope="module")
def pages(django_db_setup, django_db_blocker):
    """The demo world, and the pages reached in it: [(who, route, path, parameters)]."""
    with shared_data(django_db_blocker):
        with override_settings(DEBUG=True):
            call_command("seed_demo", stdout=io.StringIO())
        admin = User.objects.get(email=demo_email("admin.ptb"))
        signed_in = Client()
        signed_in.force_login(admin)
        # From their institute's page: its records, with the edit pages only its editors see.
        by_admin = _walk(signed_in, first=(admin.memberships.get().institute.get_absolute_url(),))
        # Anonymously, only what the admin does not see (sign-in and sign-up pages): the
        # others are the same views, and the module keeps to about a minute.
        anonymous = {r: p for r, p in _walk(Client()).items() if r not in by_admin}
        walked = [
            (who, route, path, sorted(set(PARAMETERS) | fields))
            for who, pages in (("admin.ptb", by_admin), ("anonymous", anonymous))
            for route, (path, fields) in sorted(pages.items())
        ]
        yield walked, admin


def test_the_walk_reaches_the_pages_that_read_parameters(pages):
    walked, _ = pages
    routes = {route for _, route, _, _ in walked}
    for expected in (
        "directory/",
        "institutes/<slug:slug>/",
        "testbeds/<slug:slug>/",
        "testbeds/<slug:slug>/edit/",
        "projects/<slug:slug>/",
        "glossary/",
        "benchmarks/<slug:slug>/",
        "landscape/",
        "notifications/",
        "services/<slug:slug>/edit/",
        "needs/<slug:slug>/",
    ):
        assert expected in routes


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_query_parameters_never_meet_a_server_error(pages, value):
    walked, admin = pages
    anonymous, signed_in = (
        Client(raise_request_exception=False),
        Client(raise_request_exception=False),
    )
    signed_in.force_login(admin)
    failures = []
    for who, _route, path, names in walked:
        client = anonymous if who == "anonymous" else signed_in
        query = "&".join(f"{quote(name)}={value}" for name in names)
        status = client.get(f"{path}?{query}").status_code
        if status >= 500:
            failures.append(f"{who} {path}: {status}")
    assert not failures, failures


@pytest.mark.parametrize("name", ["q", "\x00"])
def test_a_nul_anywhere_in_the_query_is_a_400(client, name):
    response = client.get("/search/", {name: "a\x00b" if name == "q" else "x"})
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_a_nul_in_an_api_query_is_a_problem(client):
    response = client.get("/api/v1/testbeds/", {"q": "\x00"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "NUL" in response.json()["detail"]


def test_the_walk_sets_the_parameters_of_the_pages_filters():
    assert {"q", "page", "frequency_min", "economy", "status", "view", "cols"} <= set(PARAMETERS)
