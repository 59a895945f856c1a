import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from capabilities import services
from capabilities.enums import MemberRole
from capabilities.models import Membership
from nmiq_portal.notifications.models import Notification
from tests.factories import MembershipFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(institute):
    return MembershipFactory(institute=institute, role=MemberRole.ADMIN).user


@pytest.fixture
def editor_membership(institute):
    return MembershipFactory(institute=institute, role=MemberRole.EDITOR)


def test_admin_promotes_an_editor_who_is_told(admin, editor_membership):
    services.membership_change_role(
        actor=admin, membership=editor_membership, role=MemberRole.ADMIN
    )
    editor_membership.refresh_from_db()
    assert editor_membership.role == MemberRole.ADMIN
    notification = Notification.objects.get(recipient=editor_membership.user)
    assert notification.title == "Your role at PTB is now Administrator"


def test_the_last_admin_can_be_neither_demoted_nor_removed(admin, institute):
    membership = Membership.objects.get(user=admin, institute=institute)
    with pytest.raises(ValidationError):
        services.membership_change_role(actor=admin, membership=membership, role="editor")
    with pytest.raises(ValidationError):
        services.membership_end(actor=admin, membership=membership)
    assert Membership.objects.get(pk=membership.pk).role == MemberRole.ADMIN


def test_an_admin_may_step_down_when_another_remains(admin, institute):
    MembershipFactory(institute=institute, role=MemberRole.ADMIN)
    membership = Membership.objects.get(user=admin, institute=institute)
    services.membership_change_role(actor=admin, membership=membership, role="editor")
    assert Membership.objects.get(pk=membership.pk).role == MemberRole.EDITOR
    assert not admin.has_perm("capabilities.manage_members", institute)


def test_a_member_may_leave(editor_membership):
    services.membership_end(actor=editor_membership.user, membership=editor_membership)
    assert not Membership.objects.filter(pk=editor_membership.pk).exists()


def test_removed_member_is_told(admin, editor_membership):
    services.membership_end(actor=admin, membership=editor_membership)
    assert Notification.objects.get(recipient=editor_membership.user).title == (
        "You are no longer a member of PTB"
    )


@pytest.mark.parametrize("actor", ["plain user", "editor of the institute", "other admin"])
def test_lower_roles_cannot_change_or_remove_members(actor, institute, editor_membership):
    user = {
        "plain user": UserFactory,
        "editor of the institute": lambda: MembershipFactory(institute=institute).user,
        "other admin": lambda: MembershipFactory(role=MemberRole.ADMIN).user,
    }[actor]()
    with pytest.raises(PermissionDenied):
        services.membership_change_role(
            actor=user, membership=editor_membership, role=MemberRole.ADMIN
        )
    with pytest.raises(PermissionDenied):
        services.membership_end(actor=user, membership=editor_membership)
    assert Membership.objects.get(pk=editor_membership.pk).role == MemberRole.EDITOR


def test_staff_manage_any_institute(editor_membership):
    services.membership_change_role(
        actor=StaffFactory(), membership=editor_membership, role=MemberRole.ADMIN
    )
    assert Membership.objects.get(pk=editor_membership.pk).role == MemberRole.ADMIN


def test_role_form_rejects_an_unknown_role(client, admin, institute, editor_membership):
    client.force_login(admin)
    url = reverse(
        "capabilities:membership_role",
        kwargs={"slug": institute.slug, "pk": editor_membership.pk},
    )
    response = client.post(url, {"role": "owner"}, follow=True)
    assert "Choose a valid role." in response.content.decode()
    assert Membership.objects.get(pk=editor_membership.pk).role == MemberRole.EDITOR


def test_other_institutes_editor_gets_403_from_the_remove_button(client, institute, admin):
    outsider = MembershipFactory(role=MemberRole.EDITOR).user
    membership = Membership.objects.get(user=admin)
    client.force_login(outsider)
    url = reverse(
        "capabilities:membership_end", kwargs={"slug": institute.slug, "pk": membership.pk}
    )
    assert client.post(url).status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()
