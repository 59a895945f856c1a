"""Who proposes and who edits a term, through the services: every lower role is refused and
nothing changes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from nmiq_portal.core.exceptions import StaleEdit
from outputs import selectors, services
from outputs.enums import TermStatus
from outputs.models import Term
from tests.outputs.test_glossary_workflow import ROLES, cast

pytestmark = pytest.mark.django_db

FIELDS = {"term": "coverage interval", "definition": "interval", "source": "VIM", "clause": "2.36"}


@pytest.mark.parametrize("role", ROLES)
def test_only_members_of_the_institute_and_staff_propose_for_it(role):
    world = cast(TermStatus.AGREED)
    actor, ptb = world["people"][role], world["term"].proposed_by_institute
    allowed = role in {
        "proposer",
        "colleague",
        "conflicted_coordinator",
        "staff",
        "conflicted_staff",
    }
    before = Term.objects.count()
    if allowed:
        term = services.term_propose(actor=actor, institute=ptb, **FIELDS)
        assert (term.status, term.proposed_by, term.proposed_by_institute) == (
            TermStatus.PROPOSED,
            actor,
            ptb,
        )
    else:
        with pytest.raises(PermissionDenied):
            services.term_propose(actor=actor, institute=ptb, **FIELDS)
        assert Term.objects.count() == before


def test_staff_propose_for_no_institute_and_members_may_not():
    world = cast(TermStatus.AGREED)
    term = services.term_propose(actor=world["people"]["staff"], **FIELDS)
    assert term.proposed_by_institute is None
    with pytest.raises(ValidationError):
        services.term_propose(actor=world["people"]["proposer"], **FIELDS)


EDITORS = {
    TermStatus.PROPOSED: {"proposer", "staff", "conflicted_staff"},
    TermStatus.AGREED: {"staff", "conflicted_staff"},
}


@pytest.mark.parametrize("state", sorted(EDITORS))
@pytest.mark.parametrize("role", ROLES)
def test_the_proposer_edits_a_proposal_and_staff_any_term(state, role):
    world = cast(state)
    term, actor = world["term"], world["people"][role]
    if role in EDITORS[state]:
        edited = services.term_update(actor=actor, entry=term, version=term.version, note="Why.")
        assert (edited.note, edited.version) == ("Why.", term.version + 1)
    else:
        with pytest.raises(PermissionDenied):
            services.term_update(actor=actor, entry=term, version=term.version, note="Why.")
        assert Term.objects.get(pk=term.pk).version == term.version


def test_an_edit_on_a_stale_copy_is_refused_with_what_changed():
    world = cast(TermStatus.PROPOSED)
    term, proposer = world["term"], world["people"]["proposer"]
    services.term_update(actor=proposer, entry=term, version=term.version, clause="2.37")
    with pytest.raises(StaleEdit) as stale:
        services.term_update(actor=proposer, entry=term, version=term.version, clause="2.38")
    assert [label for label, _then, _now in stale.value.changes] == ["clause"]
    assert Term.objects.get(pk=term.pk).clause == "2.37"


@pytest.mark.parametrize("role", ROLES)
def test_the_review_list_offers_a_proposal_only_to_who_may_decide_on_it(role):
    world = cast(TermStatus.PROPOSED)
    listed = world["term"] in selectors.review_list(user=world["people"][role])
    assert listed == (role in {"coordinator", "staff"})


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_a_proposal_is_who_the_permission_lets_see_it(role):
    """The queryset and the rule agree: the pages and the API read one, the buttons the other."""
    world = cast(TermStatus.PROPOSED)
    user, term = world["people"][role], world["term"]
    seen = Term.objects.visible_to(user).filter(pk=term.pk).exists()
    assert seen == user.has_perm("outputs.view_term", term)
    assert seen == (
        role in {"proposer", "coordinator", "conflicted_coordinator", "staff", "conflicted_staff"}
    )
