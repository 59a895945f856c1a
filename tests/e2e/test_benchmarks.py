"""A benchmark's chart renders in a browser with an error bar per result and one series per
platform, beside the table of the same numbers; a result's samples draw a histogram and a time
trace; the benchmark and result pages pass axe-core, at desktop and phone width."""

import pytest

from outputs.enums import ResultStatus
from tests.e2e.conftest import assert_accessible
from tests.factories import BenchmarkResultFactory
from tests.outputs.benchmarks_world import result_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHART = "document.querySelector('canvas[data-benchmark-chart]')"


@pytest.mark.parametrize("width", [1280, 375])
def test_the_benchmark_chart_renders_with_error_bars_and_its_table(page, width):
    world = result_world(
        ResultStatus.PUBLISHED,
        provider="ibm",
        device="ibm_boston",
        samples=([110.0, 120.0, 130.0, 125.0], [0.0, 1.0, 2.0, 3.0]),
    )
    BenchmarkResultFactory(
        benchmark=world.benchmark,
        provider="ibm",
        device="ibm_boston",
        value=131.0,
        uncertainty=6.0,
        uncertainty_kind="expanded",
        coverage_factor=2.0,
        state=ResultStatus.PUBLISHED,
    )
    BenchmarkResultFactory(
        benchmark=world.benchmark,
        provider="quantinuum",
        device="H2-2",
        state=ResultStatus.PUBLISHED,
    )
    BenchmarkResultFactory(benchmark=world.benchmark, device="draft_device")
    page.set_viewport_size({"width": width, "height": 900})

    page.goto("/benchmarks/")
    page.get_by_role("link", name=world.benchmark.name).wait_for()
    assert page.locator('link[rel="alternate"][type="application/atom+xml"]').count() == 1
    assert_accessible(page)

    page.get_by_role("link", name=world.benchmark.name).click()
    page.get_by_role("heading", name="Results over time").wait_for()
    page.locator("canvas[data-benchmark-chart]").wait_for(state="visible")
    page.wait_for_function(f"() => {CHART}.dataset.rendered")
    assert page.locator("canvas[data-benchmark-chart]").get_attribute("data-rendered") == "3"
    series = page.evaluate(
        f"() => Chart.getChart({CHART}).data.datasets"
        ".map(d => [d.label, d.data.map(p => [p.yMin, p.y, p.yMax])])"
    )
    assert series[0] == ["ibm ibm_boston", [[116.0, 120.0, 124.0], [125.0, 131.0, 137.0]]]
    assert series[1][0] == "quantinuum H2-2"
    rows = page.locator("table.benchmark-results tbody tr")
    assert rows.count() == 3
    assert "U = 6 (k = 2)" in rows.nth(1).inner_text()
    assert page.console_problems == []
    assert_accessible(page)

    page.goto(world.result.get_absolute_url())
    page.get_by_role("heading", name="Raw samples").wait_for()
    for selector in ("canvas[data-samples-histogram]", "canvas[data-samples-trace]"):
        page.locator(selector).wait_for(state="visible")
        page.wait_for_function(f"() => document.querySelector('{selector}').dataset.rendered")
    assert page.locator("canvas[data-samples-trace]").get_attribute("data-rendered") == "4"
    assert page.locator("[data-testid=median]").inner_text() == "122.5"
    assert page.console_problems == []
    assert_accessible(page)
