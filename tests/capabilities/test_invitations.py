from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from capabilities import services
from capabilities.enums import InvitationStatus, MemberRole
from capabilities.models import Invitation, Membership
from nmiq_portal.notifications.models import Notification
from tests.factories import InstituteFactory, MembershipFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def institute():
    """NPL rather than the suite's PTB: the invitations' addresses and e-mails name it."""
    return InstituteFactory(acronym="NPL", name="National Physical Laboratory")


@pytest.fixture
def admin(institute):
    return MembershipFactory(institute=institute, role=MemberRole.ADMIN).user


def invite(actor, institute, email="new.colleague@npl.example", role=MemberRole.EDITOR):
    return services.invitation_create(actor=actor, institute=institute, email=email, role=role)


def test_invitation_to_a_new_address_is_emailed_with_its_link(
    admin, institute, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(admin, institute, email="New.Colleague@NPL.example")
    assert invitation.email == "new.colleague@npl.example"
    assert invitation.status == InvitationStatus.PENDING
    (message,) = mail.outbox
    assert message.to == ["new.colleague@npl.example"]
    assert "NPL" in message.subject
    assert f"http://127.0.0.1:8000/invitations/{invitation.uuid}/" in message.body
    assert not Notification.objects.exists()


def test_invitation_to_a_known_person_lands_in_their_inbox(
    admin, institute, django_capture_on_commit_callbacks
):
    colleague = UserFactory(email="known@npl.example")
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(admin, institute, email="known@npl.example", role=MemberRole.ADMIN)
    notification = Notification.objects.get(recipient=colleague)
    assert notification.target == invitation
    assert notification.url == f"/invitations/{invitation.uuid}/"
    assert "invited you to join NPL as Administrator" in notification.title
    assert mail.outbox[0].to == ["known@npl.example"]


def test_unverified_owner_of_the_address_is_not_notified(admin, institute):
    UserFactory(email="squatter@npl.example", verified=False)
    invite(admin, institute, email="squatter@npl.example")
    assert not Notification.objects.exists()


def test_inviting_again_renews_the_pending_invitation(admin, institute):
    with time_machine.travel(timezone.now() - timedelta(days=20)):
        first = invite(admin, institute)
    assert not first.is_open
    second = invite(admin, institute, role=MemberRole.ADMIN)
    assert second.pk == first.pk
    assert second.is_open
    assert second.role == MemberRole.ADMIN
    assert Invitation.objects.count() == 1


def test_members_cannot_be_invited_again(admin, institute):
    member = MembershipFactory(institute=institute).user
    with pytest.raises(ValidationError) as error:
        invite(admin, institute, email=member.email.upper())
    assert "email" in error.value.message_dict


def test_accepting_makes_a_membership_and_tells_the_inviter(
    admin, institute, django_capture_on_commit_callbacks
):
    invitation = invite(admin, institute)
    newcomer = UserFactory(email="new.colleague@npl.example")
    membership = services.invitation_accept(actor=newcomer, invitation=invitation)
    assert membership.role == MemberRole.EDITOR
    assert newcomer.has_perm("capabilities.view_members", institute)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED
    assert invitation.answered_by == newcomer
    assert Notification.objects.filter(
        recipient=admin, verb="capabilities.invitation_accepted"
    ).exists()


def test_an_invitation_answers_only_to_its_verified_address(admin, institute):
    invitation = invite(admin, institute)
    stranger = UserFactory()
    with pytest.raises(PermissionDenied):
        services.invitation_accept(actor=stranger, invitation=invitation)
    unverified = UserFactory(email="new.colleague@npl.example", verified=False)
    with pytest.raises(PermissionDenied):
        services.invitation_accept(actor=unverified, invitation=invitation)
    assert not Membership.objects.filter(user__in=[stranger, unverified]).exists()


def test_a_second_verified_address_may_answer(admin, institute):
    invitation = invite(admin, institute)
    person = UserFactory(email="personal@example.org")
    EmailAddress.objects.create(user=person, email="new.colleague@npl.example", verified=True)
    services.invitation_accept(actor=person, invitation=invitation)
    assert Membership.objects.filter(user=person, institute=institute).exists()


def test_expired_revoked_and_answered_invitations_cannot_be_accepted(admin, institute):
    invitation = invite(admin, institute)
    newcomer = UserFactory(email="new.colleague@npl.example")
    with (
        time_machine.travel(timezone.now() + timedelta(days=15)),
        pytest.raises(ValidationError),
    ):
        services.invitation_accept(actor=newcomer, invitation=invitation)
    services.invitation_revoke(actor=admin, invitation=invitation)
    with pytest.raises(ValidationError):
        services.invitation_accept(actor=newcomer, invitation=invitation)
    assert not Membership.objects.filter(user=newcomer).exists()


def test_declining_tells_the_inviter(admin, institute):
    invitation = invite(admin, institute)
    newcomer = UserFactory(email="new.colleague@npl.example")
    services.invitation_decline(actor=newcomer, invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DECLINED
    assert Notification.objects.filter(
        recipient=admin, verb="capabilities.invitation_declined"
    ).exists()
    with pytest.raises(ValidationError):
        services.invitation_accept(actor=newcomer, invitation=invitation)


def test_accepting_an_admin_invitation_promotes_an_existing_editor(admin, institute):
    editor = MembershipFactory(institute=institute, role=MemberRole.EDITOR).user
    invitation = Invitation.objects.create(
        institute=institute,
        email=editor.email,
        role=MemberRole.ADMIN,
        invited_by=admin,
        expires_at=timezone.now() + timedelta(days=1),
    )
    services.invitation_accept(actor=editor, invitation=invitation)
    assert Membership.objects.get(user=editor, institute=institute).role == MemberRole.ADMIN


@pytest.mark.parametrize(
    "role", ["anonymous", "plain user", "editor", "admin of another institute"]
)
def test_only_the_institutes_admins_and_staff_invite(role, institute, admin):
    from django.contrib.auth.models import AnonymousUser

    actors = {
        "anonymous": lambda: AnonymousUser(),
        "plain user": UserFactory,
        "editor": lambda: MembershipFactory(institute=institute, role=MemberRole.EDITOR).user,
        "admin of another institute": lambda: MembershipFactory(role=MemberRole.ADMIN).user,
    }
    with pytest.raises(PermissionDenied):
        invite(actors[role](), institute)
    assert not Invitation.objects.exists()
    invite(StaffFactory(), institute)
    assert Invitation.objects.count() == 1


class TestMembersPage:
    def url(self, institute):
        return reverse("capabilities:institute_members", kwargs={"slug": institute.slug})

    def test_admin_invites_through_the_page(self, client, admin, institute):
        client.force_login(admin)
        response = client.post(
            self.url(institute), {"email": "someone@npl.example", "role": "editor"}
        )
        assert response.status_code == 302
        assert Invitation.objects.get().email == "someone@npl.example"

    def test_invalid_input_names_the_field_and_changes_nothing(self, client, admin, institute):
        client.force_login(admin)
        response = client.post(self.url(institute), {"email": "not an address", "role": "boss"})
        assert response.status_code == 200
        form = response.context["form"]
        assert set(form.errors) == {"email", "role"}
        assert not Invitation.objects.exists()

    def test_service_refusal_is_shown_on_the_field(self, client, admin, institute):
        client.force_login(admin)
        response = client.post(self.url(institute), {"email": admin.email, "role": "editor"})
        assert response.status_code == 200
        assert "already a member" in str(response.context["form"].errors["email"])

    @pytest.mark.parametrize("role", ["plain user", "admin of another institute"])
    def test_outsiders_cannot_see_or_post_the_members_page(self, client, role, institute):
        outsider = UserFactory() if role == "plain user" else MembershipFactory(role="admin").user
        client.force_login(outsider)
        assert client.get(self.url(institute)).status_code == 403
        response = client.post(self.url(institute), {"email": "x@example.org", "role": "editor"})
        assert response.status_code == 403
        assert not Invitation.objects.exists()

    def test_editor_sees_members_but_cannot_invite(self, client, institute):
        editor = MembershipFactory(institute=institute, role=MemberRole.EDITOR).user
        client.force_login(editor)
        response = client.get(self.url(institute))
        assert response.status_code == 200
        assert response.context["can_manage"] is False
        assert b"Send invitation" not in response.content
        response = client.post(self.url(institute), {"email": "x@example.org", "role": "editor"})
        assert response.status_code == 403

    def test_anonymous_is_sent_to_sign_in(self, client, institute):
        response = client.get(self.url(institute))
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))

    def test_page_queries_do_not_grow_with_members(
        self, client, admin, institute, django_assert_max_num_queries
    ):
        client.force_login(admin)
        MembershipFactory.create_batch(3, institute=institute)
        with django_assert_max_num_queries(12) as few:
            client.get(self.url(institute))
        MembershipFactory.create_batch(20, institute=institute)
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get(self.url(institute))


