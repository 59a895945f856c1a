"""On a phone, the directory's table scrolls inside its box, sorts and hides columns."""

import re

import pytest
from django.urls import reverse

from tests.e2e.conftest import assert_accessible
from tests.factories import InstituteFactory, ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def services():
    npl = InstituteFactory(acronym="NPL", name="National Physical Laboratory", economy="GB")
    for name, lead_time in (
        ("Fibre power meter calibration", "6 weeks"),
        ("Attenuation", "1 week"),
    ):
        ServiceFactory(
            institute=npl,
            name=name,
            quantity="Optical power in single-mode fibre",
            range_lower=0.01,
            range_upper=10,
            range_unit="mW",
            instrument="Optical power meter",
            kcdb_code="EURAMET-PR-GB-00000ABC-2",
            lead_time=lead_time,
            charging="commercial",
        )


def test_the_table_scrolls_inside_its_box_on_a_phone(page, services):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(reverse("capabilities:directory") + "?view=table")
    table = page.locator(".table-responsive")
    table.get_by_role("link", name="Attenuation").wait_for()
    box = table.evaluate("element => [element.scrollWidth, element.clientWidth]")
    assert box[0] > box[1]  # the table is wider than the phone and scrolls in its box …
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # … while the page itself does not
    assert_accessible(page)

    page.get_by_role("link", name="Lead time").click()
    page.wait_for_url(re.compile(r"sort=lead_time"))
    names = page.locator("tbody th[scope=row] a").all_inner_texts()
    assert names == ["Attenuation", "Fibre power meter calibration"]
    assert page.locator('th[data-column="lead_time"]').get_attribute("aria-sort") == "ascending"

    page.get_by_text("Columns", exact=True).click()
    page.get_by_role("checkbox", name="KCDB code").uncheck()
    page.wait_for_url(re.compile(r"cols="))
    page.locator('th[data-column="lead_time"]').wait_for()
    assert page.locator('th[data-column="kcdb_code"]').count() == 0
    assert page.console_problems == [], "\n".join(page.console_problems)
