"""What someone was told as a member leaves their inbox when the membership goes: a person who
leaves an institute, or whose institute loses its verification, keeps no notice of a record
they may no longer see (a members-only need, an access request to that institute), neither in
the inbox, nor in the digest they wait for, nor in an e-mail still in the outbox."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from capabilities import services as capabilities
from capabilities.enums import MemberRole
from capabilities.models import Membership, TechnologyArea
from collaborations import services as collaborations
from collaborations.enums import NeedVisibility
from nmiq_portal.notifications.enums import Delivery
from nmiq_portal.notifications.models import Notification, OutgoingEmail
from nmiq_portal.notifications.services import digest_send_all, withdraw_unseen
from tests.collaborations.factories import member, need_posted
from tests.factories import (
    ContactFactory,
    InstituteFactory,
    StaffFactory,
    TestbedFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def titles(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("data__need", flat=True))


def subscriber(institute, delivery=Delivery.DAILY):
    """Someone of ``institute`` (which lists a detectors testbed) subscribed to that area."""
    detectors = TechnologyArea.objects.get(slug="single-photon-detectors")
    TestbedFactory(institute=institute).technology_areas.set([detectors])
    person = member(institute, user=UserFactory(notification_delivery=delivery))
    collaborations.need_subscribe(actor=person, technology_area=detectors)
    return person


def told_of_both(person):
    """Post a public need and a members-only one; ``person`` is told of both."""
    need_posted(title="Open to all")
    need_posted(title="For members", visibility=NeedVisibility.MEMBERS)
    assert titles(person) == ["For members", "Open to all"]


def leave(person):
    membership = Membership.objects.get(user=person)
    capabilities.membership_end(actor=person, membership=membership)


def test_who_leaves_their_institute_loses_its_members_only_notices_and_their_digest():
    person = subscriber(InstituteFactory())
    told_of_both(person)
    leave(person)
    assert "For members" not in titles(person)
    assert "Open to all" in titles(person)
    digest_send_all()
    (digest,) = OutgoingEmail.objects.filter(to=person.email)
    assert "Open to all" in digest.body
    assert "For members" not in digest.body


def test_an_unsent_email_of_a_members_only_need_is_taken_back_when_they_leave():
    person = subscriber(InstituteFactory(), Delivery.IMMEDIATE)
    told_of_both(person)
    assert OutgoingEmail.objects.filter(to=person.email).count() == 2
    leave(person)
    (kept,) = OutgoingEmail.objects.filter(to=person.email)
    assert "Open to all" in kept.subject + kept.body


def test_a_member_who_stays_in_another_verified_institute_keeps_them():
    person = subscriber(InstituteFactory())
    second = InstituteFactory()
    Membership.objects.create(user=person, institute=second, role=MemberRole.EDITOR)
    told_of_both(person)
    first = Membership.objects.exclude(institute=second).get(user=person)
    capabilities.membership_end(actor=person, membership=first)
    assert titles(person) == ["For members", "Open to all"]


def test_an_institute_losing_its_verification_takes_members_only_notices_from_its_people():
    institute = InstituteFactory()
    person = subscriber(institute)
    colleague = subscriber(InstituteFactory())
    told_of_both(person)
    capabilities.institute_set_verified(actor=StaffFactory(), institute=institute, verified=False)
    assert titles(person) == ["Open to all"]
    assert titles(colleague) == ["For members", "Open to all"], "another institute's people"


def test_who_leaves_loses_the_access_requests_to_the_institute_and_who_stays_keeps_them():
    institute = InstituteFactory()
    answerer = member(institute)
    ContactFactory(institute=institute, name="Ada Lab", email=answerer.email)
    stays = member(institute)
    ContactFactory(institute=institute, name="Alan Lab", email=stays.email)
    testbed = TestbedFactory(institute=institute)
    requester = UserFactory()
    capabilities.access_request_create(
        actor=requester, target=testbed, organisation="Qubit Devices Ltd", purpose="T1 at 10 mK."
    )
    assert Notification.objects.filter(recipient=answerer).exists()
    assert Notification.objects.filter(recipient=stays).exists()
    leave(answerer)
    assert not Notification.objects.filter(recipient=answerer).exclude(
        verb="capabilities.membership_ended"
    )
    assert Notification.objects.filter(recipient=stays).exists()


@pytest.mark.parametrize("needs", [1, 4])
def test_withdrawing_reads_once_per_kind_of_record_not_per_notice(needs):
    person = subscriber(InstituteFactory())
    for n in range(needs):
        need_posted(title=f"For members {n}", visibility=NeedVisibility.MEMBERS)
    Membership.objects.filter(user=person).delete()
    with CaptureQueriesContext(connection) as queries:
        assert withdraw_unseen(user=person) == needs
    # The notices, the needs they name, the outbox, the deletion (and its cascade).
    assert len(queries) <= 6
