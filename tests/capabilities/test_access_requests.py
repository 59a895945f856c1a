from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from capabilities import services
from capabilities.enums import AccessRequestStatus, MemberRole, Visibility
from capabilities.models import AccessRequest
from capabilities.tasks import remind_unanswered_access_requests
from nmiq_portal import workflow
from nmiq_portal.notifications.models import Notification, OutgoingEmail
from nmiq_portal.workflow.registry import workflow_for
from tests.factories import (
    ContactFactory,
    MembershipFactory,
    ServiceFactory,
    StaffFactory,
    TestbedFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

S = AccessRequestStatus
FRIDAY = datetime(2025, 3, 7, 10, 0, tzinfo=UTC)


@pytest.fixture
def contact(institute):
    return ContactFactory(institute=institute, name="Ada Lab", email="Ada.Lab@ptb.example")


@pytest.fixture
def testbed(institute, contact):
    return TestbedFactory(institute=institute, name="Dilution fridge", contacts=[contact])


@pytest.fixture
def requester():
    return UserFactory(name="Grace Industry")


@pytest.fixture
def member(institute):
    return MembershipFactory(institute=institute, role=MemberRole.EDITOR).user


def ask(actor, target, **extra):
    data = {"organisation": "Qubit Devices Ltd", "purpose": "Measure T1 of our qubits at 10 mK."}
    return services.access_request_create(actor=actor, target=target, **{**data, **extra})


def emails_to(address):
    return OutgoingEmail.objects.filter(to__iexact=address)


def role_user(role, institute):
    return {
        "plain user": UserFactory,
        "member of another institute": lambda: MembershipFactory().user,
        "own member": lambda: MembershipFactory(institute=institute).user,
        "staff": StaffFactory,
    }[role]()


# --- Creating a request ------------------------------------------------------------------------


def test_request_records_an_event_and_emails_a_contact_without_account(
    requester, testbed, contact, institute
):
    access_request = ask(requester, testbed, preferred_start=date.today() + timedelta(days=7))
    assert access_request.status == S.NEW
    assert access_request.institute == institute
    assert access_request.testbed == testbed
    (event,) = workflow.events_for(access_request)
    assert (event.actor, event.from_state, event.to_state) == (requester, "", S.NEW)
    (message,) = emails_to(contact.email)
    assert "Dilution fridge" in message.subject
    assert requester.email in message.body
    assert "Measure T1 of our qubits" in message.body
    assert f"/access-requests/{access_request.uuid}/" in message.body
    assert not Notification.objects.exclude(recipient=requester).exists()


def test_contact_who_is_a_member_with_a_verified_account_gets_it_in_the_inbox(
    requester, testbed, contact, institute
):
    person = UserFactory(email="ada.lab@ptb.example")
    MembershipFactory(user=person, institute=institute)
    access_request = ask(requester, testbed)
    notification = Notification.objects.get(recipient=person)
    assert notification.verb == "capabilities.access_requested"
    assert notification.target == access_request
    assert notification.url == access_request.get_absolute_url()
    assert "Dilution fridge" in notification.title
    # One e-mail, through the notification (as the person's preference says), not two.
    assert emails_to(person.email).count() == 1


def test_contact_with_an_account_that_may_not_open_the_request_gets_an_email(
    requester, testbed, contact
):
    UserFactory(email="ada.lab@ptb.example")  # not a member of PTB: the page would refuse them
    ask(requester, testbed)
    assert not Notification.objects.filter(verb="capabilities.access_requested").exists()
    (message,) = emails_to(contact.email)
    assert "Qubit Devices Ltd" in message.body


def test_contact_whose_account_is_unverified_gets_an_email_not_a_notification(
    requester, testbed, contact, institute
):
    squatter = UserFactory(email="ada.lab@ptb.example", verified=False)
    MembershipFactory(user=squatter, institute=institute)
    ask(requester, testbed)
    assert not Notification.objects.filter(recipient=squatter).exists()
    assert emails_to(contact.email).count() == 1


def test_without_own_contacts_the_institutes_listed_contacts_are_told(requester, institute):
    listed = ContactFactory(institute=institute)
    draft = ContactFactory(institute=institute, published=False)
    service = ServiceFactory(institute=institute)
    access_request = ask(requester, service)
    assert access_request.service == service
    assert emails_to(listed.email).count() == 1
    assert not emails_to(draft.email).exists()


def test_institute_without_contacts_tells_its_admins(requester, institute):
    admin = MembershipFactory(institute=institute, role=MemberRole.ADMIN).user
    editor = MembershipFactory(institute=institute, role=MemberRole.EDITOR).user
    testbed = TestbedFactory(institute=institute)
    ask(requester, testbed)
    assert Notification.objects.filter(
        recipient=admin, verb="capabilities.access_requested"
    ).exists()
    assert not Notification.objects.filter(recipient=editor).exists()


def test_members_only_testbed_cannot_be_requested_by_a_plain_user(requester, institute):
    hidden = TestbedFactory(institute=institute, visibility=Visibility.MEMBERS)
    with pytest.raises(PermissionDenied):
        ask(requester, hidden)
    assert not AccessRequest.objects.exists()
    ask(MembershipFactory().user, hidden)  # a peer of a verified institute may


def test_anonymous_cannot_request(testbed):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        ask(AnonymousUser(), testbed)


@pytest.mark.parametrize("state", ["draft", "retired"])
def test_drafts_and_retired_records_are_not_open_to_requests(institute, state):
    staff = StaffFactory()
    testbed = TestbedFactory(institute=institute, published=state != "draft")
    if state == "retired":
        testbed = services.record_retire(actor=staff, record=testbed)
    with pytest.raises(ValidationError):
        ask(staff, testbed)
    assert not AccessRequest.objects.exists()


def test_a_second_open_request_for_the_same_target_is_refused(requester, testbed):
    ask(requester, testbed)
    with pytest.raises(ValidationError):
        ask(requester, testbed)
    assert AccessRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("dates", "field"),
    [
        ({"preferred_start": date(2030, 5, 2), "preferred_end": date(2030, 5, 1)}, "preferred_end"),
        ({"preferred_start": date(2020, 1, 1)}, "preferred_start"),
    ],
)
def test_bad_dates_are_refused_on_their_field(requester, testbed, dates, field):
    with pytest.raises(ValidationError) as error:
        ask(requester, testbed, **dates)
    assert field in error.value.message_dict
    assert not AccessRequest.objects.exists()


