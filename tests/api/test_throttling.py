"""Rate limits per anonymous IP, per personal token and per session user, with Retry-After."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient

from nmiq_portal.accounts import services as account_services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/technology-areas/"


@pytest.fixture(autouse=True)
def rates():
    """Two requests a minute of each kind, counted in a cache of this test's own (the suite's
    Redis is cleared by every other test that runs meanwhile)."""
    rest_framework = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "token": "2/min", "user": "2/min"},
    }
    caches = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with override_settings(REST_FRAMEWORK=rest_framework, CACHES=caches):
        cache.clear()
        yield


def _token(user, name):
    _, secret = account_services.api_token_create(actor=user, name=name, expiry=timedelta(days=1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def _spend(client, **extra):
    """Use up a bucket: the rate's two requests pass, the third is throttled."""
    assert [client.get(URL, **extra).status_code for _ in range(2)] == [200, 200]
    return client.get(URL, **extra)


def test_throttled_answer_is_a_problem_with_retry_after():
    response = _spend(APIClient())
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60


def test_each_anonymous_ip_address_has_its_own_bucket():
    client = APIClient()
    assert _spend(client, REMOTE_ADDR="192.0.2.1").status_code == 429
    assert client.get(URL, REMOTE_ADDR="192.0.2.2").status_code == 200


def test_a_forged_forwarded_for_header_does_not_open_a_new_bucket():
    client = APIClient()
    assert _spend(client, REMOTE_ADDR="192.0.2.1").status_code == 429
    forged = client.get(URL, REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert forged.status_code == 429


def test_each_token_has_its_own_bucket_even_for_one_user():
    user = UserFactory()
    sync_job, website = _token(user, "sync job"), _token(user, "website")
    assert _spend(sync_job).status_code == 429
    assert website.get(URL).status_code == 200, "another token of the same user"
    assert APIClient().get(URL).status_code == 200, "anonymous clients count apart"


def test_a_session_is_throttled_per_user():
    user = UserFactory()
    first, second = APIClient(), APIClient()
    first.force_login(user)
    second.force_login(user)
    assert first.get(URL).status_code == 200
    assert second.get(URL).status_code == 200
    assert first.get(URL).status_code == 429, "both sessions of one user share a bucket"
    other = APIClient()
    other.force_login(UserFactory())
    assert other.get(URL).status_code == 200
    assert _token(user, "own bucket").get(URL).status_code == 200


def test_rates_come_from_the_settings():
    rest_framework = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "token": "2/min", "user": "2/min"},
    }
    with override_settings(REST_FRAMEWORK=rest_framework):
        client = APIClient()
        assert [client.get(URL).status_code for _ in range(4)] == [200, 200, 200, 429]


def test_schema_documents_429_with_retry_after():
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    for path, operations in schema.json()["paths"].items():
        for method, operation in operations.items():
            throttled = operation["responses"]["429"]
            assert "Retry-After" in throttled["headers"], (method, path)
