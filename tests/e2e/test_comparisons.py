"""The graph of equivalence renders in a browser with an error bar per laboratory, beside the
table of the same numbers; the list and detail pages pass axe-core, at desktop and phone width."""

import pytest

from outputs import comparisons_formatting as fmt
from outputs import services
from outputs.enums import ComparisonStatus
from tests.e2e.conftest import assert_accessible
from tests.factories import TestbedFactory
from tests.outputs.factories import comparison_world, move_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 375])
def test_the_graph_of_equivalence_renders_with_error_bars_and_its_table(page, width):
    world = comparison_world(ComparisonStatus.PUBLISHED)
    comparison = world.comparison
    page.set_viewport_size({"width": width, "height": 900})

    page.goto("/comparisons/")
    page.get_by_role("link", name=comparison.identifier).wait_for()
    assert page.locator('link[rel="alternate"][type="application/atom+xml"]').count() == 1
    assert_accessible(page)

    page.get_by_role("link", name=comparison.identifier).click()
    page.get_by_role("heading", name="Results and degrees of equivalence").wait_for()
    canvas = page.locator("canvas[data-comparison-chart]")
    canvas.wait_for(state="visible")
    page.wait_for_function(
        "() => document.querySelector('canvas[data-comparison-chart]').dataset.rendered"
    )
    assert canvas.get_attribute("data-rendered") == "3"
    # Each point carries its error bar: d - U and d + U as Chart.js holds them.
    bars = page.evaluate(
        "() => Chart.getChart(document.querySelector('canvas[data-comparison-chart]'))"
        ".data.datasets[0].data.map(p => [p.yMin, p.y, p.yMax])"
    )
    evaluation = comparison.evaluation()
    for (low, d, high), eq in zip(bars, evaluation.equivalences, strict=True):
        assert d == pytest.approx(eq.d)
        assert (low, high) == (pytest.approx(eq.d - eq.U), pytest.approx(eq.d + eq.U))
    zero = page.evaluate(
        "() => Chart.getChart(document.querySelector('canvas[data-comparison-chart]'))"
        ".data.datasets[1].data"
    )
    assert zero == [0, 0, 0]
    table = page.locator("table.comparison-results tbody tr")
    assert table.count() == 3
    assert page.console_problems == []
    assert_accessible(page)


def test_a_participating_testbed_shows_its_labs_degree_of_equivalence(page):
    world = comparison_world(ComparisonStatus.DRAFT)
    comparison = world.comparison
    result = comparison.results.get(position=1)
    testbed = TestbedFactory(institute=result.institute, name="Josephson array")
    services.result_update(
        actor=world["proposer"], result=result, version=comparison.version, testbed=testbed
    )
    comparison.refresh_from_db()
    move_to(
        comparison, ComparisonStatus.PUBLISHED, lead_user=world["proposer"], reviewer=world["staff"]
    )
    page.goto(testbed.get_absolute_url())
    section = page.get_by_role("heading", name="Interlaboratory comparisons")
    section.wait_for()
    eq = comparison.evaluation().equivalences[0]
    d, U = fmt.degree(eq.d, eq.U, result.value)
    row = page.locator("section[aria-labelledby=record-comparisons-heading] tbody tr")
    assert row.count() == 1
    assert row.locator("td").all_inner_texts()[:2] == [d, U]
    assert_accessible(page)