# --- Answering: the state table ----------------------------------------------------------------

ALLOWED = {
    (S.NEW, "acknowledge"): S.ACKNOWLEDGED,
    (S.NEW, "discuss"): S.IN_DISCUSSION,
    (S.ACKNOWLEDGED, "discuss"): S.IN_DISCUSSION,
    (S.NEW, "close"): S.CLOSED,
    (S.ACKNOWLEDGED, "close"): S.CLOSED,
    (S.IN_DISCUSSION, "close"): S.CLOSED,
}


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("action", ["acknowledge", "discuss", "close", "approve"])
def test_state_table(requester, testbed, member, status, action):
    access_request = ask(requester, testbed)
    for step in workflow_for(AccessRequest).path(S.NEW, status):
        actor = requester if step == "withdraw" else member
        services.access_request_answer(actor=actor, request=access_request, action=step)
    access_request.refresh_from_db()
    Notification.objects.filter(recipient=requester).delete()
    OutgoingEmail.objects.all().delete()
    events = workflow.events_for(access_request).count()
    target = ALLOWED.get((status, action))
    if target is None:
        with pytest.raises(ValidationError):
            services.access_request_answer(
                actor=member, request=access_request, action=action, comment="hm"
            )
        access_request.refresh_from_db()
        assert access_request.status == status
        assert workflow.events_for(access_request).count() == events
        assert not Notification.objects.filter(recipient=requester).exists()
        return
    answered = services.access_request_answer(
        actor=member, request=access_request, action=action, comment="Call us on Monday."
    )
    assert answered.status == target
    event = workflow.events_for(access_request).last()
    assert (event.actor, event.from_state, event.to_state) == (member, status, target)
    assert event.comment == "Call us on Monday."
    notification = Notification.objects.get(recipient=requester)
    assert notification.url == access_request.get_absolute_url()
    assert target.label.lower() in notification.title
    (message,) = emails_to(requester.email)
    assert "Call us on Monday." in message.body


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("plain user", False),
        ("requester", False),
        ("member of another institute", False),
        ("own member", True),
        ("staff", True),
    ],
)
def test_who_may_answer(requester, testbed, institute, role, allowed):
    access_request = ask(requester, testbed)
    actor = requester if role == "requester" else role_user(role, institute)
    if not allowed:
        with pytest.raises(PermissionDenied):
            services.access_request_answer(
                actor=actor, request=access_request, action="acknowledge"
            )
        access_request.refresh_from_db()
        assert access_request.status == S.NEW
        assert workflow.events_for(access_request).count() == 1
        return
    services.access_request_answer(actor=actor, request=access_request, action="acknowledge")
    access_request.refresh_from_db()
    assert access_request.status == S.ACKNOWLEDGED


