"""Pages that must work in a real browser: the offline API docs, and the axe check itself."""

import pytest

from tests.e2e.conftest import assert_accessible, count_htmx_requests, htmx_requests
from tests.factories import InstituteFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_api_docs_render_with_no_request_leaving_the_portal(page, live_server):
    outside = []

    def guard(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.goto("/api/docs/")
    page.get_by_text("NMI-Q Portal API").first.wait_for()
    page.get_by_text("/api/v1/institutes/").first.wait_for()
    assert outside == []
    assert page.console_problems == [], "e.g. a Content-Security-Policy violation"


def test_institute_list_filters_without_reloading_and_keeps_a_plain_url(page):
    InstituteFactory(acronym="NIST", economy="US", rmo="SIM")
    InstituteFactory(acronym="PTB", economy="DE", rmo="EURAMET")
    page.goto("/institutes/")
    assert_accessible(page)
    page.get_by_label("SIM").check()
    page.wait_for_url("**/institutes/?*rmo=SIM*")
    page.get_by_text("1 institute", exact=True).wait_for()
    assert page.get_by_role("link", name="NIST").is_visible()
    assert page.get_by_role("link", name="PTB").count() == 0
    page.reload()
    assert page.get_by_label("SIM").is_checked()
    assert page.console_problems == []


def test_the_accessibility_check_does_catch_a_serious_violation(page):
    page.goto("/")
    page.evaluate(
        "() => { const img = document.createElement('img'); img.src = '/static/img/logo.svg';"
        " document.querySelector('main').append(img); }"
    )
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page)


@pytest.mark.parametrize(
    ("path", "label"),
    [("/institutes/", "Name or acronym"), ("/projects/", "Search")],
)
def test_a_filter_form_answers_enter_once_and_a_new_search_again(page, path, label):
    """Enter in a field is a change and a submit: one answer, since the second would ask for
    what the page already shows; a different search is asked for."""
    InstituteFactory(acronym="NIST", economy="US", rmo="SIM")
    page.goto(path)
    count_htmx_requests(page)
    field = page.get_by_label(label, exact=True)
    # Enter after a new text is a change and a submit; after the same text, a submit alone.
    for text, asked, answered in (("NIST", 2, 1), ("NIST", 3, 1), ("quantum", 5, 2)):
        field.fill(text)
        field.press("Enter")
        counts = htmx_requests(page, asked=asked)
        assert (counts["asked"], counts["answered"]) == (asked, answered), text
        page.wait_for_url(f"**{path}?*q={text}*")
    assert page.console_problems == []
