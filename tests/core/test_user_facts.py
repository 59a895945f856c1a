"""The frame's facts of the signed-in person: read together, once a request, and forgotten by
the write that changes them for the person making it."""

import pytest
import rules

from nmiq_portal.core import user_facts
from nmiq_portal.notifications import services
from nmiq_portal.notifications.models import Notification
from tests.collaborations.factories import TechnicalWorkingAreaFactory
from tests.factories import UserFactory
from tests.notifications.test_views import SEEN

pytestmark = pytest.mark.django_db


def test_every_fact_of_a_person_is_read_in_one_query(django_assert_num_queries):
    coordinator, other = UserFactory(), UserFactory()
    TechnicalWorkingAreaFactory(coordinators=[coordinator])
    Notification.objects.create(recipient=coordinator, verb=SEEN.key, data={"what": "A"})
    with django_assert_num_queries(1):
        assert user_facts.get(coordinator, "unread_notifications") == 1
        assert rules.test_rule("collaborations.reviews", coordinator)
    with django_assert_num_queries(1):
        assert not rules.test_rule("collaborations.reviews", other)
        assert user_facts.get(other, "unread_notifications") == 0


def test_marking_read_forgets_the_kept_count():
    reader = UserFactory()
    Notification.objects.create(recipient=reader, verb=SEEN.key, data={"what": "A"})
    assert user_facts.get(reader, "unread_notifications") == 1
    services.notification_mark_all_read(actor=reader)
    assert user_facts.get(reader, "unread_notifications") == 0


def test_the_menu_offers_the_review_queue_to_coordinators_only(client):
    coordinator = UserFactory()
    TechnicalWorkingAreaFactory(coordinators=[coordinator])
    for user, offered in ((UserFactory(), False), (coordinator, True)):
        client.force_login(user)
        assert ("Review queue" in client.get("/notifications/").content.decode()) is offered
