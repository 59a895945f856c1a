"""A proposal notifies those who may decide on it (never the conflicted, never the proposer);
a decision notifies the proposer; e-mails leave after commit."""

import pytest
from django.core import mail

from nmiq_portal.notifications.enums import Delivery
from nmiq_portal.notifications.models import Notification
from outputs import services
from outputs.enums import TermStatus
from tests.outputs.test_glossary_workflow import cast

pytestmark = pytest.mark.django_db

FIELDS = {"term": "coverage interval", "definition": "interval", "source": "VIM", "clause": "2.36"}


def _notified(verb, term=FIELDS["term"]):
    """Who was told ``verb`` about ``term`` (the cast's other terms notified others)."""
    told = Notification.objects.filter(verb=verb, data__term=term)
    return set(told.values_list("recipient_id", flat=True))


def _ids(world, *roles):
    return {world["people"][role].pk for role in roles}


def test_a_proposal_reaches_the_unconflicted_coordinators_of_its_area(
    django_capture_on_commit_callbacks,
):
    world = cast(TermStatus.AGREED)
    proposer, area = world["people"]["proposer"], world["term"].twa
    with django_capture_on_commit_callbacks(execute=True):
        services.term_propose(
            actor=proposer, institute=world["term"].proposed_by_institute, twa=area, **FIELDS
        )
    assert _notified("outputs.term_proposed") == _ids(world, "coordinator")
    assert any("coverage interval" in message.subject for message in mail.outbox)


def test_a_proposal_of_no_area_reaches_every_unconflicted_coordinator():
    world = cast(TermStatus.AGREED)
    services.term_propose(
        actor=world["people"]["proposer"], institute=world["term"].proposed_by_institute, **FIELDS
    )
    assert _notified("outputs.term_proposed") == _ids(world, "coordinator", "other_twa_coordinator")


@pytest.mark.parametrize(
    ("action", "verb"), [("agree", "outputs.term_agreed"), ("reject", "outputs.term_rejected")]
)
def test_a_decision_reaches_the_proposer(action, verb):
    world = cast(TermStatus.PROPOSED)
    services.term_transition(
        actor=world["people"]["coordinator"], term=world["term"], action=action, comment="Why."
    )
    assert _notified(verb, world["term"].term) == _ids(world, "proposer")


def test_a_withdrawal_notifies_nobody():
    world = cast(TermStatus.PROPOSED)
    before = Notification.objects.count()
    services.term_transition(
        actor=world["people"]["proposer"], term=world["term"], action="withdraw"
    )
    assert Notification.objects.count() == before


@pytest.mark.parametrize(("action", "role"), [("agree", "coordinator"), ("withdraw", "proposer")])
def test_the_end_of_a_proposal_settles_it_in_every_deciders_inbox(action, role):
    """Each coordinator was asked to decide; once one did (or the proposer withdrew), nobody's
    inbox still asks and nothing about it waits for a digest; other proposals still ask."""
    world = cast(TermStatus.AGREED, twa=False)
    people = world["people"]
    people["other_twa_coordinator"].notification_delivery = Delivery.DAILY
    people["other_twa_coordinator"].save()
    institute = world["term"].proposed_by_institute
    ended, pending = (
        services.term_propose(
            actor=people["proposer"], institute=institute, **{**FIELDS, "term": name}
        )
        for name in ("coverage interval", "coverage probability")
    )

    def asked(term):
        return Notification.objects.filter(verb="outputs.term_proposed", data__term=term.term)

    assert asked(ended).filter(email="digest").exists()
    services.term_transition(actor=people[role], term=ended, action=action, comment="Ok.")
    assert asked(ended).count() == 2
    assert not asked(ended).filter(read_at__isnull=True).exists()
    assert not asked(ended).filter(email="digest").exists()
    assert asked(pending).filter(read_at__isnull=True).count() == 2
    assert asked(pending).filter(email="digest").exists()
