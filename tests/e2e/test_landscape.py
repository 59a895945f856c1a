"""The landscape reads in a browser: each area's level and trend in words, the heat map's
numbers beside their shades, the gaps as sentences; it passes axe-core at desktop and phone
width, and no table makes the page wider than a phone."""

import pytest

from tests.e2e.conftest import assert_accessible
from tests.outputs.test_landscape import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_the_landscape_is_readable_and_accessible(page, width):
    build()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/landscape/")
    page.get_by_text("Single-photon detectors: SRL 4 claimed and no published guide").wait_for()
    assert page.get_by_text("1 open industry need and no operational testbed").count() >= 1
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    assert page.console_problems == []
    assert_accessible(page)


@pytest.mark.parametrize("language", ["en-GB", "fr-FR"])
def test_the_menu_fits_a_desktop_screen_in_either_language(browser, live_server, language):
    """Every page carries the menu: at 1366 px it is no wider than the screen, and its groups
    open to their pages."""
    context = browser.new_context(base_url=live_server.url, locale=language)
    page = context.new_page()
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1366
    page.locator("#main-nav .dropdown-toggle").last.click()
    page.locator('#main-nav a[href="/landscape/"]').click()
    page.wait_for_url("**/landscape/")
    context.close()