def test_the_transition_table_is_declared_in_one_place():
    rows = workflow_for(AccessRequest).transitions
    answers = [row for row in rows if not row.creates and row.action != "withdraw"]
    assert {row.action for row in answers} == {"acknowledge", "discuss", "close"}
    assert {(s, row.action): row.target for row in answers for s in row.sources} == ALLOWED
    (withdraw,) = [row for row in rows if row.action == "withdraw"]
    assert (set(withdraw.sources), withdraw.target) == (
        {S.NEW, S.ACKNOWLEDGED, S.IN_DISCUSSION},
        S.WITHDRAWN,
    )


# --- Pages -------------------------------------------------------------------------------------


def request_url(kind, record):
    return reverse(f"capabilities:{kind}_request_access", kwargs={"slug": record.slug})


FORM = {"organisation": "Qubit Devices Ltd", "purpose": "Measure T1 at 10 mK."}


@pytest.mark.parametrize("kind", ["testbed", "service"])
@pytest.mark.parametrize("role", ["plain user", "member of another institute", "staff"])
def test_signed_in_people_request_access_from_the_page(client, institute, contact, kind, role):
    record = (TestbedFactory if kind == "testbed" else ServiceFactory)(institute=institute)
    client.force_login(role_user(role, institute))
    assert client.get(request_url(kind, record)).status_code == 200
    response = client.post(request_url(kind, record), FORM)
    access_request = AccessRequest.objects.get()
    assert response.status_code == 302
    assert response.url == access_request.get_absolute_url()
    assert access_request.target == record


@pytest.mark.parametrize("kind", ["testbed", "service"])
def test_nobody_requests_access_from_their_own_institute(client, institute, contact, kind):
    record = (TestbedFactory if kind == "testbed" else ServiceFactory)(institute=institute)
    client.force_login(role_user("own member", institute))
    assert client.get(request_url(kind, record)).status_code == 403
    assert client.post(request_url(kind, record), FORM).status_code == 403
    assert not AccessRequest.objects.exists()


def test_anonymous_is_offered_an_account_and_nothing_is_sent_without_one(client, testbed):
    """The form creates the account (test_access_request_signup.py); the request alone,
    without an account's fields, creates nothing."""
    assert "password1" in client.get(request_url("testbed", testbed)).context["signup"].fields
    response = client.post(request_url("testbed", testbed), FORM)
    assert response.status_code == 200
    assert not AccessRequest.objects.exists()


def test_members_only_testbed_page_is_404_for_a_plain_user(client, requester, institute):
    hidden = TestbedFactory(institute=institute, visibility=Visibility.MEMBERS)
    client.force_login(requester)
    assert client.get(request_url("testbed", hidden)).status_code == 404
    assert client.post(request_url("testbed", hidden), FORM).status_code == 404
    assert not AccessRequest.objects.exists()


def test_invalid_form_shows_the_field_and_creates_nothing(client, requester, testbed):
    client.force_login(requester)
    response = client.post(
        request_url("testbed", testbed),
        {**FORM, "purpose": "", "preferred_start": "2030-05-02", "preferred_end": "2030-05-01"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"purpose", "preferred_end"}
    assert not AccessRequest.objects.exists()


def test_an_open_request_is_said_before_the_form_with_its_link(client, requester, testbed):
    client.force_login(requester)
    client.post(request_url("testbed", testbed), FORM)
    sent = AccessRequest.objects.get()
    page = client.get(request_url("testbed", testbed))
    assert "You already have an open request" in page.text
    assert f'href="{sent.get_absolute_url()}"' in page.text
    assert 'name="purpose"' not in page.text
    response = client.post(request_url("testbed", testbed), FORM)
    assert response.status_code == 200
    assert AccessRequest.objects.count() == 1


def test_service_refusal_is_shown_on_the_form(client, requester, testbed):
    client.force_login(requester)
    response = client.post(
        request_url("testbed", testbed), {**FORM, "preferred_start": "2020-01-01"}
    )
    assert response.status_code == 200
    assert "preferred_start" in response.context["form"].errors
    assert not AccessRequest.objects.exists()


def test_testbed_page_offers_the_request_button(client, requester, testbed):
    url = request_url("testbed", testbed)
    assert f"?next={url}" in client.get(testbed.get_absolute_url()).text
    client.force_login(requester)
    assert f'href="{url}"' in client.get(testbed.get_absolute_url()).text


def answer_url(access_request, action):
    return reverse(
        "capabilities:access_request_answer",
        kwargs={"uuid": access_request.uuid, "action": action},
    )


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("plain user", 403),
        ("requester", 403),
        ("member of another institute", 403),
        ("own member", 302),
        ("staff", 302),
    ],
)
def test_answer_view_permissions(client, requester, testbed, institute, role, expected):
    access_request = ask(requester, testbed)
    if role == "requester":
        client.force_login(requester)
    elif role != "anonymous":
        client.force_login(role_user(role, institute))
    response = client.post(answer_url(access_request, "discuss"), {"comment": "Let's talk."})
    assert response.status_code == expected
    access_request.refresh_from_db()
    if expected == 302 and role != "anonymous":
        assert response.url == access_request.get_absolute_url()
        assert access_request.status == S.IN_DISCUSSION
    else:
        assert access_request.status == S.NEW
        assert workflow.events_for(access_request).count() == 1
    if role == "anonymous":
        assert response.url.startswith(reverse("account_login"))


