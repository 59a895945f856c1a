"""What the glossary's services derive from a term: its letter, accents folded, and a slug that
is stable and never one of the glossary's own addresses."""

import pytest

from outputs import services
from outputs.enums import TermStatus
from outputs.services.glossary import letter_of
from tests.factories import StaffFactory, TermFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("term", "letter"),
    [("Étalon", "E"), ("ångström", "A"), ("œrsted", "O"), ("2D material", "#"), (" k", "K")],
)
def test_a_term_is_listed_under_its_first_letter_accents_folded(term, letter):
    assert letter_of(term) == letter


@pytest.mark.parametrize("name", ["Feed", "propose", "Review"])
def test_a_term_never_takes_the_address_of_a_glossary_page(name):
    term = TermFactory(term=name, state=TermStatus.AGREED)
    assert term.slug == f"{name.lower()}-term"


def test_the_same_term_twice_gets_two_addresses_and_keeps_them_when_renamed():
    first, second = (TermFactory(term="coverage factor", state=TermStatus.AGREED) for _ in "12")
    assert (first.slug, second.slug) == ("coverage-factor", "coverage-factor-2")
    renamed = services.term_update(
        actor=StaffFactory(), entry=second, version=second.version, term="k factor"
    )
    assert (renamed.slug, renamed.letter) == ("coverage-factor-2", "K")
    proposal = TermFactory(term="coverage factor")
    revised = services.term_update(
        actor=proposal.proposed_by, entry=proposal, version=proposal.version, term="k factor"
    )
    assert revised.slug == proposal.slug


def test_synonyms_are_trimmed_and_listed_once():
    term = TermFactory(synonyms=["  uncertainty ", "Uncertainty", "uncertainty of  measurement"])
    assert term.synonyms == ["uncertainty", "uncertainty of measurement"]
