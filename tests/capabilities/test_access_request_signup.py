"""A visitor without an account asks for access and creates the account in the same step: the
request is held until the address is confirmed, an address that has an account is never
revealed, robots and floods are turned away, hidden records have no form."""

from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from capabilities.enums import Visibility
from capabilities.models import AccessRequest, HeldAccessRequest
from capabilities.tasks import expire_held_access_requests
from capabilities.views import requests as request_views
from nmiq_portal.accounts.models import User
from nmiq_portal.accounts.services import account_delete, personal_data_export
from nmiq_portal.notifications.models import OutgoingEmail
from tests.factories import ContactFactory, InstituteFactory, TestbedFactory, UserFactory

pytestmark = pytest.mark.django_db

CONTACT = "desk@npl.example"
VISITOR = "ada@qubits.example"
NEW = "new@qubits.example"
PASSWORD = "a long enough pass phrase 42"
VERIFICATION_SENT = reverse("account_email_verification_sent")


@pytest.fixture
def testbed():
    institute = InstituteFactory(acronym="NPL")
    ContactFactory(institute=institute, email=CONTACT)
    return TestbedFactory(institute=institute, name="Dilution refrigerator", published=True)


def request_url(record):
    return reverse("capabilities:testbed_request_access", kwargs={"slug": record.slug})


def data(**extra):
    return {
        "name": "Ada Qubit",
        "email": VISITOR,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "organisation": "Qubits Ltd",
        "purpose": "Measure our attenuators at 10 mK.",
        **extra,
    }


def to_contact() -> int:
    return OutgoingEmail.objects.filter(to=CONTACT).count()


def confirm(client, email=VISITOR):
    address = EmailAddress.objects.get(email=email)
    key = EmailConfirmationHMAC(address).key
    return client.post(reverse("account_confirm_email", args=[key]), follow=True)


HELD_NOTICE = (
    "Your request goes to NPL once you confirm your address. Unconfirmed after 14 days, it is "
    "dropped."
)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


def test_the_record_page_offers_the_request_to_a_visitor(client, testbed):
    page = client.get(testbed.get_absolute_url()).content.decode()
    assert f'href="{request_url(testbed)}"' in page
    form = client.get(request_url(testbed))
    assert form.status_code == 200
    html = form.content.decode()
    assert 'name="password1"' in html
    assert 'name="purpose"' in html


def test_the_request_waits_for_the_address_then_goes_to_the_institute(client, testbed):
    response = client.post(request_url(testbed), data())
    assert response.status_code == 302
    assert response.url == VERIFICATION_SENT
    user = User.objects.get(email=VISITOR)
    assert user.name == "Ada Qubit"
    assert not EmailAddress.objects.get(user=user).verified
    assert HeldAccessRequest.objects.filter(requester=user, testbed=testbed).exists()
    assert not AccessRequest.objects.exists(), "nothing reaches the institute before"
    assert to_contact() == 0
    assert OutgoingEmail.objects.filter(to=VISITOR).count() == 1  # the confirmation link

    page = confirm(client)
    access_request = AccessRequest.objects.get(requester=user)
    assert access_request.target == testbed
    assert access_request.purpose == "Measure our attenuators at 10 mK."
    assert to_contact() == 1
    assert not HeldAccessRequest.objects.exists()
    assert "Your request was sent to NPL." in page.content.decode()


def test_an_address_that_has_an_account_is_never_revealed(client, testbed):
    new = client.post(request_url(testbed), data(email=NEW), follow=True)
    owner = UserFactory(email=VISITOR)
    existing = client.post(request_url(testbed), data(), follow=True)
    assert existing.redirect_chain == new.redirect_chain
    said = [messages_of(answer) for answer in (new, existing)]
    assert said[0] == [f"Confirmation email sent to {NEW}.", HELD_NOTICE]
    assert said[1] == [f"Confirmation email sent to {VISITOR}.", HELD_NOTICE]
    assert User.objects.filter(email=VISITOR).get() == owner
    assert not HeldAccessRequest.objects.filter(requester=owner).exists()
    assert not AccessRequest.objects.exists()
    assert OutgoingEmail.objects.filter(to=VISITOR).count() == 1, "its owner is told by e-mail"


def test_the_honeypot_makes_nothing_but_looks_like_success(client, testbed):
    response = client.post(request_url(testbed), data(website="https://spam.example"))
    assert response.url == VERIFICATION_SENT
    assert not User.objects.filter(email=VISITOR).exists()
    assert not HeldAccessRequest.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_a_refused_request_creates_no_account(client, testbed):
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(request_url(testbed), data(preferred_start=yesterday))
    assert response.status_code == 200
    assert "Choose a date from today on." in response.content.decode()
    assert not User.objects.filter(email=VISITOR).exists()
    assert not OutgoingEmail.objects.exists()


def test_one_ip_is_limited(client, testbed, monkeypatch):
    monkeypatch.setattr(request_views, "ACCESS_REQUEST_SIGNUP_RATES", "2/1h/ip,5/1d/key")
    codes = [
        client.post(request_url(testbed), data(email=f"p{n}@qubits.example")).status_code
        for n in range(3)
    ]
    assert codes == [302, 302, 429]
    assert User.objects.filter(email__endswith="@qubits.example").count() == 2


@pytest.mark.parametrize("change", [{"published": False}, {"visibility": Visibility.MEMBERS}])
def test_a_record_hidden_from_visitors_has_no_form(client, testbed, change):
    TestbedFactory._meta.model.objects.filter(pk=testbed.pk).update(**change)
    assert client.get(request_url(testbed)).status_code == 404
    assert client.post(request_url(testbed), data()).status_code == 404
    assert not User.objects.filter(email=VISITOR).exists()


def test_a_record_unpublished_before_the_confirmation_is_not_requested(client, testbed):
    client.post(request_url(testbed), data())
    TestbedFactory._meta.model.objects.filter(pk=testbed.pk).update(published=False)
    page = confirm(client)
    assert not AccessRequest.objects.exists()
    assert not HeldAccessRequest.objects.exists()
    assert "is not open to access requests" in page.content.decode()


def test_a_held_request_is_the_persons_data_and_goes_with_their_account(client, testbed):
    client.post(request_url(testbed), data())
    user = User.objects.get(email=VISITOR)
    exported = personal_data_export(actor=user, user=user)["held_access_requests"]
    assert [held["to"] for held in exported] == ["Dilution refrigerator"]
    account_delete(actor=user, user=user, confirmation=VISITOR)
    assert not HeldAccessRequest.objects.exists()


def test_a_request_never_confirmed_is_dropped_and_a_late_confirmation_sends_nothing(
    client, testbed, settings
):
    client.post(request_url(testbed), data())
    days = settings.HELD_ACCESS_REQUEST_DAYS
    with time_machine.travel(timezone.now() + timedelta(days=days - 4)):
        client.post(request_url(testbed), data(email="younger@qubits.example"))
    with time_machine.travel(timezone.now() + timedelta(days=days, hours=1)):
        assert expire_held_access_requests() == 1
        assert expire_held_access_requests() == 0
        younger = HeldAccessRequest.objects.get()
        assert younger.requester.email == "younger@qubits.example", "it waits on"
        confirm(client)
    assert not AccessRequest.objects.exists()
    assert to_contact() == 0, "the institute never hears of it"


def test_dropping_held_requests_is_scheduled():
    from django.conf import settings

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "capabilities.tasks.expire_held_access_requests" in tasks
