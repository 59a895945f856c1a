"""The API docs and the import page in a real browser, at a desktop's and a phone's width, with
no serious accessibility violation."""

import pytest

from tests.e2e.conftest import assert_accessible
from tests.factories import InstituteFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = [(1366, 900), (390, 844)]


#: What Swagger UI's own widget does that our styles cannot fix: each operation's summary is a
#: button holding the copy and lock buttons (axe's nested-interactive). Tolerated there only, for
#: that rule only; every other rule still runs on the whole page, Swagger UI included.
SWAGGER_OWN = {"nested-interactive": ".opblock-summary-control"}


def assert_accessible_but_swaggers_own(page) -> None:
    """assert_accessible, with the violations of SWAGGER_OWN left out when every element they
    name is Swagger UI's own."""
    page.wait_for_load_state()
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{violation['id']}: " + "; ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
        and not (
            violation["id"] in SWAGGER_OWN
            and all(
                node["target"][0].endswith(SWAGGER_OWN[violation["id"]])
                for node in violation["nodes"]
            )
        )
    ]
    assert serious == []


def _fits(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_api_docs_are_a_portal_page_with_a_quick_start(page, width, height):
    page.set_viewport_size({"width": width, "height": height})
    page.goto("/api/docs/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("heading", name="Quick start").wait_for()
    assert page.get_by_role("link", name="Back to the portal").is_visible()
    page.locator("#swagger-ui .opblock").first.wait_for()
    page.get_by_text("/api/v1/institutes/").first.wait_for()
    assert _fits(page)
    assert_accessible_but_swaggers_own(page)
    assert page.console_problems == []


def test_api_docs_put_a_padlock_on_writes_only(page):
    page.goto("/api/docs/")
    page.locator("#swagger-ui .opblock").first.wait_for()
    gets = page.locator(".opblock-get")
    writes = page.locator(".opblock-post, .opblock-patch, .opblock-delete, .opblock-put")
    assert gets.count() > 0
    assert writes.count() > 0
    assert gets.locator(".authorization__btn").count() == 0
    assert writes.locator(".authorization__btn").count() == writes.count()


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_import_page_lists_accepted_values_at_both_sizes(open_as, width, height):
    institute = InstituteFactory(acronym="QLAB")
    page = open_as(MembershipFactory(institute=institute).user)
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"/institutes/{institute.slug}/import/")
    page.locator('[data-kind="testbed"] > summary').click()
    row = page.locator('[data-kind="testbed"] tr[data-column="technology_areas"]')
    assert "cryogenics" in row.inner_text()
    assert _fits(page)
    assert_accessible(page)
