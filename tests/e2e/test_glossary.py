"""The glossary in a browser: the A to Z, a search by synonym, a term's page, each checked by
axe-core, at desktop and phone widths."""

import json

import pytest

from outputs.enums import TermStatus
from tests.e2e.conftest import assert_accessible
from tests.factories import StaffFactory, TermFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def terms():
    staff = StaffFactory()
    agreed = {"state": TermStatus.AGREED, "decider": staff}
    TermFactory(
        term="measurement uncertainty",
        synonyms=["uncertainty of measurement"],
        definition="non-negative parameter characterizing the dispersion of the quantity "
        "values being attributed to a measurand, based on the information used",
        source="JCGM 200:2012 (VIM 3)",
        clause="2.26",
        **agreed,
    )
    TermFactory(term="Étalon", **agreed)
    TermFactory(term="Zygote qubit")


@pytest.mark.parametrize("width", [1280, 375])
def test_browse_search_and_open_a_term(page, terms, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/glossary/")
    assert_accessible(page)
    letters = page.get_by_role("navigation", name="Terms by first letter")
    assert letters.get_by_role("link", name="Z").count() == 0
    letters.get_by_role("link", name="E", exact=True).click()
    page.wait_for_url("**/glossary/?letter=E")
    page.get_by_role("link", name="Étalon").wait_for()
    assert page.get_by_role("link", name="measurement uncertainty").count() == 0

    page.goto("/glossary/")
    page.get_by_label("Search", exact=True).fill("uncertainty of measurement")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**q=uncertainty*")
    page.get_by_role("link", name="measurement uncertainty").click()
    page.wait_for_url("**/glossary/measurement-uncertainty/")
    page.get_by_role("heading", name="measurement uncertainty").wait_for()
    assert_accessible(page)
    data = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert data["@type"] == "DefinedTerm"
    assert page.console_problems == []
