"""A personal token can be made read-only: the API refuses every unsafe method it sends."""

from datetime import timedelta

import pytest
from django.urls import reverse

from nmiq_portal.accounts import services as account_services
from nmiq_portal.accounts.models import ApiToken
from nmiq_portal.api.permissions import ApiPermission
from nmiq_portal.api.routers import router
from nmiq_portal.changes.views import ChangesView, SnapshotView
from tests.factories import MembershipFactory, TestbedFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_with_testbed():
    membership = MembershipFactory()
    testbed = TestbedFactory(institute=membership.institute)
    return membership.user, testbed


def _client(api, user, *, read_only):
    _, secret = account_services.api_token_create(
        actor=user, name="sync", expiry=timedelta(days=1), read_only=read_only
    )
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return api


@pytest.mark.parametrize("method", ["post", "patch"])
def test_a_read_only_token_is_refused_every_unsafe_method_as_a_problem(
    api, editor_with_testbed, method
):
    user, testbed = editor_with_testbed
    client = _client(api, user, read_only=True)
    url = f"/api/v1/testbeds/{testbed.uuid}/" if method != "post" else "/api/v1/testbeds/"
    response = getattr(client, method)(url, {"name": "Renamed"}, format="json")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert "read-only" in response.json()["detail"]
    testbed.refresh_from_db()
    assert testbed.name != "Renamed"


def test_a_read_only_token_still_reads(api, editor_with_testbed):
    user, testbed = editor_with_testbed
    response = _client(api, user, read_only=True).get(f"/api/v1/testbeds/{testbed.uuid}/")
    assert response.status_code == 200


def test_the_same_editor_with_a_writing_token_passes_the_permission_layer(api, editor_with_testbed):
    user, testbed = editor_with_testbed
    client = _client(api, user, read_only=False)
    response = client.patch(f"/api/v1/testbeds/{testbed.uuid}/", {"name": "X"}, format="json")
    assert response.status_code == 428, "on to the view, which asks for If-Match"


def test_every_api_view_runs_the_one_permission_class():
    views = [viewset for _, viewset, _ in router.registry] + [ChangesView, SnapshotView]
    assert views
    for view in views:
        assert any(issubclass(cls, ApiPermission) for cls in view.permission_classes), view


def test_the_tokens_page_makes_a_read_only_token(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    response = client.post(
        reverse("accounts:token_create"), {"name": "Reader", "expires_in": "30", "read_only": "on"}
    )
    assert response.status_code == 200
    assert ApiToken.objects.get(user=membership.user).read_only is True
    assert "read-only" in response.content.decode()
