"""Every form that refuses a save says so at the top of the page (the GOV.UK error summary):
a box titled "There is a problem" listing each error as a link to its field, and a page title
that starts with "Error: ". Proven by walking every page's URL with a POST of no field as
someone who may use every form, not by listing the forms by hand."""

import re

import pytest
from django.db import transaction

from capabilities.services import access_request_create, evidence_add, saved_search_create
from collaborations.enums import ProjectStatus
from tests.collaborations.factories import cast, member, need_posted
from tests.core.test_urls import ROUTES, concrete
from tests.factories import (
    AssessmentFactory,
    BenchmarkResultFactory,
    ContactFactory,
    GuideVersionFactory,
    ServiceFactory,
    TermFactory,
    TestbedFactory,
    UserFactory,
)
from tests.outputs.factories import comparison_world
from tests.support import shared_data

pytestmark = pytest.mark.django_db

#: Form pages that must be among those the walk saw refusing a save (a walk that reaches none
#: of them proves nothing).
EXPECTED = {
    "accounts/signup/",
    "accounts/login/",
    "accounts/password/change/",
    "institutes/register/",
    "institutes/<slug:slug>/edit/",
    "institutes/<slug:slug>/testbeds/new/",
    "institutes/<slug:slug>/services/new/",
    "institutes/<slug:slug>/contacts/new/",
    "testbeds/<slug:slug>/edit/",
    "services/<slug:slug>/edit/",
    "testbeds/<slug:slug>/request-access/",
    "projects/propose/",
    "projects/<slug:slug>/edit/",
    "needs/new/",
    "glossary/propose/",
    "guides/new/",
    "comparisons/<slug:slug>/edit/",
    "landscape/assessments/new/",
}

WALKED = [
    route
    for route in ROUTES
    if not route.startswith(("api/", "admin/", "accounts/^", "markdown/")) and "logout" not in route
]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One of each record the form pages name, all of them in the hands of one person who is
    the lead institute's admin, a coordinator of its working area and staff."""
    with shared_data(django_db_blocker):
        crew = cast(ProjectStatus.DRAFT)
        user = crew["proposer"]
        user.is_staff = user.is_superuser = True
        user.save()
        project = crew.project
        institute = project.lead_institute
        user.memberships.update(role="admin")
        project.twa.coordinators.add(user)
        testbed = TestbedFactory(institute=institute)
        service = ServiceFactory(institute=institute)
        contact = ContactFactory(institute=institute)
        evidence = evidence_add(
            actor=user, record=testbed, kind="paper", title="A paper", doi="10.1000/x"
        )
        asker = UserFactory()
        other = TestbedFactory()
        access = access_request_create(
            actor=asker, target=service, organisation="Acme", purpose="Characterise a chip."
        )
        saved = saved_search_create(actor=user, name="Cold", query="q=20+mK")
        need = need_posted()
        member(need.institute, user=user)
        term = TermFactory(institute=institute, proposer=user)
        version = GuideVersionFactory(guide__institute=institute)
        result = BenchmarkResultFactory(institute=institute, author=user)
        comparison = comparison_world()
        assessment = AssessmentFactory(author=user, institute=institute)
        by_prefix = {
            "institutes/": {"slug": institute.slug},
            "testbeds/": {"slug": testbed.slug},
            "services/": {"slug": service.slug},
            "contacts/": {"uuid": str(contact.uuid)},
            "evidence/": {"uuid": str(evidence.uuid)},
            "access-requests/": {"uuid": str(access.uuid)},
            "saved-searches/": {"uuid": str(saved.uuid)},
            "projects/": {"slug": project.slug},
            "needs/": {"slug": need.slug},
            "glossary/": {"slug": term.slug},
            "guides/": {"slug": version.guide.slug, "number": version.number},
            "benchmarks/": {"slug": result.benchmark.slug, "uuid": str(result.uuid)},
            "comparisons/": {
                "slug": comparison.comparison.slug,
                "pk": str(comparison.comparison.results.first().pk),
            },
            "landscape/": {"uuid": str(assessment.uuid)},
            "twas/": {"slug": project.twa.slug},
        }
        yield {"user": user, "by_prefix": by_prefix, "other_testbed": other.slug}


