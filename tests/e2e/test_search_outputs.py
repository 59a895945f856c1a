"""A visitor's words find a glossary term beside the testbeds; the type facet narrows the
results to terms without a reload, and the page stays accessible."""

import re

import pytest
from django.urls import reverse

from outputs.enums import TermStatus
from tests.e2e.conftest import assert_accessible
from tests.factories import TermFactory, TestbedFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_type_facet_narrows_a_search_to_glossary_terms(page):
    TestbedFactory(name="Photon counting bench")
    TermFactory(
        term="photon number", definition="number of photons in a mode", state=TermStatus.AGREED
    )
    page.goto(reverse("capabilities:directory") + "?q=photon")
    page.get_by_role("link", name="Photon counting bench").wait_for()
    page.get_by_role("link", name="photon number").wait_for()
    assert_accessible(page)
    page.get_by_role("checkbox", name=re.compile(r"^Glossary term")).check()
    page.wait_for_url(re.compile(r"type=term"))
    page.get_by_role("link", name="Photon counting bench").wait_for(state="detached")
    page.get_by_role("link", name="photon number").wait_for()
    assert_accessible(page)
    assert page.console_problems == [], "\n".join(page.console_problems)