class TestInvitationPage:
    def test_addressee_accepts_on_the_page(self, client, admin, institute):
        invitation = invite(admin, institute)
        newcomer = UserFactory(email="new.colleague@npl.example")
        client.force_login(newcomer)
        page = client.get(invitation.get_absolute_url())
        assert page.status_code == 200
        assert page.context["may_answer"] is True
        response = client.post(invitation.get_absolute_url(), {"answer": "accept"})
        assert response.status_code == 302
        assert Membership.objects.filter(user=newcomer, institute=institute).exists()

    def test_someone_else_is_refused_and_nothing_changes(self, client, admin, institute):
        invitation = invite(admin, institute)
        client.force_login(UserFactory())
        page = client.get(invitation.get_absolute_url())
        assert page.context["may_answer"] is False
        response = client.post(invitation.get_absolute_url(), {"answer": "accept"})
        assert response.status_code == 403
        invitation.refresh_from_db()
        assert invitation.status == InvitationStatus.PENDING


def test_newcomer_finds_the_invitation_in_the_inbox_after_verifying(
    client, admin, institute, django_capture_on_commit_callbacks
):
    import re

    invitation = invite(admin, institute)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "email": "new.colleague@npl.example",
                "name": "New Colleague",
                "password1": "a long passphrase 42",
                "password2": "a long passphrase 42",
            },
        )
    confirmation = next(m for m in mail.outbox if "confirm-email" in m.body)
    link = re.search(r"http://testserver(/accounts/confirm-email/[^/\s]+/)", confirmation.body)[1]
    client.post(link)
    notification = Notification.objects.get(recipient__email="new.colleague@npl.example")
    assert notification.target == invitation
    assert (
        services.invitations_announce(
            user=notification.recipient, email="new.colleague@npl.example"
        )
        == 0
    ), "announcing twice adds nothing"


@pytest.mark.parametrize("role", ["editor", "admin of another institute", "the invitee"])
def test_only_admins_withdraw_an_invitation(role, admin, institute):
    invitation = invite(admin, institute)
    actor = {
        "editor": lambda: MembershipFactory(institute=institute, role=MemberRole.EDITOR).user,
        "admin of another institute": lambda: MembershipFactory(role=MemberRole.ADMIN).user,
        "the invitee": lambda: UserFactory(email="new.colleague@npl.example"),
    }[role]()
    with pytest.raises(PermissionDenied):
        services.invitation_revoke(actor=actor, invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING
