"""The directory's chosen filters as removable chips (on every size), the "Filters (n)" panel a
phone opens, which works without JavaScript, and the one live region: the result count."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from capabilities.models import TechnologyArea
from tests.factories import InstituteFactory, TestbedFactory
from tests.support import shared_data

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("capabilities:directory")


@pytest.fixture(scope="module")
def catalogue(django_db_setup, django_db_blocker):
    with shared_data(django_db_blocker):
        de = InstituteFactory(acronym="PTB", economy="DE", rmo="EURAMET")
        us = InstituteFactory(acronym="NIST", economy="US", rmo="SIM")
        cryogenics = TechnologyArea.objects.get(slug="cryogenics")
        TestbedFactory(name="Dilution fridge", institute=de, technology_areas=[cryogenics],
                       temperature_min_k=0.01, temperature_max_k=4)  # fmt: skip
        TestbedFactory(name="Cryostat", institute=us, technology_areas=[cryogenics],
                       temperature_min_k=2, temperature_max_k=300)  # fmt: skip
        yield


def _chips(response):
    return [(chip.label, chip.remove_query) for chip in response.context["chips"]]


def test_every_chosen_filter_is_a_chip_that_removes_it_alone(client, catalogue):
    response = client.get(
        DIRECTORY,
        {"q": "fridge 20 mK", "economy": ["DE", "US"], "area": "cryogenics",
         "temperature_max": "4 K", "page": "2"},
    )  # fmt: skip
    chips = dict(_chips(response))
    assert list(chips) == [
        "temperature includes 20 mK",
        "temperature up to 4 K",
        "Technology area: Cryogenics (dilution refrigerators)",
        "Economy: Germany",
        "Economy: United States of America",
    ]
    assert chips["Economy: Germany"] == (
        "q=fridge+20+mK&economy=US&area=cryogenics&temperature_max=4+K"
    )
    assert chips["temperature up to 4 K"] == "q=fridge+20+mK&economy=DE&economy=US&area=cryogenics"
    html = response.content.decode()
    for _label, query in chips.items():
        assert f'href="?{query.replace("&", "&amp;")}"' in html


def test_following_a_chip_drops_its_filter(client, catalogue):
    both = client.get(DIRECTORY, {"economy": ["DE", "US"]})
    assert {record.name for record in both.context["records"]} >= {"Dilution fridge", "Cryostat"}
    germany = dict(_chips(both))["Economy: United States of America"]
    after = client.get(f"{DIRECTORY}?{germany}")
    assert "Cryostat" not in {record.name for record in after.context["records"]}
    assert "Dilution fridge" in {record.name for record in after.context["records"]}
    assert _chips(after) == [("Economy: Germany", "")]


def test_no_filter_no_chip(client, catalogue):
    response = client.get(DIRECTORY, {"q": "fridge"})
    assert _chips(response) == []
    assert "Filters (0)" in response.content.decode()


def test_the_filters_button_counts_the_chosen_filters(client, catalogue):
    html = client.get(DIRECTORY, {"economy": "DE", "area": "cryogenics"}).content.decode()
    button = re.search(r'<a [^>]*href="#directory-filters"[^>]*>([^<]*)</a>', html)
    assert button[1] == "Filters (2)"
    assert 'data-bs-toggle="offcanvas"' in button[0]


def test_without_javascript_the_panel_is_a_target_inside_the_form(client, catalogue):
    """The button is a link to the panel (opened by :target in portal.css), and the facets
    stay inside the search form, whose submit button noscript shows."""
    html = client.get(DIRECTORY).content.decode()
    form = html[html.index('<form method="get" action="/directory/"') :]
    form = form[: form.index("</form>")]
    assert 'id="directory-filters"' in form
    assert 'name="economy"' in form
    assert '<noscript><button type="submit"' in form
    assert 'href="#directory-results"' in form  # the close link, back to the results
    css = (settings.BASE_DIR / "static" / "css" / "portal.css").read_text()
    assert ".offcanvas-lg.directory-filters:target" in css


def test_only_the_result_count_is_a_live_region(client, catalogue):
    html = client.get(DIRECTORY, {"economy": "DE"}).content.decode()
    assert re.findall(r"<[^>]*aria-live[^>]*>", html) == [
        '<p class="text-body-secondary mb-2" id="directory-count" aria-live="polite">'
    ]
    swapped = client.get(DIRECTORY, {"economy": "DE"}, headers={"HX-Request": "true"})
    fragment = swapped.content.decode()
    assert "aria-live" not in fragment
    assert re.search(r'<p id="directory-count" hx-swap-oob="innerHTML">\d+ results?</p>', fragment)
    assert '<div id="directory-facets" hx-swap-oob="innerHTML">' in fragment
