"""Writing to a testbed's or service's contact: the address stays hidden, the message goes
through the outbox, robots and floods are turned away, hidden records have no form."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse

from capabilities import services
from capabilities.enums import MemberRole, Visibility
from capabilities.views import requests as request_views
from nmiq_portal.notifications.enums import EmailState
from nmiq_portal.notifications.models import OutgoingEmail
from tests.factories import (
    ContactFactory,
    InstituteFactory,
    MembershipFactory,
    ServiceFactory,
    TestbedFactory,
    UserFactory,
)
from tests.support import shared_data

pytestmark = pytest.mark.django_db

ADDRESS = "ada.lab@ptb.example"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with shared_data(django_db_blocker):
        institute = InstituteFactory(acronym="PTB")
        contact = ContactFactory(institute=institute, name="Ada Lab", email=ADDRESS)
        retired_contact = ContactFactory(institute=institute, name="Old Desk")
        services.record_retire(
            actor=MembershipFactory(institute=institute).user, record=retired_contact
        )
        unverified = InstituteFactory(acronym="QSTART", verified=False)
        records = {
            "public testbed": TestbedFactory(institute=institute, contacts=[contact]),
            "public service": ServiceFactory(institute=institute, contacts=[contact]),
            "draft": TestbedFactory(institute=institute, published=False, contacts=[contact]),
            "members only": TestbedFactory(
                institute=institute, visibility=Visibility.MEMBERS, contacts=[contact]
            ),
            "own institute": TestbedFactory(
                institute=institute, visibility=Visibility.INSTITUTE, contacts=[contact]
            ),
            "unverified institute": TestbedFactory(institute=unverified),
        }
        retired = TestbedFactory(institute=institute, contacts=[contact])
        services.record_retire(actor=MembershipFactory(institute=institute).user, record=retired)
        records["retired"] = retired
        yield {
            "institute": institute,
            "contact": contact,
            "retired_contact": retired_contact,
            "records": records,
            "peer": MembershipFactory(institute=InstituteFactory(acronym="NPL")).user,
            "member": MembershipFactory(institute=institute, role=MemberRole.EDITOR).user,
        }


def contact_url(record):
    kind = type(record)._meta.model_name
    return reverse(f"capabilities:{kind}_contact", kwargs={"slug": record.slug})


def form_data(world, **extra):
    return {
        "contact": str(world["contact"].uuid),
        "name": "Grace Industry",
        "email": "grace@qubits.example",
        "message": "Could you measure our TWPA at 20 mK?",
        "website": "",
        **extra,
    }


# --- Which records have a form ----------------------------------------------------------------

REACHABLE = {
    # record: (anonymous, member of another verified institute, own member)
    "public testbed": (200, 200, 200),
    "public service": (200, 200, 200),
    "draft": (404, 404, 404),
    "members only": (404, 200, 200),
    "own institute": (404, 404, 200),
    "unverified institute": (404, 404, 404),
    "retired": (404, 404, 404),
}


@pytest.mark.parametrize("name", list(REACHABLE))
@pytest.mark.parametrize("who", [0, 1, 2])
def test_only_records_open_to_the_visitor_have_a_contact_form(client, world, name, who):
    visitor = [None, world["peer"], world["member"]][who]
    if visitor is not None:
        client.force_login(visitor)
    record = world["records"][name]
    assert client.get(contact_url(record)).status_code == REACHABLE[name][who]
    response = client.post(contact_url(record), form_data(world))
    assert response.status_code == (302 if REACHABLE[name][who] == 200 else 404)
    assert OutgoingEmail.objects.filter(to=ADDRESS).exists() == (REACHABLE[name][who] == 200)


def test_the_record_page_links_to_the_form_and_never_shows_the_address(client, world):
    record = world["records"]["public testbed"]
    page = client.get(record.get_absolute_url())
    assert contact_url(record) in page.text
    form = client.get(contact_url(record))
    assert ADDRESS not in form.text
    assert "Ada Lab" in form.text
    assert "Old Desk" not in form.text


def test_no_form_link_on_a_draft(client, world):
    client.force_login(world["member"])
    record = world["records"]["draft"]
    assert contact_url(record) not in client.get(record.get_absolute_url()).text


# --- Sending -----------------------------------------------------------------------------------


def test_a_message_goes_to_the_contact_through_the_outbox(client, world):
    record = world["records"]["public service"]
    response = client.post(contact_url(record), form_data(world))
    assert response.url == record.get_absolute_url()
    (email,) = OutgoingEmail.objects.filter(to=ADDRESS)
    assert email.state == EmailState.PENDING
    assert "Could you measure our TWPA at 20 mK?" in email.body
    assert "grace@qubits.example" in email.body
    assert record.name in email.subject
    assert "not checked their address" in email.body
    assert "Your message was sent." in client.get(response.url).text


def test_the_honeypot_drops_the_message_but_looks_like_success(client, world):
    record = world["records"]["public testbed"]
    response = client.post(contact_url(record), form_data(world, website="http://spam.example"))
    assert response.status_code == 302
    assert response.url == record.get_absolute_url()
    assert "Your message was sent." in client.get(response.url).text
    assert not OutgoingEmail.objects.exists()


def test_the_honeypot_is_hidden_from_people(client, world):
    page = client.get(contact_url(world["records"]["public testbed"])).text
    field = page.index('name="website"')
    assert page.rfind('<div class="d-none" aria-hidden="true">', 0, field) != -1
    assert 'tabindex="-1"' in page[field - 200 : field + 200]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"message": "   "}, "message"),
        ({"email": "not an address"}, "email"),
        ({"contact": "00000000-0000-0000-0000-000000000000"}, "contact"),
    ],
)
def test_a_refused_message_is_shown_on_its_field(client, world, change, field):
    response = client.post(
        contact_url(world["records"]["public testbed"]), form_data(world, **change)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not OutgoingEmail.objects.exists()


def test_the_service_refuses_a_contact_the_record_does_not_offer(world):
    other = ContactFactory(institute=InstituteFactory())
    with pytest.raises(ValidationError) as error:
        services.contact_message_send(
            actor=UserFactory(),
            record=world["records"]["public testbed"],
            contact=other,
            name="G",
            email="g@example.org",
            message="Hello",
        )
    assert "contact" in error.value.message_dict


@pytest.mark.parametrize("name", ["draft", "members only", "own institute", "retired"])
def test_the_service_refuses_hidden_records_to_a_stranger(world, name):
    with pytest.raises(PermissionDenied):
        services.contact_message_send(
            actor=UserFactory(),
            record=world["records"][name],
            contact=world["contact"],
            name="G",
            email="g@example.org",
            message="Hello",
        )
    assert not OutgoingEmail.objects.exists()


# --- Rate limits -------------------------------------------------------------------------------


@pytest.fixture
def tight_limits(monkeypatch):
    cache.clear()
    monkeypatch.setattr(request_views, "CONTACT_MESSAGE_RATES", "2/1h/ip,3/1d/key")
    yield
    cache.clear()


def test_one_sender_ip_is_limited(client, world, tight_limits):
    url = contact_url(world["records"]["public testbed"])
    codes = [client.post(url, form_data(world)).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    assert OutgoingEmail.objects.count() == 2


def test_one_recipient_is_limited_whatever_the_ip(client, world, tight_limits):
    url = contact_url(world["records"]["public testbed"])
    codes = [
        client.post(url, form_data(world), REMOTE_ADDR=f"198.51.100.{n}").status_code
        for n in range(4)
    ]
    assert codes == [302, 302, 302, 429]
    response = client.post(url, form_data(world), REMOTE_ADDR="198.51.100.9")
    assert "Too many messages" in response.text
    assert OutgoingEmail.objects.count() == 3


@pytest.mark.worker
@pytest.mark.skipif(not settings.REDIS_URL, reason="the cache is Redis only with REDIS_URL")
def test_the_limit_holds_and_messages_wait_in_the_outbox_while_redis_is_down(
    client, world, tight_limits, broker
):
    caches = {"default": {**settings.CACHES["default"], "LOCATION": broker.url}}
    with override_settings(CACHES=caches):
        broker.stop()
        url = contact_url(world["records"]["public testbed"])
        codes = [client.post(url, form_data(world)).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    assert set(OutgoingEmail.objects.values_list("state", flat=True)) == {EmailState.PENDING}


# --- Publishing where nobody would answer -------------------------------------------------------


def publish(client, record):
    url = reverse("capabilities:testbed_state", kwargs={"slug": record.slug, "action": "publish"})
    return [str(m) for m in client.post(url, follow=True).context["messages"]]


def test_publishing_says_when_nobody_would_receive_requests(client):
    lonely = InstituteFactory(acronym="LONE")
    editor = MembershipFactory(institute=lonely, role=MemberRole.EDITOR).user
    record = TestbedFactory(institute=lonely, published=False)
    client.force_login(editor)
    said = publish(client, record)
    assert any("Nobody would receive access requests" in message for message in said)


@pytest.mark.parametrize("who_answers", ["contact", "admin"])
def test_publishing_is_quiet_when_someone_answers(client, who_answers):
    institute = InstituteFactory(acronym="OK")
    editor = MembershipFactory(institute=institute, role=MemberRole.EDITOR).user
    if who_answers == "contact":
        ContactFactory(institute=institute)
    else:
        MembershipFactory(institute=institute, role=MemberRole.ADMIN)
    record = TestbedFactory(institute=institute, published=False)
    client.force_login(editor)
    said = publish(client, record)
    assert not any("Nobody would receive" in message for message in said)
    assert any("is published" in message for message in said)
