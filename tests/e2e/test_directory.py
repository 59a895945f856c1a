"""An editor lists a testbed; a visitor finds it with a facet and a typo, maps and exports it."""

import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import reverse

from capabilities.models import TechnologyArea
from tests.e2e.conftest import assert_accessible, count_htmx_requests, htmx_requests
from tests.factories import PASSWORD, InstituteFactory, MembershipFactory, TestbedFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalogue():
    ptb = InstituteFactory(acronym="PTB", name="Physikalisch-Technische Bundesanstalt")
    nist = InstituteFactory(
        acronym="NIST", name="National Institute of Standards", economy="US", rmo="SIM"
    )
    TestbedFactory(
        institute=nist,
        name="Cryogenic microwave calibration kit",
        summary="Two-port calibration below 20 mK.",
        technology_areas=[TechnologyArea.objects.get(slug="signal-delivery")],
        temperature_min_k=0.01,
        temperature_max_k=4,
        latitude=39.99,
        longitude=-105.26,
        city="Boulder",
    )
    return ptb


def test_search_page_filters_with_facets_without_a_reload_and_keeps_the_url(page, catalogue):
    page.goto(reverse("capabilities:directory"))
    assert_accessible(page)
    page.get_by_label("Search", exact=True).fill("cryogenc calibraton")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(re.compile(r"q=cryogenc"))
    page.get_by_role("link", name="Cryogenic microwave calibration kit").wait_for()
    page.get_by_role("checkbox", name=re.compile(r"^United States")).check()
    page.wait_for_url(re.compile(r"economy=US"))
    page.get_by_role("link", name="Cryogenic microwave calibration kit").wait_for()
    assert_accessible(page)
    assert page.console_problems == [], "\n".join(page.console_problems)


def test_enter_in_a_range_input_searches_once(page, catalogue):
    """Enter commits the input (a change) and submits the form: one search, not two, or the
    second answer, arriving after the visitor followed the error summary's link, swaps the
    summary in again and its autofocus takes the focus back from the input."""
    page.goto(reverse("capabilities:directory"))
    count_htmx_requests(page)
    bound = page.get_by_label("Temperature from")
    bound.fill("1e999 K")
    bound.press("Enter")
    assert htmx_requests(page, asked=2) == {"asked": 2, "dropped": 1, "answered": 1}
    # Only the filters that are set reach the address bar (directory.js).
    asked = parse_qsl(urlsplit(page.url).query, keep_blank_values=True)
    assert sorted(asked) == [("sort", "relevance"), ("temperature_min", "1e999 K")]
    page.get_by_role("link", name=re.compile(r"^Temperature from: ")).click()
    page.wait_for_function("() => document.activeElement.id === 'temperature_min'")
    assert page.console_problems == [], "\n".join(page.console_problems)


def sign_in(page, user):
    page.goto(reverse("account_login"))
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("button", name=user.get_short_name()).wait_for()


def sign_out(page, user):
    page.get_by_role("button", name=user.get_short_name()).click()
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Sign in").wait_for()


def test_an_editor_lists_a_testbed_and_a_visitor_finds_maps_and_exports_it(
    page, catalogue, settings
):
    settings.MAP_TILE_URL = ""  # offline: the map draws its markers without tiles
    editor = MembershipFactory(institute=catalogue).user
    sign_in(page, editor)
    page.goto(catalogue.get_absolute_url())
    page.get_by_role("link", name="Add a testbed").click()
    page.wait_for_url("**/testbeds/new/")
    assert_accessible(page)
    page.get_by_label(re.compile(r"^Name")).fill("Cryogenic on-wafer probe station")
    page.get_by_label("Summary").fill("S-parameters of superconducting devices from 20 mK.")
    page.get_by_label("Temperature from").fill("20 mK")
    page.get_by_label("Temperature to").fill("4 K")
    page.get_by_label(re.compile(r"^Cryogenics")).check()
    page.get_by_label("City").fill("Braunschweig")
    page.get_by_label("Latitude").fill("52.29")
    page.get_by_label("Longitude").fill("10.46")
    page.get_by_role("button", name=re.compile(r"^(Save|Create)")).click()
    page.get_by_role("heading", name="Cryogenic on-wafer probe station").wait_for()
    page.get_by_role("button", name="Publish").click()
    page.get_by_role("button", name="Unpublish").wait_for()
    sign_out(page, editor)

    page.goto(reverse("capabilities:directory"))
    page.get_by_label("Search", exact=True).fill("cryogenc probe")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(re.compile(r"q=cryogenc"))
    page.get_by_role("checkbox", name=re.compile(r"^Cryogenics")).check()
    page.wait_for_url(re.compile(r"area=cryogenics"))
    result = page.get_by_role("link", name="Cryogenic on-wafer probe station")
    result.wait_for()
    assert page.get_by_role("link", name="Cryogenic microwave calibration kit").count() == 0
    assert_accessible(page)

    page.get_by_role("link", name="Map").click()
    page.wait_for_url(re.compile(r"/directory/map/\?.*area=cryogenics"))
    page.locator(".leaflet-marker-icon").first.wait_for()
    assert page.locator(".leaflet-marker-icon").count() == 1
    assert page.get_by_role("link", name="Cryogenic on-wafer probe station").count() >= 1
    assert_accessible(page)
    page.go_back()

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 2
    assert "Cryogenic on-wafer probe station" in lines[1]
    assert ",Temperature: 20\u00a0mK \u2013 4\u00a0K," in lines[1]  # as the page shows it

    result = page.get_by_role("link", name="Cryogenic on-wafer probe station")
    result.click()
    page.get_by_role("heading", name="Cryogenic on-wafer probe station").wait_for()
    assert_accessible(page)
    assert page.console_problems == [], "\n".join(page.console_problems)
