"""/api/v1/terms/: public terms for anyone, proposals only for who may see them, the page's
filters, writes through the services with If-Match, and the same number of queries whatever the
page size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from capabilities.models import TechnologyArea
from outputs.enums import TermStatus
from outputs.models import Term
from tests.collaborations.factories import TechnicalWorkingAreaFactory
from tests.factories import MembershipFactory, StaffFactory, TermFactory, UserFactory
from tests.support import shared_data

pytestmark = pytest.mark.django_db

URL = "/api/v1/terms/"


@pytest.fixture(scope="module")
def terms(django_db_setup, django_db_blocker):
    with shared_data(django_db_blocker):
        staff = StaffFactory()
        area = TechnologyArea.objects.get(slug="single-photon-detectors")
        yield {
            "agreed": TermFactory(
                term="coverage factor",
                synonyms=["k"],
                abbreviation="k",
                technology_area=area,
                state=TermStatus.AGREED,
                decider=staff,
            ),
            "etalon": TermFactory(term="Étalon", state=TermStatus.AGREED, decider=staff),
            "old": TermFactory(term="Old", state=TermStatus.SUPERSEDED, decider=staff),
            "proposal": TermFactory(term="Secret proposal", abbreviation="SPX"),
            "withdrawn": TermFactory(term="Withdrawn one", state=TermStatus.WITHDRAWN),
        }


def _names(response):
    assert response.status_code == 200, response.content
    return [item["term"] for item in response.json()["results"]]


def test_the_list_shows_agreed_and_superseded_terms_only(api, terms):
    names = _names(api.get(URL))
    assert "Secret proposal" not in names
    assert "Withdrawn one" not in names
    assert {"coverage factor", "Étalon", "Old", terms["old"].superseded_by.term} == set(names)


def test_a_term_shows_its_source_state_and_successor(api, terms):
    old = terms["old"]
    data = api.get(f"{URL}{old.uuid}/").json()
    assert data["status"] == "superseded"
    assert data["superseded_by"]["uuid"] == str(old.superseded_by.uuid)
    assert data["html_url"] == f"http://testserver/glossary/{old.slug}/"
    assert "proposed_by" not in data
    agreed = api.get(f"{URL}{terms['agreed'].uuid}/").json()
    assert agreed["technology_area"] == {
        "slug": "single-photon-detectors",
        "name": "Single-photon detectors",
    }
    assert agreed["definition_html"].startswith("<p>")


def test_a_proposal_is_not_found_by_the_public_but_by_its_proposer(api, terms):
    proposal = terms["proposal"]
    assert api.get(f"{URL}{proposal.uuid}/").status_code == 404
    api.force_authenticate(UserFactory())
    assert api.get(f"{URL}{proposal.uuid}/").status_code == 404
    assert "Secret proposal" not in _names(api.get(URL, {"q": "SPX"}))
    api.force_authenticate(proposal.proposed_by)
    assert api.get(f"{URL}{proposal.uuid}/").json()["status"] == "proposed"
    assert _names(api.get(URL, {"q": "SPX"})) == ["Secret proposal"]


@pytest.mark.parametrize(
    ("params", "found"),
    [
        ({"q": "k"}, ["coverage factor"]),
        ({"q": "etalon"}, ["Étalon"]),
        ({"letter": "E"}, ["Étalon"]),
        ({"technology_area": "communication"}, ["coverage factor"]),
        ({"status": "superseded"}, ["Old"]),
    ],
)
def test_the_filters_are_the_pages(api, terms, params, found):
    assert _names(api.get(URL, params)) == found


def test_a_filter_value_it_cannot_read_is_a_400_problem(api, terms):
    response = api.get(URL, {"letter": "ab"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")


# --- Writes, through the services -------------------------------------------------------------

PROPOSAL = {
    "term": "coverage factor",
    "definition": "number larger than one",
    "source": "JCGM 200:2012 (VIM 3)",
    "clause": "2.38",
    "synonyms": ["k"],
}


def _member_of_new_institute():
    membership = MembershipFactory()
    return membership.user, membership.institute


def test_a_member_proposes_a_term_and_only_they_see_it(api, terms):
    user, institute = _member_of_new_institute()
    api.force_authenticate(user)
    response = api.post(URL, {**PROPOSAL, "institute": str(institute.uuid)}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "proposed"
    assert response["Location"].endswith(f"{URL}{body['uuid']}/")
    assert response["ETag"]
    api.force_authenticate(None)
    assert api.get(f"{URL}{body['uuid']}/").status_code == 404


@pytest.mark.parametrize(
    "changes",
    [{"definition": ""}, {"source": None}, {"synonyms": "k"}, {"technology_area": "nowhere"}],
)
def test_bad_input_is_a_problem_naming_the_field_and_nothing_is_stored(api, terms, changes):
    user, institute = _member_of_new_institute()
    api.force_authenticate(user)
    before = Term.objects.count()
    body = {**PROPOSAL, "institute": str(institute.uuid), **changes}
    response = api.post(URL, body, format="json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert set(changes) <= {error["field"] for error in response.json()["errors"]}
    assert Term.objects.count() == before


def test_someone_with_no_institute_may_not_propose(api, terms):
    api.force_authenticate(UserFactory())
    assert api.post(URL, PROPOSAL, format="json").status_code == 403
    api.force_authenticate(None)
    assert api.post(URL, PROPOSAL, format="json").status_code in (401, 403)


def test_a_revision_needs_the_current_copy(api, terms):
    proposal = terms["proposal"]
    api.force_authenticate(proposal.proposed_by)
    detail = f"{URL}{proposal.uuid}/"
    etag = api.get(detail)["ETag"]
    assert api.patch(detail, {"note": "No copy named."}, format="json").status_code == 428
    response = api.patch(detail, {"note": "Mine."}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content
    assert (response.json()["note"], response.json()["version"]) == ("Mine.", 2)
    stale = api.patch(detail, {"note": "Stale."}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert api.patch(detail, {"note": "Old.", "version": 1}, format="json").status_code == 412
    assert api.get(detail).json()["note"] == "Mine."


def test_only_the_proposer_revises_a_proposal(api, terms):
    """A coordinator sees the proposal but does not revise it; anyone else does not see it."""
    detail = f"{URL}{terms['proposal'].uuid}/"
    api.force_authenticate(UserFactory())
    assert api.patch(detail, {"note": "x", "version": 1}, format="json").status_code == 404
    coordinator = UserFactory()
    TechnicalWorkingAreaFactory(coordinators=[coordinator])
    api.force_authenticate(coordinator)
    assert api.patch(detail, {"note": "x", "version": 1}, format="json").status_code == 403
    assert Term.objects.get(pk=terms["proposal"].pk).note == ""


def test_a_decision_through_the_api_follows_the_table(api, terms):
    proposal = terms["proposal"]
    action = f"{URL}{proposal.uuid}/transition/"
    api.force_authenticate(proposal.proposed_by)
    assert api.post(action, {"action": "agree"}, format="json").status_code == 403
    api.force_authenticate(StaffFactory())
    response = api.post(action, {"action": "reject"}, format="json")
    assert response.status_code == 400
    response = api.post(action, {"action": "agree"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "agreed"
    old = f"{URL}{terms['agreed'].uuid}/transition/"
    response = api.post(
        old, {"action": "supersede", "successor": str(proposal.uuid)}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["superseded_by"]["uuid"] == str(proposal.uuid)


@pytest.mark.parametrize("signed_in", [False, True])
def test_list_queries_do_not_grow_with_the_page_size(
    api, terms, signed_in, django_assert_num_queries
):
    if signed_in:
        api.force_authenticate(terms["proposal"].proposed_by)
    for n in range(6):
        TermFactory(term=f"Grown {n}", synonyms=["s"], state=TermStatus.AGREED)
    TermFactory(state=TermStatus.SUPERSEDED)
    with CaptureQueriesContext(connection) as small:
        assert api.get(URL, {"page_size": 2}).status_code == 200
    with django_assert_num_queries(len(small.captured_queries)):
        response = api.get(URL, {"page_size": 9})
    assert len(response.json()["results"]) == 9


def test_a_comment_longer_than_the_schema_allows_is_refused_though_it_is_blank(api, terms):
    """U+001C is whitespace to Python: DRF trimmed 4,001 of them to nothing and accepted them."""
    proposal = terms["proposal"]
    api.force_authenticate(StaffFactory())
    action = f"{URL}{proposal.uuid}/transition/"
    response = api.post(action, {"action": "agree", "comment": "\x1c" * 4001}, format="json")
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["comment"]
    assert Term.objects.get(pk=proposal.pk).status == TermStatus.PROPOSED
