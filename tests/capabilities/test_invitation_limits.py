"""Invitations are rate-limited per institute: its membership invitations and its projects'
invitations of other institutes share one daily allowance (INVITATIONS_PER_INSTITUTE_PER_DAY)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from capabilities import services
from capabilities.enums import MemberRole
from capabilities.models import Invitation
from collaborations.enums import ProjectStatus
from collaborations.models import Participation
from nmiq_portal.core.ratelimit import RateLimited
from tests.collaborations.factories import cast
from tests.factories import InstituteFactory, MembershipFactory

pytestmark = pytest.mark.django_db

LIMIT = 2


@pytest.fixture(autouse=True)
def _small_allowance(settings):
    settings.INVITATIONS_PER_INSTITUTE_PER_DAY = LIMIT


def _invite(admin, institute, n):
    return services.invitation_create(
        actor=admin,
        institute=institute,
        email=f"invitee{n}@elsewhere.example",
        role=MemberRole.EDITOR,
    )


def test_an_institute_past_its_allowance_is_refused_and_nothing_is_written():
    admin = MembershipFactory(role=MemberRole.ADMIN).user
    institute = admin.memberships.get().institute
    for n in range(LIMIT):
        _invite(admin, institute, n)
    with pytest.raises(RateLimited, match="as many as it may"):
        _invite(admin, institute, LIMIT)
    assert Invitation.objects.filter(institute=institute).count() == LIMIT
    other = MembershipFactory(role=MemberRole.ADMIN)
    _invite(other.user, other.institute, 0)  # another institute's allowance is its own


def test_a_refused_invitation_does_not_use_the_allowance():
    admin = MembershipFactory(role=MemberRole.ADMIN).user
    institute = admin.memberships.get().institute
    with pytest.raises(ValidationError):
        services.invitation_create(
            actor=admin, institute=institute, email=admin.email, role=MemberRole.EDITOR
        )
    for n in range(LIMIT):
        _invite(admin, institute, n)


def test_the_members_page_says_so_as_a_form_error_not_a_success(client):
    membership = MembershipFactory(role=MemberRole.ADMIN)
    for n in range(LIMIT):
        _invite(membership.user, membership.institute, n)
    client.force_login(membership.user)
    response = client.post(
        reverse("capabilities:institute_members", kwargs={"slug": membership.institute.slug}),
        {"email": "one.more@example.org", "role": MemberRole.EDITOR},
    )
    assert response.status_code == 200
    assert "as many as it may" in str(response.context["form"].errors)
    assert not [m for m in response.context["messages"] if m.level_tag == "success"]


def test_project_invitations_count_against_the_lead_institutes_allowance(client):
    world = cast(ProjectStatus.DRAFT)
    lead, proposer = world.project.lead_institute, world["proposer"]
    # The cast's lead invited its partner (one), and now a colleague to its membership (two).
    admin = MembershipFactory(institute=lead, role=MemberRole.ADMIN).user
    _invite(admin, lead, 0)
    refused = InstituteFactory()
    client.force_login(proposer)
    response = client.post(
        reverse("collaborations:participation_invite", kwargs={"slug": world.project.slug}),
        {"institute": refused.pk},
        follow=True,
    )
    levels = {m.level_tag for m in response.context["messages"]}
    assert "error" in levels
    assert "success" not in levels
    assert not Participation.objects.filter(project=world.project, institute=refused).exists()


def test_the_limit_holds_while_redis_is_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "nmiq_portal.core.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    admin = MembershipFactory(role=MemberRole.ADMIN).user
    institute = admin.memberships.get().institute
    for n in range(LIMIT):
        _invite(admin, institute, n)
    with pytest.raises(RateLimited):
        _invite(admin, institute, LIMIT)
