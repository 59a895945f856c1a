"""Every URL pattern, walked as an anonymous visitor and as a plain user: never a server error."""

import re
import uuid
from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from capabilities.models import Invitation
from nmiq_portal.accounts.services import api_token_create
from nmiq_portal.notifications.models import Notification
from tests.factories import MembershipFactory, StaffFactory, UserFactory
from tests.support import shared_data

pytestmark = pytest.mark.django_db

SIGN_IN = ("/accounts/login/", "/admin/login/")


def walk(patterns, prefix=""):
    """(route with placeholders, pattern) for every URL pattern, through every include."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern


ROUTES = sorted({route for route, _ in walk(get_resolver().url_patterns)})


@pytest.fixture(scope="module")
def objects(django_db_setup, django_db_blocker):
    """One of each object the routes name, made once for the module's 900 requests."""
    with shared_data(django_db_blocker):
        yield _objects()


def _objects():
    membership = MembershipFactory(role="admin")
    owner = membership.user
    institute = membership.institute
    invitation = Invitation.objects.create(
        institute=institute,
        email="invitee@example.org",
        role="editor",
        invited_by=owner,
        expires_at=timezone.now() + timedelta(days=3),
    )
    notification = Notification.objects.create(recipient=owner, verb="tests.walk")
    token, _ = api_token_create(actor=owner, name="walk", expiry=timedelta(days=1))
    return {
        "slug": institute.slug,
        "uuid": str(invitation.uuid),
        "institute_uuid": str(institute.uuid),
        "token_uuid": str(token.uuid),
        "pk": str(notification.pk),
        "membership_pk": str(membership.pk),
        "object_id": str(institute.pk),
        "app_label": "capabilities",
    }


def concrete(route: str, objects: dict) -> str:
    """Turn a route into a URL, putting real objects where the route has parameters."""
    if "token" in route:
        objects = {**objects, "uuid": objects["token_uuid"]}
    if "/members/" in route:
        objects = {**objects, "pk": objects["membership_pk"]}
    if route.startswith("api/v1/") and "institutes" in route:
        objects = {**objects, "uuid": objects["institute_uuid"]}

    def regex_group(match):
        name = match["name"]
        return objects.get(name, {"format": "json"}.get(name, "x"))

    url = re.sub(r"\(\?P<(?P<name>\w+)>(?:[^()]|\([^()]*\))*\)", regex_group, route)

    def path_parameter(match):
        kind, name = match["converter"] or "str", match["name"]
        if name in objects:
            return objects[name]
        defaults = {
            "int": "1",
            "uuid": str(uuid.uuid4()),
            "path": "x/y",
            "drf_format_suffix": ".json",
        }
        return defaults.get(kind, "x")

    url = re.sub(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>", path_parameter, url)
    url = url.replace("^", "").replace("$", "").replace("\\.", ".").replace("/?", "/")
    return "/" + url.lstrip("/")


@pytest.mark.parametrize("route", ROUTES)
def test_anonymous_gets_a_public_page_or_a_sign_in_redirect(client, objects, route):
    url = concrete(route, objects)
    response = client.get(url, follow=True)
    assert response.status_code < 500, url
    final = response.request["PATH_INFO"]
    if response.status_code in (401, 403):
        assert url.startswith("/api/"), f"{url}: pages send anonymous visitors to sign in"
    if response.redirect_chain and not url.startswith(("/accounts/", "/favicon.ico")):
        assert final.startswith(SIGN_IN) or final == f"{url}/", f"{url} ends at {final}"


@pytest.mark.parametrize("route", ROUTES)
def test_a_plain_signed_in_user_never_meets_a_server_error(client, objects, route):
    client.force_login(UserFactory())
    url = concrete(route, objects)
    assert client.get(url).status_code < 500, url
    assert client.post(url).status_code < 500, url


@pytest.mark.parametrize("route", ROUTES)
def test_staff_never_meet_a_server_error_even_in_the_admin(client, objects, route):
    client.force_login(StaffFactory(is_superuser=True))
    url = concrete(route, objects)
    assert client.get(url).status_code < 500, url


def test_the_walk_covers_the_portals_own_pages():
    names = " ".join(ROUTES)
    for expected in ["institutes/", "notifications/", "profile/", "api/v1/", "healthz"]:
        assert expected in names
    assert len(ROUTES) > 50
