"""Who hears of each move of a guide version: a submission goes to the working area's
coordinators whose institutes did not write the guide; a publication, a sending back and a
withdrawal go to the version's authors; never to the person who moved it."""

import pytest
from django.core import mail

from nmiq_portal import workflow
from nmiq_portal.notifications.models import Notification
from outputs.enums import GuideVersionStatus as S
from tests.factories import UserFactory
from tests.outputs.guides_world import guide_media, guide_world  # noqa: F401

pytestmark = pytest.mark.django_db


def _notified(world, verb) -> set[str]:
    recipients = set(
        Notification.objects.filter(verb=f"outputs.{verb}").values_list("recipient", flat=True)
    )
    return {role for role, person in world.people.items() if person and person.pk in recipients}


@pytest.mark.parametrize(
    ("state", "action", "actor", "verb", "expected"),
    [
        (S.DRAFT, "submit", "author", "guide_version_submitted", {"coordinator"}),
        (S.IN_REVIEW, "publish", "coordinator", "guide_version_published", {"author"}),
        (S.IN_REVIEW, "send_back", "coordinator", "guide_version_sent_back", {"author"}),
        (S.PUBLISHED, "withdraw", "coordinator", "guide_version_withdrawn", {"author"}),
        (S.PUBLISHED, "withdraw", "author", "guide_version_withdrawn", set()),
    ],
)
def test_a_guide_version_move_notifies_exactly_who_it_concerns(
    state, action, actor, verb, expected
):
    world = guide_world(state)
    Notification.objects.all().delete()
    workflow.transition(world.version, action, actor=world[actor], comment="Reasons.")
    assert _notified(world, verb) == expected
    assert not Notification.objects.exclude(verb=f"outputs.{verb}").exists()


def test_co_authors_hear_of_the_publication_and_get_the_mail_after_commit(
    django_capture_on_commit_callbacks,
):
    world = guide_world(S.IN_REVIEW)
    co_author = UserFactory()
    world.version.authors.add(co_author)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(world.version, "publish", actor=world["coordinator"])
    notification = Notification.objects.get(
        recipient=co_author, verb="outputs.guide_version_published"
    )
    assert notification.url == world.version.get_absolute_url()
    assert any(m.to == [co_author.email] for m in mail.outbox)


def test_with_every_coordinator_conflicted_a_submission_goes_to_staff():
    world = guide_world(S.DRAFT)
    world.guide.twa.coordinators.remove(world["coordinator"])
    Notification.objects.all().delete()
    workflow.transition(world.version, "submit", actor=world["author"])
    assert _notified(world, "guide_version_submitted") == {"staff"}
