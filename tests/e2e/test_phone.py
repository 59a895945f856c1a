"""The portal on a phone (390 by 844) and a desktop (1366 by 900): no page wider than the
screen, the directory's results first with its filters in a panel that opens and closes, chips
that remove a filter, a refused form whose error summary takes the focus; axe-core on each."""

import re

import pytest
from django.urls import reverse

from capabilities.models import TechnologyArea
from collaborations.enums import ProjectStatus
from outputs.enums import ComparisonStatus
from tests.collaborations.factories import ProjectFactory, member, need_posted
from tests.e2e.conftest import assert_accessible
from tests.factories import (
    BenchmarkResultFactory,
    GuideVersionFactory,
    InstituteFactory,
    ServiceFactory,
    TermFactory,
    TestbedFactory,
)
from tests.outputs.factories import comparison_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def _catalogue():
    ptb = InstituteFactory(
        acronym="PTB", name="Physikalisch-Technische Bundesanstalt", economy="DE"
    )
    nist = InstituteFactory(
        acronym="NIST", name="National Institute of Standards and Technology", economy="US"
    )
    areas = list(TechnologyArea.objects.filter(parent__isnull=False).order_by("-path")[:6])
    testbed = TestbedFactory(
        institute=ptb,
        name="Dilution refrigerator with a very long name for a small screen",
        summary="Characterises superconducting devices at 10 mK with calibrated lines.",
        technology_areas=areas,
        temperature_min_k=0.01,
        temperature_max_k=4,
    )
    TestbedFactory(institute=nist, name="Cryogenic probe station", technology_areas=areas[:2])
    service = ServiceFactory(
        institute=ptb, name="Noise temperature calibration", technology_areas=areas,
        range_lower=1, range_upper=12, range_unit="GHz",
    )  # fmt: skip
    return ptb, testbed, service


def _world():
    ptb, testbed, service = _catalogue()
    proposer = member(ptb)
    proposal = ProjectFactory(lead_institute=ptb, proposer=proposer, partners=1)
    project = ProjectFactory(lead_institute=ptb, proposer=proposer, state=ProjectStatus.ACTIVE)
    need = need_posted()
    TermFactory(institute=ptb, state="agreed")
    version = GuideVersionFactory(guide__institute=ptb, state="published")
    result = BenchmarkResultFactory(institute=ptb, state="published")
    comparison = comparison_world(ComparisonStatus.PUBLISHED).comparison
    pages = [
        "/",
        reverse("capabilities:directory"),
        reverse("capabilities:directory") + "?view=table",
        ptb.get_absolute_url(),
        testbed.get_absolute_url(),
        service.get_absolute_url(),
        reverse("collaborations:project_list"),
        project.get_absolute_url(),
        reverse("collaborations:need_list"),
        need.get_absolute_url(),
        reverse("outputs:landscape"),
        reverse("outputs:term_list"),
        reverse("outputs:guide_list"),
        version.guide.get_absolute_url(),
        reverse("outputs:benchmark_list"),
        result.benchmark.get_absolute_url(),
        result.get_absolute_url(),
        reverse("outputs:comparison_list"),
        comparison.get_absolute_url(),
    ]
    return {"pages": pages, "proposer": proposer, "proposal": proposal, "ptb": ptb}


def _too_wide(page) -> str:
    """What sticks out of the screen, or "" when nothing does."""
    return page.evaluate(
        """() => {
          const width = window.innerWidth;
          if (document.documentElement.scrollWidth <= width) return "";
          const culprits = [...document.querySelectorAll("body *")]
            .filter((e) => e.getBoundingClientRect().right > width + 1
                           && !e.closest(".table-responsive, .offcanvas-lg"))
            .slice(-3).map((e) => e.tagName + "." + e.className);
          return document.documentElement.scrollWidth + "px: " + culprits.join(", ");
        }"""
    )


def test_no_page_is_wider_than_a_phone(browser, live_server, open_as):
    world = _world()
    page = open_as(None)
    page.set_viewport_size(PHONE)
    wide = {}
    for url in world["pages"]:
        page.goto(url)
        page.wait_for_load_state()
        if problem := _too_wide(page):
            wide[url] = problem
    proposer = open_as(world["proposer"])
    proposer.set_viewport_size(PHONE)
    proposer.goto(world["proposal"].get_absolute_url())
    if problem := _too_wide(proposer):
        wide["proposal"] = problem
    assert wide == {}


def test_a_proposals_actions_come_before_its_timeline_on_a_phone(open_as):
    world = _world()
    page = open_as(world["proposer"])
    page.set_viewport_size(PHONE)
    page.goto(world["proposal"].get_absolute_url())
    actions = page.get_by_role("heading", name="Next steps").bounding_box()
    timeline = page.get_by_role("heading", name="Timeline").bounding_box()
    assert actions["y"] < timeline["y"]
    page.set_viewport_size(DESKTOP)
    actions = page.get_by_role("heading", name="Next steps").bounding_box()
    assert actions["x"] > timeline["x"]  # beside it, on the right
    assert_accessible(page)