def _url(route, world):
    objects = next(
        (values for prefix, values in world["by_prefix"].items() if route.startswith(prefix)), {}
    )
    if route == "testbeds/<slug:slug>/request-access/":
        # Nobody asks their own institute for access: another institute's testbed.
        objects = {"slug": world["other_testbed"]}
    unknown = "00000000-0000-0000-0000-000000000000"
    base = {"pk": "1", "uuid": unknown, "token_uuid": unknown, "membership_pk": "1"}
    return concrete(route, {**base, **objects})


def _refused(response) -> bool:
    """The page shows a field's error or a form's error the way the field templates do."""
    return response["Content-Type"].startswith("text/html") and (
        b"invalid-feedback" in response.content or b"is-invalid" in response.content
    )


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S)[1].strip()


@pytest.fixture(scope="module")
def refusals(world, django_db_blocker):
    """{route: response} of every page that refused an empty POST."""
    from django.test import Client

    found = {}
    with django_db_blocker.unblock():
        for route in WALKED:
            client = Client()
            if not route.startswith(("accounts/signup", "accounts/login", "accounts/password/r")):
                client.force_login(world["user"])
            # Each POST rolled back: an empty POST to a button (remove, delete) must not change
            # the world the next page is walked in.
            with transaction.atomic():
                response = client.post(_url(route, world), {"walk": "1"})
                transaction.set_rollback(True)
            if _refused(response):
                found[route] = response
    return found


def test_the_walk_reaches_the_portals_forms(refusals):
    assert set(refusals) >= EXPECTED, sorted(EXPECTED - set(refusals))


def test_every_refused_form_has_an_error_summary_at_the_top(refusals):
    missing = []
    for route, response in refusals.items():
        html = response.content.decode()
        main = html[html.index('<main id="main"') :]
        summary = re.search(r"<div[^>]*data-error-summary[^>]*>(.*?)</div>", main, re.S)
        if summary is None or "There is a problem" not in summary[1]:
            missing.append(route)
            continue
        # At the top: before the page's first heading and before any form.
        if main.index("data-error-summary") > min(
            main.index("<h1") if "<h1" in main else 10**9,
            main.index("<form") if "<form" in main else 10**9,
        ):
            missing.append(route)
        assert "autofocus" in summary[0], route
        assert 'tabindex="-1"' in summary[0], route
    assert missing == []


def test_every_summary_link_points_at_a_field_of_the_page(refusals):
    broken = []
    for route, response in refusals.items():
        html = response.content.decode()
        summary = re.search(r"data-error-summary.*?</div>", html, re.S)[0]
        anchors = re.findall(r'href="#([^"]+)"', summary)
        for anchor in anchors:
            if f'id="{anchor}"' not in html:
                broken.append((route, anchor))
    assert broken == []
    assert any(re.findall(r'href="#id_', r.content.decode()) for r in refusals.values())


def test_every_refused_form_prefixes_the_page_title(refusals):
    titles = {route: _title(response.content.decode()) for route, response in refusals.items()}
    assert [route for route, title in titles.items() if not title.startswith("Error: ")] == []


def test_a_page_whose_form_was_not_refused_has_neither(client, world):
    client.force_login(world["user"])
    html = client.get("/needs/new/").content.decode()
    assert "There is a problem" not in html
    assert not _title(html).startswith("Error")


def test_the_summary_names_the_field_and_its_error(client):
    response = client.post("/accounts/signup/", {"email": "not an address"})
    html = response.content.decode()
    summary = re.search(r"data-error-summary.*?</ul>", html, re.S)[0]
    assert re.search(r'<a [^>]*href="#id_email"[^>]*>Email: ', summary), summary


def test_a_refusal_by_the_service_shows_in_the_summary_too(client, world):
    """A unit the service cannot read is the service's refusal, on its field."""
    client.force_login(world["user"])
    slug = world["by_prefix"]["institutes/"]["slug"]
    response = client.post(
        f"/institutes/{slug}/services/new/",
        {"name": "Attenuator", "kind": "calibration", "range_lower": "1", "range_unit": "ghz",
         "visibility": "public", "status": "offered", "charging": "on_request",
         "uncertainty_mode": "absolute"},
    )  # fmt: skip
    html = response.content.decode()
    assert "Did you mean “GHz”?" in re.search(r"data-error-summary.*?</ul>", html, re.S)[0]
