import pytest
from django.urls import reverse

from nmiq_portal.notifications.models import Notification
from nmiq_portal.notifications.registry import NotificationType, register
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

INBOX = reverse("notifications:inbox")
SEEN = register(NotificationType(key="tests.inbox_item", title="%(what)s needs you"))


def make(recipient, n=1, **fields):
    return [
        Notification.objects.create(
            recipient=recipient, verb=SEEN.key, data={"what": f"Item {i}"}, **fields
        )
        for i in range(n)
    ]


@pytest.fixture
def reader(client):
    user = UserFactory()
    client.force_login(user)
    return user


def test_inbox_lists_my_notifications_only_with_an_unread_badge(client, reader):
    make(reader, 2)
    make(UserFactory(), 1)
    response = client.get(INBOX)
    page = response.context["page"]
    assert [n.recipient for n in page.object_list] == [reader, reader]
    html = response.content.decode()
    assert 'data-testid="unread-badge">2<' in html
    assert "Item 0 needs you" in html


def test_unread_filter(client, reader):
    read, unread = make(reader, 2)
    Notification.objects.filter(pk=read.pk).update(read_at="2026-01-01T00:00Z")
    response = client.get(INBOX, {"filter": "unread"})
    assert list(response.context["page"].object_list) == [unread]


def test_opening_marks_read_and_follows_the_local_link(client, reader):
    (notification,) = make(reader, url="/institutes/")
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response.url == "/institutes/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_opening_never_redirects_off_site(client, reader):
    (notification,) = make(reader, url="https://evil.example/phish")
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response.url == INBOX


@pytest.mark.parametrize("view", ["notifications:open", "notifications:mark_read"])
def test_someone_elses_notification_is_404_and_stays_unread(client, reader, view):
    (other,) = make(UserFactory())
    method = client.get if view.endswith("open") else client.post
    assert method(reverse(view, args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_mark_read_with_htmx_swaps_just_the_item(client, reader):
    (notification,) = make(reader)
    response = client.post(
        reverse("notifications:mark_read", args=[notification.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith("<li")
    assert "Mark as read" not in response.content.decode()


def test_mark_all_read_needs_a_post(client, reader):
    make(reader, 3)
    assert client.get(reverse("notifications:mark_all_read")).status_code == 405
    response = client.post(reverse("notifications:mark_all_read"), follow=True)
    assert "3 notifications marked as read." in response.content.decode()
    assert not Notification.objects.filter(recipient=reader, read_at__isnull=True).exists()


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_inbox_queries_do_not_grow_with_the_page(client, reader, django_assert_num_queries):
    make(reader, 3)
    with django_assert_num_queries(5) as few:  # the unread count and "do they review?" in one
        client.get(INBOX)
    make(reader, 30)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(INBOX)