def test_answer_view_is_post_only(client, requester, testbed, member):
    access_request = ask(requester, testbed)
    client.force_login(member)
    assert client.get(answer_url(access_request, "close")).status_code == 405


def test_illegal_move_from_the_page_shows_why_and_changes_nothing(
    client, requester, testbed, member
):
    access_request = ask(requester, testbed)
    services.access_request_answer(actor=member, request=access_request, action="close")
    client.force_login(member)
    response = client.post(answer_url(access_request, "acknowledge"))
    assert response.status_code == 200
    assert "cannot be moved" in str(response.context["answer_form"].non_field_errors())
    access_request.refresh_from_db()
    assert access_request.status == S.CLOSED
    assert workflow.events_for(access_request).count() == 2


@pytest.mark.parametrize(
    ("role", "status", "buttons"),
    [
        ("requester", 200, False),
        ("own member", 200, True),
        ("staff", 200, True),
        ("plain user", 403, False),
        ("member of another institute", 403, False),
    ],
)
def test_detail_page(client, requester, testbed, institute, role, status, buttons):
    access_request = ask(requester, testbed, preferred_end=date(2030, 1, 1))
    client.force_login(requester if role == "requester" else role_user(role, institute))
    response = client.get(access_request.get_absolute_url())
    assert response.status_code == status
    if status == 200:
        assert "Measure T1 of our qubits" in response.text
        assert (answer_url(access_request, "acknowledge") in response.text) is buttons


def test_detail_page_shows_the_timeline(client, requester, testbed, member):
    access_request = ask(requester, testbed)
    services.access_request_answer(
        actor=member, request=access_request, action="discuss", comment="Which sample holder?"
    )
    client.force_login(requester)
    response = client.get(access_request.get_absolute_url())
    assert "Which sample holder?" in response.text
    assert "In discussion" in response.text
    assert [(e.sent, e.body) for e in response.context["thread"]] == [
        (True, ""),
        (False, "Which sample holder?"),
    ]


LIST_URL = reverse("capabilities:access_request_list")


def test_list_shows_what_i_sent_and_what_my_institutes_received(client, testbed, member):
    mine = ask(member, TestbedFactory())
    theirs = ask(UserFactory(), testbed)
    ask(UserFactory(), TestbedFactory())  # nothing to do with me
    client.force_login(member)

    def listed(**query):
        return list(client.get(LIST_URL, query).context["page"].object_list)

    assert listed() == [theirs, mine]
    assert listed(box="sent") == [mine]
    assert listed(box="received") == [theirs]
    services.access_request_answer(actor=member, request=theirs, action="close")
    assert listed(status="closed") == [theirs]
    assert listed(status="new") == [mine]


def test_list_page_requires_sign_in(client):
    assert client.get(LIST_URL).status_code == 302


def test_list_page_queries_are_constant_in_page_size(
    client, institute, member, django_assert_num_queries, django_assert_max_num_queries
):
    for _ in range(2):
        ask(UserFactory(), TestbedFactory(institute=institute))
    client.force_login(member)
    with django_assert_max_num_queries(12) as few:
        client.get(LIST_URL)
    for _ in range(3):
        ask(UserFactory(), ServiceFactory(institute=institute))
    for _ in range(3):
        ask(member, TestbedFactory())
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(LIST_URL)
    assert len(response.context["page"].object_list) == 8


def test_profile_lists_my_open_requests(client, requester, testbed, member):
    open_one = ask(requester, testbed)
    closed = ask(requester, ServiceFactory(name="Closed service"))
    services.access_request_answer(actor=StaffFactory(), request=closed, action="close")
    client.force_login(requester)
    response = client.get(reverse("accounts:profile"))
    assert open_one.get_absolute_url() in response.text
    assert closed.get_absolute_url() not in response.text


