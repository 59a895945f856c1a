"""The demo glossary: the VIM terms quoted exactly, agreed through the services and the
engine, and safe to seed again."""

import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from nmiq_portal.workflow import events_for
from outputs.demo import VIM, VIM_TERMS
from outputs.enums import TermStatus
from outputs.models import Term
from tests.support import shared_data

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _seeded(django_db_setup, django_db_blocker):
    with shared_data(django_db_blocker):
        with override_settings(DEBUG=True):
            call_command("seed_demo", stdout=io.StringIO())
        yield


@pytest.fixture
def seeded(_seeded, settings):
    settings.DEBUG = True


def test_the_vim_terms_are_agreed_with_their_clauses(seeded):
    terms = {term.clause: term for term in Term.objects.filter(source=VIM)}
    assert set(terms) == {clause for clause, *_rest in VIM_TERMS}
    for clause, name, synonyms, definition in VIM_TERMS:
        term = terms[clause]
        assert (term.term, term.synonyms, term.definition) == (name, synonyms, definition)
        assert term.status == TermStatus.AGREED
        assert [event.action for event in events_for(term)] == ["create", "agree"]
    assert terms["2.26"].definition == (
        "non-negative parameter characterizing the dispersion of the quantity values being "
        "attributed to a measurand, based on the information used"
    )


def test_seeding_again_changes_nothing(seeded):
    before = Term.objects.count()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert Term.objects.count() == before
    assert f"{len(VIM_TERMS)} VIM terms; 0 created" in out.getvalue()
