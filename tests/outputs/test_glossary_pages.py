"""The glossary's pages: the A to Z with accents folded, search by synonym and abbreviation, a
term's stable page with its JSON-LD, sanitised Markdown, proposals kept from whoever may not see
them, proposing and editing (a stale copy answers 409 with the conflict), the review list."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from capabilities.enums import MemberRole
from capabilities.models import Membership, TechnologyArea
from outputs import services
from outputs.enums import TermStatus
from outputs.models import Term
from tests.collaborations.factories import TechnicalWorkingAreaFactory
from tests.factories import InstituteFactory, StaffFactory, TermFactory, UserFactory
from tests.support import shared_data

pytestmark = pytest.mark.django_db

LIST = reverse("outputs:term_list")


def _member(institute, user=None):
    user = user or UserFactory()
    Membership.objects.create(user=user, institute=institute, role=MemberRole.EDITOR)
    return user


@pytest.fixture(scope="module")
def glossary(django_db_setup, django_db_blocker):
    """Agreed, superseded and unpublished terms of PTB, and the people around them."""
    with shared_data(django_db_blocker):
        ptb = InstituteFactory(acronym="PTB")
        coordinator = _member(InstituteFactory(acronym="NIST"))
        area = TechnicalWorkingAreaFactory(coordinators=[coordinator])
        proposer = _member(ptb)
        staff = StaffFactory()
        cryogenics = TechnologyArea.objects.get(slug="cryogenics")
        agreed = dict(institute=ptb, proposer=proposer, state=TermStatus.AGREED, decider=staff)
        world = {
            "uncertainty": TermFactory(
                term="measurement uncertainty",
                synonyms=["uncertainty of measurement"],
                definition="non-negative parameter characterizing the dispersion",
                clause="2.26",
                **agreed,
            ),
            "etalon": TermFactory(
                term="Étalon",
                definition="realization of the definition of a given quantity",
                clause="5.1",
                **agreed,
            ),
            "srl": TermFactory(
                term="standardisation readiness level",
                abbreviation="SRL",
                definition="a level of a scale",
                source="A report",
                technology_area=cryogenics,
                **agreed,
            ),
            "old": TermFactory(term="Old wording", state=TermStatus.SUPERSEDED, decider=staff),
            "rejected": TermFactory(term="Yonder", state=TermStatus.REJECTED, decider=staff),
            "proposal": TermFactory(
                term="Zygote qubit",
                synonyms=["hidden synonym"],
                abbreviation="ZQX",
                definition="a secret proposal",
                institute=ptb,
                proposer=proposer,
                twa=area,
            ),
            "proposer": proposer,
            "coordinator": coordinator,
            "staff": staff,
            "ptb": ptb,
        }
        yield world


def _terms_shown(response) -> list[str]:
    html = response.content.decode()
    return re.findall(r'<dt class="mt-3"><a href="/glossary/[^"]+/">([^<]+)</a>', html)


def test_the_glossary_lists_the_public_terms_a_to_z(client, glossary):
    response = client.get(LIST)
    assert response.status_code == 200
    assert _terms_shown(response) == [
        "Étalon",
        "measurement uncertainty",
        "Old wording",
        glossary["old"].superseded_by.term,  # "quantum term …", its successor
        "standardisation readiness level",
    ]


def test_a_to_z_links_only_letters_with_public_terms_accents_folded(client, glossary):
    html = client.get(LIST).content.decode()
    linked = set(re.findall(r'letter=([A-Z#%0-9]+)">', html))
    assert linked == {"E", "M", "O", "Q", "S"}
    # Y and Z hold only a rejected term and a proposal: not links.
    assert '<span class="page-link">Z<span class="visually-hidden">' in html
    response = client.get(LIST, {"letter": "E"})
    assert _terms_shown(response) == ["Étalon"]


def test_a_letter_the_page_does_not_offer_is_an_empty_list_not_an_error(client, glossary):
    response = client.get(LIST, {"letter": "é"})
    assert response.status_code == 200
    assert _terms_shown(response) == []


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("uncertainty of measurement", ["measurement uncertainty"]),
        ("SRL", ["standardisation readiness level"]),
        ("srl", ["standardisation readiness level"]),
        ("etalon", ["Étalon"]),
        ("dispersion", ["measurement uncertainty"]),
        ("uncert", ["measurement uncertainty"]),
        ("hidden synonym", []),
        ("ZQX", []),
        ("secret", []),
        ('"" -', []),
    ],
)
def test_search_by_term_synonym_abbreviation_and_definition(client, glossary, query, found):
    response = client.get(LIST, {"q": query})
    assert response.status_code == 200
    assert _terms_shown(response) == found


def test_filters_by_technology_area_and_source(client, glossary):
    assert _terms_shown(client.get(LIST, {"technology_area": "superconducting"})) == [
        "standardisation readiness level"
    ]
    assert _terms_shown(client.get(LIST, {"source": "report"})) == [
        "standardisation readiness level"
    ]
    assert client.get(LIST, {"technology_area": "no-such-area"}).status_code == 200


def test_the_proposer_finds_their_proposal_in_the_list_marked_not_public(client, glossary):
    client.force_login(glossary["proposer"])
    response = client.get(LIST, {"q": "hidden synonym"})
    assert _terms_shown(response) == ["Zygote qubit"]
    assert "not public" in response.content.decode()


@pytest.mark.parametrize("role", ["anonymous", "plain", "colleague", "other_coordinator"])
def test_a_proposal_is_not_found_by_who_may_not_see_it(client, glossary, role):
    if role == "plain":
        client.force_login(UserFactory())
    elif role == "colleague":
        client.force_login(_member(glossary["ptb"]))
    elif role == "other_coordinator":
        client.force_login(
            TechnicalWorkingAreaFactory(coordinators=[UserFactory()]).coordinators.get()
        )
    proposal = glossary["proposal"]
    assert client.get(proposal.get_absolute_url()).status_code == 404
    for params in ({}, {"q": "Zygote"}, {"letter": "Z"}, {"q": "ZQX"}):
        response = client.get(LIST, params)
        assert "Zygote qubit" not in _terms_shown(response), params
        assert proposal.get_absolute_url() not in response.content.decode(), params


def test_the_proposer_and_the_coordinator_open_the_proposal(client, glossary):
    proposal = glossary["proposal"]
    for person in (glossary["proposer"], glossary["coordinator"], glossary["staff"]):
        client.force_login(person)
        assert client.get(proposal.get_absolute_url()).status_code == 200


def test_a_term_page_shows_definition_source_clause_synonyms_and_history(client, glossary):
    term = glossary["uncertainty"]
    response = client.get(term.get_absolute_url())
    html = response.content.decode()
    assert term.get_absolute_url() == "/glossary/measurement-uncertainty/"
    for text in (
        "non-negative parameter characterizing the dispersion",
        "JCGM 200:2012 (VIM 3)",
        "clause 2.26",
        "uncertainty of measurement",
        "Agreed",
        "Propose",
    ):
        assert text in html, text
    # Who moved it is for the proposer, the coordinators and staff only.
    assert glossary["staff"].name not in html


def test_a_superseded_term_says_so_and_links_its_successor(client, glossary):
    old = glossary["old"]
    html = client.get(old.get_absolute_url()).content.decode()
    assert "This term is superseded by" in html
    assert f'href="{old.superseded_by.get_absolute_url()}"' in html


def test_the_json_ld_is_a_defined_term_in_the_glossary_set(client, glossary):
    html = client.get(glossary["uncertainty"].get_absolute_url()).content.decode()
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(block)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "DefinedTerm"
    assert data["name"] == "measurement uncertainty"
    assert data["alternateName"] == ["uncertainty of measurement"]
    assert data["inDefinedTermSet"]["@type"] == "DefinedTermSet"
    assert data["url"] == "http://testserver/glossary/measurement-uncertainty/"
    assert data["citation"] == "JCGM 200:2012 (VIM 3), 2.26"


def test_the_glossary_page_is_a_defined_term_set_of_the_terms_it_lists(client, glossary):
    html = client.get(LIST, {"letter": "E"}).content.decode()
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(block)
    assert data["@type"] == "DefinedTermSet"
    assert data["hasDefinedTerm"] == [
        {
            "@type": "DefinedTerm",
            "name": "Étalon",
            "url": f"http://testserver{glossary['etalon'].get_absolute_url()}",
        }
    ]


def test_the_glossary_page_links_its_atom_feed(client, glossary):
    html = client.get(LIST).content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" '
        'title="Agreed terms of the glossary" href="/glossary/feed/">'
    ) in html


def test_markdown_in_a_definition_is_sanitised(client, glossary):
    term = TermFactory(
        term="Scripted",
        definition="<script>alert('x')</script> [link](javascript:alert(1)) *kept*",
        state=TermStatus.AGREED,
    )
    html = client.get(term.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert 'href="javascript' not in html
    assert "<em>kept</em>" in html
    assert "<script>alert" not in client.get(LIST).content.decode()


# --- Proposing and editing ---------------------------------------------------------------------


def _form(**changes):
    data = {
        "term": "coverage factor",
        "definition": "number larger than one",
        "source": "JCGM 200:2012 (VIM 3)",
        "clause": "2.38",
        "synonyms": "k factor\nfactor k",
        "abbreviation": "k",
    }
    data.update(changes)
    return data


def test_a_member_proposes_a_term_for_their_institute(client, glossary):
    client.force_login(glossary["proposer"])
    response = client.post(reverse("outputs:term_propose"), _form(institute=glossary["ptb"].pk))
    term = Term.objects.get(term="coverage factor")
    assert response.status_code == 302
    assert response["Location"] == term.get_absolute_url()
    assert (term.status, term.proposed_by, term.letter) == (
        TermStatus.PROPOSED,
        glossary["proposer"],
        "C",
    )
    assert term.synonyms == ["k factor", "factor k"]


@pytest.mark.parametrize(
    "changes",
    [
        {"definition": ""},
        {"source": ""},
        {"term": "x" * 201},
        {"source_url": "javascript:alert(1)"},
        {"synonyms": "\n".join(f"s{n}" for n in range(21))},
        {"technology_area": "999999"},
    ],
)
def test_bad_input_is_a_field_error_and_nothing_is_stored(client, glossary, changes):
    client.force_login(glossary["proposer"])
    before = Term.objects.count()
    response = client.post(
        reverse("outputs:term_propose"), _form(institute=glossary["ptb"].pk, **changes)
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Term.objects.count() == before


def test_someone_with_no_institute_may_not_propose(client, glossary):
    client.force_login(UserFactory())
    assert client.get(reverse("outputs:term_propose")).status_code == 403
    assert client.post(reverse("outputs:term_propose"), _form()).status_code == 403
    assert not Term.objects.filter(term="coverage factor").exists()


def test_a_member_may_not_propose_for_another_institute(client, glossary):
    client.force_login(glossary["proposer"])
    other = InstituteFactory()
    response = client.post(reverse("outputs:term_propose"), _form(institute=other.pk))
    assert response.status_code == 200
    assert "institute" in response.context["form"].errors
    assert not Term.objects.filter(term="coverage factor").exists()


def test_a_stale_edit_answers_409_with_the_conflict_and_keeps_the_input(client, glossary):
    proposal = glossary["proposal"]
    services.term_update(
        actor=glossary["proposer"],
        entry=proposal,
        version=proposal.version,
        definition="changed meanwhile",
    )
    client.force_login(glossary["proposer"])
    response = client.post(
        reverse("outputs:term_edit", args=[proposal.slug]),
        _form(term="Zygote qubit", definition="my version", version=proposal.version),
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved this while you were editing" in html
    assert "changed meanwhile" in html
    assert "a secret proposal" in html
    assert "my version" in html
    stored = Term.objects.get(pk=proposal.pk)
    assert (stored.definition, stored.version) == ("changed meanwhile", proposal.version + 1)
    assert response.context["form"]["version"].value() == str(stored.version)


def test_an_edit_keeps_the_slug_so_the_address_is_stable(client, glossary):
    proposal = glossary["proposal"]
    client.force_login(glossary["proposer"])
    response = client.post(
        reverse("outputs:term_edit", args=[proposal.slug]),
        _form(term="Zygote qubits", version=proposal.version),
    )
    assert response.status_code == 302
    stored = Term.objects.get(pk=proposal.pk)
    assert (stored.term, stored.slug) == ("Zygote qubits", proposal.slug)


@pytest.mark.parametrize(("role", "status"), [("colleague", 404), ("coordinator", 403)])
def test_only_the_proposer_and_staff_edit_a_proposal(client, glossary, role, status):
    """A colleague does not even see it; the coordinator sees it but does not edit it."""
    person = _member(glossary["ptb"]) if role == "colleague" else glossary["coordinator"]
    client.force_login(person)
    url = reverse("outputs:term_edit", args=[glossary["proposal"].slug])
    assert client.get(url).status_code == status
    response = client.post(url, _form(version=glossary["proposal"].version))
    assert response.status_code == status
    assert Term.objects.get(pk=glossary["proposal"].pk).definition == "a secret proposal"


def test_the_proposer_no_longer_edits_an_agreed_term(client, glossary):
    client.force_login(glossary["proposer"])
    url = reverse("outputs:term_edit", args=[glossary["uncertainty"].slug])
    assert client.get(url).status_code == 403


def test_a_coordinator_agrees_a_proposal_with_the_button(client, glossary):
    proposal = glossary["proposal"]
    client.force_login(glossary["coordinator"])
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert 'value="agree"' in html
    assert 'value="reject"' in html
    response = client.post(
        reverse("outputs:term_transition", args=[proposal.slug]), {"action": "agree"}
    )
    assert response.status_code == 302
    assert Term.objects.get(pk=proposal.pk).status == TermStatus.AGREED


def test_a_refused_move_is_a_message_not_an_error(client, glossary):
    proposal = glossary["proposal"]
    client.force_login(glossary["coordinator"])
    response = client.post(
        reverse("outputs:term_transition", args=[proposal.slug]),
        {"action": "reject"},
        follow=True,
    )
    assert response.status_code == 200
    assert "a comment is required" in response.content.decode()
    assert Term.objects.get(pk=proposal.pk).status == TermStatus.PROPOSED


def test_a_proposer_sees_no_decision_button_on_their_own_proposal(client, glossary):
    client.force_login(glossary["proposer"])
    html = client.get(glossary["proposal"].get_absolute_url()).content.decode()
    assert 'value="agree"' not in html
    assert 'value="withdraw"' in html
    response = client.post(
        reverse("outputs:term_transition", args=[glossary["proposal"].slug]), {"action": "agree"}
    )
    assert response.status_code == 403


def test_a_coordinator_supersedes_an_agreed_term_from_its_page(client, glossary):
    client.force_login(glossary["coordinator"])
    old, successor = glossary["etalon"], glossary["uncertainty"]
    response = client.post(
        reverse("outputs:term_supersede", args=[old.slug]), {"successor": successor.slug}
    )
    assert response.status_code == 302
    stored = Term.objects.get(pk=old.pk)
    assert (stored.status, stored.superseded_by) == (TermStatus.SUPERSEDED, successor)


def test_the_review_list_shows_what_the_coordinator_may_decide(client, glossary):
    client.force_login(glossary["coordinator"])
    html = client.get(reverse("outputs:term_review")).content.decode()
    assert "Zygote qubit" in html
    client.force_login(glossary["proposer"])
    html = client.get(reverse("outputs:term_review")).content.decode()
    assert "Zygote qubit" not in html


# --- Query counts at two sizes -----------------------------------------------------------------


def _count(client, url, django_assert_num_queries, grow):
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow()
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("role", ["anonymous", "proposer", "coordinator"])
def test_glossary_queries_do_not_grow_with_terms(client, glossary, role, django_assert_num_queries):
    if role != "anonymous":
        client.force_login(glossary[role])
    area = TechnologyArea.objects.get(slug="qkd")

    def grow():
        for n in range(6):
            TermFactory(
                term=f"Grown {n}",
                synonyms=["a", "b"],
                technology_area=area,
                state=TermStatus.AGREED if n % 2 else TermStatus.PROPOSED,
                proposer=glossary["proposer"],
                institute=glossary["ptb"],
            )
        TermFactory(state=TermStatus.SUPERSEDED)

    _count(client, LIST, django_assert_num_queries, grow)


def test_review_list_queries_do_not_grow_with_proposals(
    client, glossary, django_assert_num_queries
):
    client.force_login(glossary["coordinator"])

    def grow():
        for _ in range(5):
            TermFactory(twa=glossary["proposal"].twa)

    _count(client, reverse("outputs:term_review"), django_assert_num_queries, grow)
