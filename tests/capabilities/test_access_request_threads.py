"""The thread of an access request: messages both ways, withdrawal, who reads and who writes,
and the "Requests to <institute>" lists of those who answer."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from capabilities import selectors, services
from capabilities.enums import AccessRequestStatus, MemberRole
from capabilities.models import AccessRequestMessage
from capabilities.permissions import institute_roles
from nmiq_portal import workflow
from nmiq_portal.accounts import services as account_services
from nmiq_portal.notifications.models import Notification, OutgoingEmail
from tests.factories import (
    ContactFactory,
    InstituteFactory,
    MembershipFactory,
    StaffFactory,
    TestbedFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

S = AccessRequestStatus


@pytest.fixture
def requester():
    return UserFactory(name="Grace Industry", email="grace@qubits.example")


@pytest.fixture
def answerer(institute):
    """A member of the institute who is also its listed contact (so is told of requests)."""
    user = MembershipFactory(institute=institute, role=MemberRole.EDITOR).user
    ContactFactory(institute=institute, name="Ada Lab", email=user.email)
    return user


@pytest.fixture
def testbed(institute, answerer):
    return TestbedFactory(institute=institute, name="Dilution fridge")


@pytest.fixture
def access_request(requester, testbed):
    return services.access_request_create(
        actor=requester, target=testbed, organisation="Qubit Devices Ltd", purpose="T1 at 10 mK."
    )


def role_user(role, institute, requester):
    return {
        "anonymous": lambda: None,
        "plain user": UserFactory,
        "member of another institute": lambda: MembershipFactory().user,
        "requester": lambda: requester,
        "own member": lambda: MembershipFactory(institute=institute).user,
        "staff": StaffFactory,
    }[role]()


def told(user, verb):
    return Notification.objects.filter(recipient=user, verb=f"capabilities.{verb}")


# --- Services ----------------------------------------------------------------------------------


def test_requester_message_reaches_the_institute_and_the_answer_reaches_the_requester(
    access_request, requester, answerer
):
    Notification.objects.all().delete()
    OutgoingEmail.objects.all().delete()
    question = services.access_request_comment(
        actor=requester, request=access_request, body="  Can we bring our own sample holder?  "
    )
    assert question.body == "Can we bring our own sample holder?"
    (notification,) = told(answerer, "access_request_message")
    assert "Grace Industry" in notification.title
    assert notification.url.endswith(f"#message-{question.pk}")
    assert not told(requester, "access_request_message").exists()
    assert OutgoingEmail.objects.filter(to=answerer.email).count() == 1

    answer = services.access_request_comment(
        actor=answerer, request=access_request, body="Yes, an OFHC copper one."
    )
    (notification,) = told(requester, "access_request_message")
    assert notification.data["body"] == "Yes, an OFHC copper one."
    thread = selectors.access_request_thread(access_request=access_request)
    assert [entry.message_id for entry in thread] == [None, question.pk, answer.pk]


def test_members_who_took_part_hear_of_the_requesters_messages(
    access_request, requester, institute
):
    colleague = MembershipFactory(institute=institute).user
    services.access_request_answer(actor=colleague, request=access_request, action="discuss")
    services.access_request_comment(actor=requester, request=access_request, body="Thanks!")
    assert told(colleague, "access_request_message").count() == 1


def test_without_contact_user_the_administrators_hear_of_messages(requester, institute):
    admin = MembershipFactory(institute=institute, role=MemberRole.ADMIN).user
    editor = MembershipFactory(institute=institute, role=MemberRole.EDITOR).user
    ContactFactory(institute=institute, email="desk@ptb.example")  # no account
    testbed = TestbedFactory(institute=institute)
    access_request = services.access_request_create(
        actor=requester, target=testbed, organisation="Q Ltd", purpose="Test."
    )
    services.access_request_comment(actor=requester, request=access_request, body="Hello?")
    assert told(admin, "access_request_message").count() == 1
    assert not told(editor, "access_request_message").exists()


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("plain user", False),
        ("member of another institute", False),
        ("requester", True),
        ("own member", True),
        ("staff", True),
    ],
)
def test_who_may_write_on_the_thread(access_request, requester, institute, role, allowed):
    actor = role_user(role, institute, requester)
    if not allowed:
        with pytest.raises(PermissionDenied):
            services.access_request_comment(actor=actor, request=access_request, body="Hi")
        assert not AccessRequestMessage.objects.exists()
        return
    services.access_request_comment(actor=actor, request=access_request, body="Hi")
    assert AccessRequestMessage.objects.get().author == actor


def test_nothing_more_is_written_on_a_closed_request(access_request, answerer, requester):
    services.access_request_answer(actor=answerer, request=access_request, action="close")
    with pytest.raises(ValidationError):
        services.access_request_comment(actor=requester, request=access_request, body="But…")
    assert not AccessRequestMessage.objects.exists()


def test_an_empty_message_is_refused_on_its_field(access_request, requester):
    with pytest.raises(ValidationError) as error:
        services.access_request_comment(actor=requester, request=access_request, body="   ")
    assert "body" in error.value.message_dict


def test_requester_withdraws_and_the_institute_is_told(access_request, requester, answerer):
    moved = services.access_request_withdraw(
        actor=requester, request=access_request, comment="Found another lab."
    )
    assert moved.status == S.WITHDRAWN
    event = workflow.events_for(access_request).last()
    assert (event.actor, event.to_state, event.comment) == (
        requester,
        S.WITHDRAWN,
        "Found another lab.",
    )
    (notification,) = told(answerer, "access_request_withdrawn")
    assert notification.data["comment"] == "Found another lab."
    assert not told(requester, "access_request_answered").exists()
    assert selectors.open_request_for(user=requester, target=access_request.testbed) is None


@pytest.mark.parametrize(
    "role", ["plain user", "member of another institute", "own member", "staff"]
)
def test_only_the_requester_may_withdraw(access_request, requester, institute, role):
    with pytest.raises(PermissionDenied):
        services.access_request_withdraw(
            actor=role_user(role, institute, requester), request=access_request
        )
    access_request.refresh_from_db()
    assert access_request.status == S.NEW


def test_a_closed_request_cannot_be_withdrawn(access_request, requester, answerer):
    services.access_request_answer(actor=answerer, request=access_request, action="close")
    with pytest.raises(ValidationError):
        services.access_request_withdraw(actor=requester, request=access_request)


def test_a_withdrawn_request_no_longer_blocks_a_new_one(access_request, requester, testbed):
    services.access_request_withdraw(actor=requester, request=access_request)
    again = services.access_request_create(
        actor=requester, target=testbed, organisation="Qubit Devices Ltd", purpose="Again."
    )
    assert again.status == S.NEW


# --- Pages -------------------------------------------------------------------------------------


def page_url(access_request, name=""):
    view = f"capabilities:access_request_{name}" if name else "capabilities:access_request"
    return reverse(view, kwargs={"uuid": access_request.uuid})


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("plain user", 403),
        ("member of another institute", 403),
        ("requester", 200),
        ("own member", 200),
        ("staff", 200),
    ],
)
def test_who_may_read_the_thread(client, access_request, requester, institute, role, expected):
    services.access_request_comment(actor=requester, request=access_request, body="Secret plan")
    actor = role_user(role, institute, requester)
    if actor is not None:
        client.force_login(actor)
    response = client.get(page_url(access_request))
    assert response.status_code == expected
    assert ("Secret plan" in response.text) == (expected == 200)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("plain user", 403),
        ("member of another institute", 403),
        ("own member", 302),
    ],
)
def test_who_may_post_on_the_thread(client, access_request, requester, institute, role, expected):
    actor = role_user(role, institute, requester)
    if actor is not None:
        client.force_login(actor)
    response = client.post(page_url(access_request, "comment"), {"body": "Any news?"})
    assert response.status_code == expected
    assert AccessRequestMessage.objects.exists() == (role == "own member")


def test_the_page_offers_the_thread_and_withdrawal_to_the_requester(
    client, access_request, requester
):
    client.force_login(requester)
    page = client.get(page_url(access_request))
    assert page.context["can_comment"]
    assert page.context["can_withdraw"]
    assert page_url(access_request, "withdraw") in page.text
    response = client.post(page_url(access_request, "comment"), {"body": "When can we come?"})
    message = AccessRequestMessage.objects.get()
    assert response.url == f"{page_url(access_request)}#message-{message.pk}"
    assert "When can we come?" in client.get(page_url(access_request)).text
    response = client.post(page_url(access_request, "withdraw"), {"comment": ""})
    assert response.status_code == 302
    page = client.get(page_url(access_request))
    assert "Withdrawn" in page.text
    assert not page.context["can_comment"]
    assert not page.context["can_withdraw"]


def test_members_are_not_offered_withdrawal(client, access_request, answerer):
    client.force_login(answerer)
    page = client.get(page_url(access_request))
    assert page.context["can_comment"]
    assert not page.context["can_withdraw"]
    assert page_url(access_request, "withdraw") not in page.text
    response = client.post(page_url(access_request, "withdraw"), {})
    assert response.status_code == 403


def test_an_empty_message_is_shown_on_the_form(client, access_request, requester):
    client.force_login(requester)
    response = client.post(page_url(access_request, "comment"), {"body": ""})
    assert response.status_code == 400
    assert "body" in response.context["message_form"].errors


# --- "Requests to <institute> (n new)" ---------------------------------------------------------


def test_institute_page_lists_its_requests_to_members_only(
    client, access_request, answerer, institute, requester
):
    client.force_login(answerer)
    page = client.get(institute.get_absolute_url())
    assert "Requests to PTB" in page.text
    assert "1 new" in page.text
    assert access_request.get_absolute_url() in page.text
    for outsider in (requester, MembershipFactory().user):
        client.force_login(outsider)
        assert "Requests to PTB" not in client.get(institute.get_absolute_url()).text


def test_profile_lists_the_requests_of_each_of_my_institutes(
    client, access_request, answerer, requester
):
    other = InstituteFactory(acronym="NPL")
    MembershipFactory(institute=other, user=answerer)
    client.force_login(answerer)
    page = client.get(reverse("accounts:profile"))
    assert "Requests to PTB" in page.text
    assert "Requests to NPL" in page.text
    client.force_login(requester)
    assert "Requests to" not in client.get(reverse("accounts:profile")).text


def test_only_new_requests_are_counted_new_and_closed_ones_are_left_out(
    access_request, answerer, institute, testbed
):
    services.access_request_answer(actor=answerer, request=access_request, action="acknowledge")
    other = services.access_request_create(
        actor=UserFactory(), target=testbed, organisation="B", purpose="B"
    )
    closed = services.access_request_create(
        actor=UserFactory(), target=testbed, organisation="C", purpose="C"
    )
    services.access_request_answer(actor=answerer, request=closed, action="close")
    (received,) = selectors.requests_to_institutes(user=answerer, institute=institute)
    assert received["new"] == 1
    assert received["requests"] == [other, access_request]


@pytest.mark.parametrize("count", [2, 12])
def test_received_requests_take_constant_queries(
    django_assert_num_queries, institute, answerer, testbed, count
):
    for _ in range(count):
        services.access_request_create(
            actor=UserFactory(), target=testbed, organisation="O", purpose="P"
        )
    with django_assert_num_queries(2):  # the institutes, their requests with the new count
        (received,) = selectors.requests_to_institutes(user=answerer)
        assert len(received["requests"]) == min(count, selectors.RECEIVED_SHOWN)
        [r.target.name for r in received["requests"]]
        [str(r.requester) for r in received["requests"]]


def test_the_institute_page_adds_no_query_for_outsiders_and_one_for_members(
    django_assert_num_queries, access_request, institute, answerer
):
    outsider = MembershipFactory().user
    institute_roles(outsider)
    with django_assert_num_queries(0):
        assert selectors.requests_to_institutes(user=outsider, institute=institute) == []
    institute_roles(answerer)
    with django_assert_num_queries(1):
        (received,) = selectors.requests_to_institutes(user=answerer, institute=institute)
    assert (received["new"], received["requests"]) == (1, [access_request])


def test_my_messages_are_in_my_data_and_stay_on_the_thread_when_i_leave(
    client, access_request, requester
):
    services.access_request_comment(actor=requester, request=access_request, body="My question.")
    client.force_login(requester)
    data = json.loads(client.get(reverse("accounts:personal_data")).content)
    assert [m["message"] for m in data["access_request_messages"]] == ["My question."]
    account_services.account_delete(actor=requester, user=requester, confirmation=requester.email)
    message = AccessRequestMessage.objects.get()
    assert str(message.author) == "Removed user"


def test_admins_get_the_request_in_their_inbox_when_no_contact_has_an_account(requester, institute):
    admin = MembershipFactory(institute=institute, role=MemberRole.ADMIN).user
    ContactFactory(institute=institute, email="desk@ptb.example")  # no account
    testbed = TestbedFactory(institute=institute)
    services.access_request_create(
        actor=requester, target=testbed, organisation="Q Ltd", purpose="Test."
    )
    assert told(admin, "access_requested").count() == 1
    assert OutgoingEmail.objects.filter(to="desk@ptb.example").count() == 1
