"""With Redis stopped (cache and broker), the site keeps answering: rate limits fall back to
each process's memory, tasks wait in the outbox, /healthz says the broker is down."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from capabilities.enums import MemberRole
from nmiq_portal.accounts import services as account_services
from nmiq_portal.notifications.enums import EmailState
from nmiq_portal.notifications.models import OutgoingEmail
from tests.factories import PASSWORD, MembershipFactory, TestbedFactory, UserFactory

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db,
    pytest.mark.skipif(not settings.REDIS_URL, reason="the cache is Redis only with REDIS_URL"),
]


@pytest.fixture
def redis_down(broker):
    """The cache as configured, on this test's own Redis, which is then stopped."""
    caches = {"default": {**settings.CACHES["default"], "LOCATION": broker.url}}
    with override_settings(CACHES=caches):
        cache.set("before", "the outage")
        assert cache.get("before") == "the outage"
        broker.stop()
        yield broker


def test_api_reads_writes_and_the_feed_keep_working(redis_down, institute):
    editor = MembershipFactory(institute=institute, role=MemberRole.EDITOR).user
    testbed = TestbedFactory(institute=institute)
    _token, secret = account_services.api_token_create(
        actor=editor, name="sync", expiry=timedelta(days=1)
    )
    anonymous, writer = APIClient(), APIClient()
    writer.credentials(HTTP_AUTHORIZATION=f"Token {secret}")

    assert anonymous.get("/api/v1/testbeds/").status_code == 200
    assert anonymous.get("/api/v1/changes/").status_code == 200
    assert anonymous.get("/api/v1/snapshot/").status_code == 200
    response = writer.patch(
        f"/api/v1/testbeds/{testbed.uuid}/",
        {"summary": "Written while Redis is down.", "version": testbed.version},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["summary"] == "Written while Redis is down."


@override_settings(
    REST_FRAMEWORK={
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "token": "2/min", "user": "2/min"},
    }
)
def test_rate_limits_still_hold_in_the_local_fallback(redis_down):
    client = APIClient()
    codes = [client.get("/api/v1/technology-areas/").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_sign_in_works_and_its_mail_waits_in_the_outbox(redis_down, client):
    user = UserFactory()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == user

    client.logout()
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert OutgoingEmail.objects.get(to=user.email).state == EmailState.PENDING


def test_healthz_reports_the_broker_down(redis_down, client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["status"] == "error"
    assert response.json()["checks"]["database"] == {"status": "ok"}