# --- Reminders ---------------------------------------------------------------------------------


def reminders():
    return Notification.objects.filter(verb="capabilities.access_request_reminder")


def reminder_emails(address):
    return emails_to(address).filter(subject__icontains="Reminder")


def test_unanswered_request_is_reminded_after_five_working_days_once(
    requester, testbed, contact, institute
):
    person = UserFactory()
    MembershipFactory(user=person, institute=institute, role=MemberRole.ADMIN)
    with time_machine.travel(FRIDAY, tick=False):
        access_request = ask(requester, testbed)
    with time_machine.travel(FRIDAY + timedelta(days=5), tick=False):  # Wednesday
        assert remind_unanswered_access_requests() == 0
    access_request.refresh_from_db()
    assert access_request.reminded_at is None
    assert not reminder_emails(contact.email).exists()
    friday_after = FRIDAY + timedelta(days=7)
    with time_machine.travel(friday_after, tick=False):
        assert remind_unanswered_access_requests() == 1
        assert remind_unanswered_access_requests() == 0
    with time_machine.travel(friday_after + timedelta(days=3), tick=False):
        assert remind_unanswered_access_requests() == 0
    access_request.refresh_from_db()
    assert access_request.reminded_at == friday_after
    assert reminder_emails(contact.email).count() == 1
    assert "not been answered" in reminder_emails(contact.email).get().body


def test_reminder_reaches_contacts_with_an_account_in_their_inbox(requester, testbed, institute):
    person = UserFactory(email="ada.lab@ptb.example")
    MembershipFactory(user=person, institute=institute)
    with time_machine.travel(FRIDAY, tick=False):
        ask(requester, testbed)
    with time_machine.travel(FRIDAY + timedelta(days=7), tick=False):
        services.access_request_remind_all()
    (reminder,) = reminders()
    assert reminder.recipient == person
    assert "Dilution fridge" in reminder.title


@pytest.mark.parametrize("action", ["acknowledge", "discuss", "close"])
def test_answered_requests_are_never_reminded(requester, testbed, member, action):
    with time_machine.travel(FRIDAY, tick=False):
        access_request = ask(requester, testbed)
        services.access_request_answer(actor=member, request=access_request, action=action)
    with time_machine.travel(FRIDAY + timedelta(days=30), tick=False):
        assert services.access_request_remind_all() == 0
    access_request.refresh_from_db()
    assert access_request.reminded_at is None
    assert not reminders().exists()


@pytest.mark.parametrize(
    ("sent", "due"),
    [
        (date(2025, 3, 7), date(2025, 3, 14)),  # Friday → the Friday after
        (date(2025, 3, 8), date(2025, 3, 14)),  # Saturday → Friday
        (date(2025, 3, 10), date(2025, 3, 17)),  # Monday → the Monday after
        (date(2025, 3, 12), date(2025, 3, 19)),  # Wednesday → the Wednesday after
    ],
)
def test_reminder_counts_working_days_only(sent, due):
    assert sent < services.nth_working_day_back(due, 5)
    assert not sent < services.nth_working_day_back(due - timedelta(days=1), 5)


def test_reminder_task_is_scheduled_daily():
    from django.conf import settings

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "capabilities.tasks.remind_unanswered_access_requests" in tasks
    assert "capabilities.tasks.send_saved_search_alerts" in tasks


def test_events_are_kept_in_order(requester, testbed, member):
    access_request = ask(requester, testbed)
    for action in ("acknowledge", "discuss", "close"):
        services.access_request_answer(actor=member, request=access_request, action=action)
    assert list(workflow.events_for(access_request).values_list("from_state", "to_state")) == [
        ("", S.NEW),
        (S.NEW, S.ACKNOWLEDGED),
        (S.ACKNOWLEDGED, S.IN_DISCUSSION),
        (S.IN_DISCUSSION, S.CLOSED),
    ]
    assert timezone.now() >= access_request.created_at


def test_admin_shows_requests_and_saved_searches_read_only(client, requester, testbed):
    from capabilities.models import SavedSearch

    access_request = ask(requester, testbed)
    SavedSearch.objects.create(user=requester, name="Fridges", query="q=fridge")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for name in ("accessrequest", "savedsearch"):
        assert client.get(reverse(f"admin:capabilities_{name}_changelist")).status_code == 200
    change = reverse("admin:capabilities_accessrequest_change", args=[access_request.pk])
    response = client.get(change)
    assert response.status_code == 200
    assert client.post(change, {"organisation": "Hacked"}).status_code == 403
    access_request.refresh_from_db()
    assert access_request.organisation == "Qubit Devices Ltd"
