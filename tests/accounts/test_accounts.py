import re

import pytest
from allauth.account.models import EmailAddress
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from nmiq_portal.accounts.models import ApiToken
from nmiq_portal.notifications.enums import Delivery
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


def sign_up(client, email="ada@example.org", **extra):
    data = {
        "email": email,
        "name": "Ada Lovelace",
        "password1": "a long passphrase 42",
        "password2": "a long passphrase 42",
        **extra,
    }
    return client.post(reverse("account_signup"), data)


def confirmation_link(message) -> str:
    return re.search(r"http://testserver(/accounts/confirm-email/[^/\s]+/)", message.body)[1]


def test_sign_up_requires_verifying_the_address(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client, email="Ada@Example.org")
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get()
    assert user.email == "ada@example.org"
    assert user.name == "Ada Lovelace"
    assert not EmailAddress.objects.get(user=user).verified

    response = client.post(
        reverse("account_login"), {"login": "ada@example.org", "password": "a long passphrase 42"}
    )
    assert response.url == reverse("account_email_verification_sent"), "no sign-in unverified"
    assert "_auth_user_id" not in client.session

    (message,) = {m.body: m for m in mail.outbox}.values()
    link = confirmation_link(message)
    assert client.get(link).status_code == 200, "confirming takes a POST, not a GET"
    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.session["_auth_user_id"] == str(user.pk)


def test_sign_up_answers_invalid_input_per_field_and_creates_nothing(client):
    UserFactory(email="taken@example.org")
    response = client.post(
        reverse("account_signup"),
        {"email": "TAKEN@example.org", "name": "", "password1": "short", "password2": "other"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"name", "password1"} <= set(errors)
    assert "email" not in errors, "sign-up must not reveal which addresses have accounts"
    assert User.objects.count() == 1


def test_sign_up_records_the_language_of_the_page(client, django_capture_on_commit_callbacks):
    client.cookies["django_language"] = "fr"
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client)
    assert User.objects.get().language == "fr"


def test_password_reset_sends_a_link_through_the_outbox(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == [user.email]
    assert "/accounts/password/reset/key/" in message.body


def test_repeated_wrong_passwords_lock_the_account_out(client, settings):
    user = UserFactory()
    url = reverse("account_login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(url, {"login": user.email, "password": "wrong"})
    response = client.post(url, {"login": user.email, "password": "wrong"})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert (
        AccessAttempt.objects.get(username=user.email).failures_since_start
        == settings.AXES_FAILURE_LIMIT
    )
    response = client.post(url, {"login": user.email, "password": PASSWORD})
    assert "Too many failed" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_lockout_does_not_spill_onto_other_accounts(client, settings):
    victim, other = UserFactory(), UserFactory()
    url = reverse("account_login")
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        client.post(url, {"login": victim.email, "password": "wrong"})
    response = client.post(url, {"login": other.email, "password": PASSWORD})
    assert response.status_code == 302


class TestProfile:
    url = reverse("accounts:profile")

    def test_anonymous_is_sent_to_sign_in(self, client):
        response = client.get(self.url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))

    def test_person_saves_name_language_and_notification_preference(self, client):
        user = UserFactory()
        client.force_login(user)
        response = client.post(
            self.url, {"name": "Grace Hopper", "language": "fr", "notification_delivery": "daily"}
        )
        assert response.status_code == 302
        user.refresh_from_db()
        assert (user.name, user.language, user.notification_delivery) == (
            "Grace Hopper",
            "fr",
            Delivery.DAILY,
        )

    def test_invalid_preference_is_refused_on_its_field(self, client):
        user = UserFactory()
        client.force_login(user)
        response = client.post(
            self.url, {"name": "X", "language": "xx", "notification_delivery": "hourly"}
        )
        assert response.status_code == 200
        assert set(response.context["profile_form"].errors) == {
            "language",
            "notification_delivery",
        }
        user.refresh_from_db()
        assert user.language == "en"

    def test_a_token_is_shown_once_then_only_its_start(self, client):
        user = UserFactory()
        client.force_login(user)
        response = client.post(
            reverse("accounts:token_create"), {"name": "Sync", "expires_in": "30"}
        )
        assert response.status_code == 200
        secret = response.context["new_token"]
        assert secret.startswith("nmiq_")
        assert secret in response.content.decode()
        token = ApiToken.objects.get(user=user)
        assert token.name == "Sync"
        later = client.get(self.url).content.decode()
        assert secret not in later
        assert token.token_key in later

    def test_token_form_refuses_an_unknown_expiry(self, client):
        client.force_login(UserFactory())
        response = client.post(
            reverse("accounts:token_create"), {"name": "Sync", "expires_in": "9999"}
        )
        assert "expires_in" in response.context["token_form"].errors
        assert not ApiToken.objects.exists()

    def test_nobody_revokes_someone_elses_token(self, client):
        from datetime import timedelta

        from nmiq_portal.accounts.services import api_token_create

        owner = UserFactory()
        token, _ = api_token_create(actor=owner, name="mine", expiry=timedelta(days=1))
        client.force_login(UserFactory())
        url = reverse("accounts:token_revoke", kwargs={"uuid": token.uuid})
        assert client.post(url).status_code == 404
        assert ApiToken.objects.filter(pk=token.pk).exists()
        client.force_login(owner)
        assert client.post(url).status_code == 302
        assert not ApiToken.objects.filter(pk=token.pk).exists()

    def test_profile_queries_do_not_grow_with_tokens(self, client, django_assert_num_queries):
        from datetime import timedelta

        from nmiq_portal.accounts.services import api_token_create

        user = UserFactory()
        client.force_login(user)
        api_token_create(actor=user, name="one", expiry=timedelta(days=1))
        # session, user, tokens, memberships, open access requests, the requests to my
        # institutes, the collaborations section (projects, proposals to review), and the
        # frame's facts of the person (the unread count, "do they coordinate a working area?")
        with django_assert_num_queries(9) as few:
            client.get(self.url)
        for n in range(5):
            api_token_create(actor=user, name=f"more {n}", expiry=timedelta(days=1))
        with django_assert_num_queries(len(few.captured_queries)):
            client.get(self.url)


def test_choosing_a_language_switches_the_page_and_the_emails(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:switch_language"), {"language": "fr", "next": "/institutes/"}
    )
    assert response.status_code == 302
    assert response.url == "/institutes/"
    user.refresh_from_db()
    assert user.language == "fr"
    assert client.get("/institutes/").headers["Content-Language"] == "fr"


def test_anonymous_language_switch_sets_only_the_cookie(client):
    response = client.post(reverse("accounts:switch_language"), {"language": "fr", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "fr"
