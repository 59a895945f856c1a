"""Invited by e-mail, a newcomer signs up, verifies, signs in and answers from the inbox."""

import re

import pytest
from django.core import mail

from capabilities import services as capability_services
from capabilities.models import Membership
from tests.e2e.conftest import assert_accessible
from tests.factories import InstituteFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "marie.newcomer@lne.example"
PASSWORD = "measure twice, cut once"


def test_sign_up_verify_sign_in_and_answer_an_invitation_from_the_inbox(page):
    institute = InstituteFactory(acronym="LNE", name="Laboratoire national de métrologie")
    admin = MembershipFactory(institute=institute, role="admin").user
    capability_services.invitation_create(
        actor=admin, institute=institute, email=EMAIL, role="editor"
    )

    page.goto("/")
    assert_accessible(page)
    page.get_by_role("link", name="Sign up").click()
    page.wait_for_url("**/accounts/signup/")
    assert_accessible(page)
    page.get_by_label("Full name").fill("Marie Newcomer")
    page.get_by_label("Email").fill(EMAIL)
    page.locator("#id_password1").fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_role("heading", name="Verify Your Email Address").wait_for()

    (message,) = [m for m in mail.outbox if "confirm-email" in m.body]
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body)[1]
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("button", name="Marie").wait_for()

    page.get_by_role("button", name="Marie").click()
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Sign in").click()
    page.wait_for_url("**/accounts/login/")
    assert_accessible(page)
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("button", name="Marie").wait_for()

    badge = page.get_by_test_id("unread-badge")
    assert badge.inner_text().startswith("1")

    page.get_by_role("link", name=re.compile("Inbox")).click()
    invitation_link = page.get_by_role("link", name=re.compile("invited you to join LNE"))
    invitation_link.wait_for()
    assert_accessible(page)
    invitation_link.click()
    page.get_by_role("button", name="Accept").click()
    page.get_by_text("Welcome to LNE.").wait_for()
    assert Membership.objects.filter(user__email=EMAIL, institute=institute).exists()
    assert page.console_problems == []