def test_on_a_phone_the_results_come_first_and_the_filters_open_and_close(page):
    _catalogue()
    page.set_viewport_size(PHONE)
    page.goto(reverse("capabilities:directory"))
    first = page.locator(".directory-result").first
    first.wait_for()
    assert first.bounding_box()["y"] < PHONE["height"]
    germany = page.get_by_role("checkbox", name=re.compile(r"^Germany"))
    assert not germany.is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Filters (0)").click()
    germany.wait_for(state="visible")
    assert_accessible(page)
    germany.check()
    page.wait_for_url(re.compile(r"economy=DE"))
    page.get_by_text("Economy: Germany").wait_for()
    assert page.locator("#directory-filters").is_visible(), "the panel stays open"
    page.get_by_role("button", name="Close the filters").click()
    germany.wait_for(state="hidden")
    page.get_by_role("button", name="Filters (1)").wait_for()
    assert page.console_problems == [], "\n".join(page.console_problems)


def test_without_javascript_the_phones_filter_panel_still_opens_and_submits(browser, live_server):
    _catalogue()
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport=PHONE, locale="en-GB"
    )
    page = context.new_page()
    page.goto(reverse("capabilities:directory"))
    germany = page.get_by_role("checkbox", name=re.compile(r"^Germany"))
    assert not germany.is_visible()
    page.get_by_role("button", name="Filters (0)").click()
    germany.wait_for(state="visible")
    germany.check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"economy=DE"))
    assert page.get_by_text("Economy: Germany").is_visible()
    context.close()


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_chip_removes_its_filter(page, size):
    _catalogue()
    page.set_viewport_size(size)
    page.goto(reverse("capabilities:directory") + "?economy=DE&economy=US&temperature_max=4+K")
    chips = page.locator(".directory-chips")
    assert chips.is_visible()
    if size == DESKTOP:
        facets = page.locator("#directory-facets").bounding_box()
        results = page.locator("#directory-results").bounding_box()
        assert facets["x"] < results["x"], "facets on the left, results beside them"
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"^Economy: Germany")).click()
    page.wait_for_url(lambda url: "economy=DE" not in url and "economy=US" in url)
    assert page.get_by_role("link", name=re.compile(r"^Economy: Germany")).count() == 0
    page.get_by_role("link", name=re.compile(r"^temperature up to 4 K")).click()
    page.wait_for_url(lambda url: "temperature_max" not in url)
    assert page.get_by_role("link", name=re.compile(r"^Economy: United States")).is_visible()


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_refused_form_puts_its_errors_where_the_eye_is(open_as, size):
    ptb, _testbed, _service = _catalogue()
    page = open_as(member(ptb))
    page.set_viewport_size(size)
    page.goto(reverse("capabilities:testbed_create", args=[ptb.slug]))
    page.get_by_label(re.compile(r"^Name")).fill("A testbed")
    page.get_by_label("Temperature from").fill("20 mk")
    page.get_by_role("button", name=re.compile("Save")).first.click()
    summary = page.locator("[data-error-summary]")
    summary.wait_for()
    assert page.title().startswith("Error: ")
    assert page.evaluate("() => document.activeElement.matches('[data-error-summary]')")
    assert summary.bounding_box()["y"] < size["height"], "in view"
    link = summary.get_by_role("link", name=re.compile(r"Temperature from: .*Did you mean “mK”\?"))
    assert_accessible(page)
    link.click()
    assert page.evaluate("() => document.activeElement.id") == "id_temperature_min_k"


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_an_editor_lands_on_my_work_and_the_home_page_starts_with_the_search(open_as, size):
    ptb, _testbed, _service = _catalogue()
    TestbedFactory(institute=ptb, name="Unfinished cryostat", published=False)
    page = open_as(member(ptb))
    page.wait_for_url("**/work/")
    page.set_viewport_size(size)
    assert page.get_by_role("link", name="Unfinished cryostat").is_visible()
    assert_accessible(page)
    page.goto("/")
    search = page.get_by_label("Find a testbed or a service")
    assert search.bounding_box()["y"] < page.get_by_role("heading", level=1).bounding_box()["y"]
    assert search.bounding_box()["y"] < size["height"] / 3
    assert_accessible(page)


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_refused_filter_is_summarised_and_its_link_reaches_the_input(page, size):
    _catalogue()
    page.set_viewport_size(size)
    page.goto(reverse("capabilities:directory"))
    if size == PHONE:
        page.get_by_role("button", name="Filters (0)").click()
    bound = page.get_by_label("Temperature from")
    bound.fill("1e999 K")
    bound.press("Enter")
    summary = page.locator("[data-error-summary]")
    summary.wait_for()
    page.wait_for_function("() => document.title.startsWith('Error: ')")
    assert_accessible(page)
    if size == PHONE:
        page.get_by_role("button", name="Close the filters").click()
        bound.wait_for(state="hidden")
    summary.get_by_role("link", name=re.compile(r"^Temperature from: ")).click()
    page.wait_for_function("() => document.activeElement.id === 'temperature_min'")
    bound.fill("1 K")
    bound.press("Enter")
    summary.wait_for(state="detached")
    page.wait_for_function("() => !document.title.startsWith('Error: ')")
    assert page.console_problems == [], "\n".join(page.console_problems)
