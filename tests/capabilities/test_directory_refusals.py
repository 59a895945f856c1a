"""The directory's refused filters say what went wrong where the eye is (issue 14, item 2): the
error summary at the top names each filter and links to its input, and the title starts with
"Error:", on a full page and on the htmx answer that swaps the results (out of band), which
also takes the summary and the prefix away again once the filters are fixed."""

import re

import pytest

pytestmark = pytest.mark.django_db

DIRECTORY = "/directory/"


def _summary(html: str) -> str:
    found = re.search(r'<div id="error-summary-slot"[^>]*>(.*?)</div>\s*</div>', html, re.S)
    return found[1] if found else ""


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S)[1].strip()


@pytest.mark.parametrize(
    ("params", "anchor", "label"),
    [
        ({"temperature_min": "1e999 K"}, "temperature_min", "Temperature from"),
        ({"temperature_max": "20 parsecs"}, "temperature_max", "Temperature to"),
        ({"wavelength_max": "1550 mk"}, "wavelength_max", "Wavelength to"),
    ],
)
def test_a_refused_filter_is_summarised_with_a_link_to_its_input(client, params, anchor, label):
    html = client.get(DIRECTORY, params).content.decode()
    summary = _summary(html)
    assert "There is a problem" in summary
    link = re.search(rf'<a [^>]*href="#{anchor}"[^>]*>([^<]*)</a>', summary)
    assert link, summary
    assert link[1].startswith(label)
    assert f'id="{anchor}"' in html
    assert _title(html).startswith("Error: ")


def test_the_summary_comes_before_the_results(client):
    html = client.get(DIRECTORY, {"temperature_min": "1e999 K"}).content.decode()
    assert html.index("data-error-summary") < html.index('id="directory-results"')


def test_an_htmx_answer_swaps_the_summary_and_the_title_in_and_out(client):
    refused = client.get(
        DIRECTORY, {"temperature_min": "1e999 K"}, headers={"HX-Request": "true"}
    ).content.decode()
    slot = re.search(
        r'<div id="error-summary-slot" hx-swap-oob="true">(.*?)</div>\s*</div>', refused, re.S
    )
    assert slot, refused[-2000:]
    assert 'href="#temperature_min"' in slot[1]
    assert _title(refused).startswith("Error: Directory")
    fixed = client.get(
        DIRECTORY, {"temperature_min": "4 K"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert re.search(r'<div id="error-summary-slot" hx-swap-oob="true">\s*</div>', fixed)
    assert _title(fixed).startswith("Directory")


def test_a_search_that_refuses_nothing_has_no_summary(client):
    html = client.get(DIRECTORY, {"temperature_min": "4 K", "q": "cryostat"}).content.decode()
    assert "There is a problem" not in html
    assert not _title(html).startswith("Error")
