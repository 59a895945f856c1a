"""Browser tests: Playwright driving Debian's chromium, with axe-core from npm."""

import os
import shutil
from pathlib import Path

import pytest
from django.db import connections

from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _missing() -> list[str]:
    return [
        reason
        for reason, absent in [
            (f"no chromium at {CHROMIUM} (apt-get install chromium)", not Path(CHROMIUM).exists()),
            (f"no axe-core at {AXE} (npm ci)", not AXE.exists()),
        ]
        if absent
    ]


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def pytest_collection_modifyitems(config, items):
    """Without a browser, skip with the reason, except in CI, where the browser fixture fails."""
    missing = _missing()
    if missing and not _in_ci():
        skip = pytest.mark.skip(reason="browser test skipped: " + "; ".join(missing))
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if _missing():
        pytest.fail("CI=true and the browser tests cannot run: " + "; ".join(_missing()))

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()
        # Inside Playwright's sync API, code runs in a context of its own (greenlets), where
        # Django opens connections of its own; tests run after the browser ones use them too.
        # Close them while still in that context, or one outlives the test database.
        connections.close_all()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.add_init_script(path=str(AXE))
    problems = []
    page.on(
        "console",
        lambda message: (
            problems.append(f"{message.text} ({message.location.get('url')})")
            if message.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.console_problems = problems
    yield page
    context.close()


@pytest.fixture
def open_as(browser, live_server):
    """``open_as(user)``: a page in a browser context of its own, signed in as ``user``."""
    contexts = []

    def open_as(user):
        context = browser.new_context(base_url=live_server.url, locale="en-GB")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.add_init_script(path=str(AXE))
        page.console_problems = []
        page.on("pageerror", lambda error: page.console_problems.append(str(error)))
        if user is not None:
            page.goto("/accounts/login/")
            page.get_by_label("Email").fill(user.email)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign In").click()
            page.get_by_role("button", name=user.get_short_name()).wait_for()
        return page

    yield open_as
    for context in contexts:
        context.close()


def assert_accessible(page, *, context: str = "document") -> None:
    """axe-core finds no serious or critical violation on the page as it stands (once loaded:
    axe needs the whole document, not one a navigation is replacing)."""
    page.wait_for_load_state()
    result = page.evaluate(
        "async (context) => await axe.run(context === 'document' ? document : context,"
        " {resultTypes: ['violations']})",
        context,
    )
    serious = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert serious == [], f"axe on {page.url}"


def count_htmx_requests(page) -> None:
    """From now on, count the page's htmx requests: asked for (``htmx:configRequest``), dropped
    by a listener (prevented) and answered (``htmx:afterRequest``). On ``window``, the last stop
    of the events, so that the page's own listeners have had their say."""
    page.evaluate(
        """() => {
          const counts = (window.htmxCounts = { asked: 0, dropped: 0, answered: 0 });
          window.addEventListener("htmx:configRequest", (event) => {
            counts.asked += 1;
            if (event.defaultPrevented) counts.dropped += 1;
          });
          window.addEventListener("htmx:afterRequest", () => (counts.answered += 1));
        }"""
    )


def htmx_requests(page, asked: int) -> dict:
    """The counts once at least ``asked`` requests were asked for and each was dropped or
    answered: a request queued behind another is asked for only when that one is answered."""
    page.wait_for_function(
        """(asked) => {
          const counts = window.htmxCounts;
          return counts.asked >= asked && counts.asked === counts.dropped + counts.answered;
        }""",
        arg=asked,
    )
    return page.evaluate("window.htmxCounts")
