"""A refused action never answers with a success message (issue 14, 15): one test a pattern.

Patterns found in the views: a service that let a no-op through without its permission check
(reinstating a record that is not retired), and a service whose falsy result means nothing
happened (ending a subscription one did not have)."""

import pytest
from django.urls import reverse

from capabilities.models import TechnologyArea
from tests.factories import MembershipFactory, TestbedFactory

pytestmark = pytest.mark.django_db


def _levels(response):
    return {message.level_tag for message in response.context["messages"]}


def test_an_outsider_reinstating_a_record_is_refused_without_a_success_message(client):
    testbed = TestbedFactory()
    client.force_login(MembershipFactory().user)  # an editor, of another institute
    response = client.post(reverse("capabilities:testbed_state", args=[testbed.slug, "reinstate"]))
    assert response.status_code == 403
    assert "back in service" not in response.content.decode()


def test_reinstating_a_record_that_is_not_retired_says_so_as_an_error(client):
    testbed = TestbedFactory()
    client.force_login(MembershipFactory(institute=testbed.institute).user)
    url = reverse("capabilities:testbed_state", args=[testbed.slug, "reinstate"])
    response = client.post(url, follow=True)
    assert _levels(response) == {"error"}
    assert "is not retired" in response.content.decode()


def test_ending_a_subscription_one_did_not_have_is_not_a_success(client):
    area = TechnologyArea.objects.order_by("path").first()
    testbed = TestbedFactory(technology_areas=[area])
    client.force_login(MembershipFactory(institute=testbed.institute).user)
    url = reverse("collaborations:need_subscriptions")
    response = client.post(url, {"area": area.slug, "unsubscribe": "1"}, follow=True)
    assert _levels(response) == {"info"}
    response = client.post(url, {"area": area.slug}, follow=True)
    assert _levels(response) == {"success"}
    response = client.post(url, {"area": area.slug, "unsubscribe": "1"}, follow=True)
    assert _levels(response) == {"success"}
