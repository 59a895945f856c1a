from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from capabilities import services
from capabilities.enums import Visibility
from capabilities.models import SavedSearch
from capabilities.tasks import send_saved_search_alerts
from nmiq_portal.notifications.models import OutgoingEmail
from tests.factories import (
    MembershipFactory,
    ServiceFactory,
    StaffFactory,
    TestbedFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MONDAY = datetime(2025, 3, 10, 6, 30, tzinfo=UTC)
LIST_URL = reverse("capabilities:saved_search_list")
CREATE_URL = reverse("capabilities:saved_search_create")


@pytest.fixture
def person():
    return UserFactory(name="Grace Industry")


def save(actor, name="Cryogenic testbeds", query=""):
    return services.saved_search_create(actor=actor, name=name, query=query)


def alerts_to(user):
    return OutgoingEmail.objects.filter(to=user.email)


# --- Saving, deleting, switching alerts --------------------------------------------------------


def test_saving_drops_the_page_number_and_empty_values(person):
    saved = save(person, query="q=cryostat&page=3&economy=DE&economy=FR&rmo=&sort=name")
    assert saved.query == "q=cryostat&economy=DE&economy=FR&sort=name"
    assert saved.alerts is True
    assert saved.get_absolute_url() == "/directory/?q=cryostat&economy=DE&economy=FR&sort=name"


@pytest.mark.parametrize(
    ("name", "field"),
    [("   ", "name"), ("cryogenic TESTBEDS", "name")],
)
def test_bad_names_are_refused_on_their_field(person, name, field):
    save(person)
    with pytest.raises(ValidationError) as error:
        save(person, name=name)
    assert field in error.value.message_dict
    assert SavedSearch.objects.count() == 1


def test_another_person_may_use_the_same_name(person):
    save(person)
    save(UserFactory())
    assert SavedSearch.objects.count() == 2


def test_a_too_long_search_is_refused(person):
    with pytest.raises(ValidationError) as error:
        save(person, query="q=" + "x" * 2100)
    assert "query" in error.value.message_dict


def test_anonymous_cannot_save():
    with pytest.raises(PermissionDenied):
        save(AnonymousUser())


def test_only_the_owner_deletes_or_switches_alerts(person):
    saved = save(person)
    for actor in (UserFactory(), StaffFactory()):
        with pytest.raises(PermissionDenied):
            services.saved_search_delete(actor=actor, saved_search=saved)
        with pytest.raises(PermissionDenied):
            services.saved_search_set_alerts(actor=actor, saved_search=saved, alerts=False)
    saved.refresh_from_db()
    assert saved.alerts
    services.saved_search_delete(actor=person, saved_search=saved)
    assert not SavedSearch.objects.exists()


def test_switching_alerts_back_on_starts_from_now(person):
    with time_machine.travel(MONDAY, tick=False):
        saved = save(person)
        services.saved_search_set_alerts(actor=person, saved_search=saved, alerts=False)
    with time_machine.travel(MONDAY + timedelta(days=3), tick=False):
        TestbedFactory()  # published while the alerts were off
        saved = services.saved_search_set_alerts(actor=person, saved_search=saved, alerts=True)
    assert saved.last_alerted_at == MONDAY + timedelta(days=3)
    with time_machine.travel(MONDAY + timedelta(days=4), tick=False):
        assert send_saved_search_alerts() == 0


# --- Pages -------------------------------------------------------------------------------------


def test_saving_from_the_directory_goes_back_to_the_search(client, person):
    client.force_login(person)
    response = client.post(CREATE_URL, {"name": "Clocks", "query": "q=clock&page=2"})
    assert response.status_code == 302
    assert response.url == "/directory/?q=clock"
    saved = SavedSearch.objects.get()
    assert (saved.user, saved.name, saved.query) == (person, "Clocks", "q=clock")


def test_refused_save_shows_why_and_saves_nothing_more(client, person):
    save(person, name="Clocks")
    client.force_login(person)
    response = client.post(CREATE_URL, {"name": "clocks", "query": "q=clock"}, follow=True)
    assert "already have a saved search" in response.text
    response = client.post(CREATE_URL, {"name": "", "query": "q=clock"}, follow=True)
    assert response.redirect_chain[-1][0] == "/directory/?q=clock"
    assert SavedSearch.objects.count() == 1


def test_anonymous_is_sent_to_sign_in_by_every_write_view(client, person):
    saved = save(person)
    for url in (
        CREATE_URL,
        reverse("capabilities:saved_search_delete", kwargs={"uuid": saved.uuid}),
        reverse("capabilities:saved_search_alerts", kwargs={"uuid": saved.uuid}),
    ):
        response = client.post(url, {"name": "Mine", "query": "", "alerts": ""})
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    assert client.get(LIST_URL).status_code == 302
    saved.refresh_from_db()
    assert saved.alerts
    assert SavedSearch.objects.count() == 1


def test_write_views_are_post_only(client, person):
    saved = save(person)
    client.force_login(person)
    assert client.get(CREATE_URL).status_code == 405
    delete_url = reverse("capabilities:saved_search_delete", kwargs={"uuid": saved.uuid})
    assert client.get(delete_url).status_code == 405
    assert SavedSearch.objects.exists()


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("plain user", 403),
        ("member of another institute", 403),
        ("member of an institute", 403),
        ("staff", 403),
        ("owner", 302),
    ],
)
def test_delete_and_alerts_views_permissions(client, person, role, expected):
    saved = save(person)
    actor = {
        "plain user": UserFactory,
        "member of another institute": lambda: MembershipFactory().user,
        "member of an institute": lambda: MembershipFactory().user,
        "staff": StaffFactory,
        "owner": lambda: person,
    }[role]()
    client.force_login(actor)
    alerts_url = reverse("capabilities:saved_search_alerts", kwargs={"uuid": saved.uuid})
    assert client.post(alerts_url, {}).status_code == expected
    saved.refresh_from_db()
    assert saved.alerts is (expected != 302)
    delete_url = reverse("capabilities:saved_search_delete", kwargs={"uuid": saved.uuid})
    assert client.post(delete_url).status_code == expected
    assert SavedSearch.objects.filter(pk=saved.pk).exists() is (expected != 302)


def test_alerts_view_switches_back_on(client, person):
    saved = save(person)
    services.saved_search_set_alerts(actor=person, saved_search=saved, alerts=False)
    client.force_login(person)
    url = reverse("capabilities:saved_search_alerts", kwargs={"uuid": saved.uuid})
    assert client.post(url, {"alerts": "on"}).status_code == 302
    saved.refresh_from_db()
    assert saved.alerts


def test_list_links_back_to_the_directory_and_shows_only_mine(client, person):
    mine = save(person, name="Clocks", query="q=clock&economy=DE")
    save(UserFactory(), name="Someone else's")
    client.force_login(person)
    response = client.get(LIST_URL)
    assert list(response.context["page"].object_list) == [mine]
    assert 'href="/directory/?q=clock&amp;economy=DE"' in response.text
    assert reverse("capabilities:saved_search_delete", kwargs={"uuid": mine.uuid}) in (
        response.text
    )


def test_list_page_queries_are_constant_in_page_size(
    client, person, django_assert_num_queries, django_assert_max_num_queries
):
    save(person, name="one")
    client.force_login(person)
    with django_assert_max_num_queries(8) as few:
        client.get(LIST_URL)
    for n in range(12):
        save(person, name=f"search {n}")
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(LIST_URL)
    assert len(response.context["page"].object_list) == 13


def render_partial(user, query):
    request = RequestFactory().get("/directory/", query)
    request.user = user
    return render_to_string("capabilities/_save_search.html", {"user": user}, request=request)


def test_save_search_partial_is_for_signed_in_people_only(person):
    assert render_partial(AnonymousUser(), {"q": "clock"}).strip() == ""
    html = render_partial(person, {"q": "clock", "economy": ["DE", "FR"], "page": "2"})
    assert f'action="{CREATE_URL}"' in html
    assert 'name="query" value="q=clock&amp;economy=DE&amp;economy=FR&amp;page=2"' in html
    assert 'name="name"' in html


# --- Daily alerts ------------------------------------------------------------------------------


def test_a_new_public_match_is_emailed_once(person, institute):
    with time_machine.travel(MONDAY - timedelta(days=2), tick=False):
        TestbedFactory(institute=institute, name="Old cryostat")  # before the search: not new
        saved = save(person)
    with time_machine.travel(MONDAY - timedelta(hours=5), tick=False):
        testbed = TestbedFactory(institute=institute, name="Dilution refrigerator")
        service = ServiceFactory(institute=institute, name="Cryogenic attenuation")
    with time_machine.travel(MONDAY, tick=False):
        assert send_saved_search_alerts() == 1
        assert send_saved_search_alerts() == 0, "a second run the same day sends nothing"
    (message,) = alerts_to(person)
    assert "Cryogenic testbeds" in message.subject
    assert "2 new matches" in message.subject
    assert "Dilution refrigerator" in message.body
    assert "Cryogenic attenuation" in message.body
    assert f"http://127.0.0.1:8000{testbed.get_absolute_url()}" in message.body
    assert f"http://127.0.0.1:8000{service.get_absolute_url()}" in message.body
    assert "Old cryostat" not in message.body
    assert LIST_URL in message.body
    saved.refresh_from_db()
    assert saved.last_alerted_at == MONDAY


def test_nothing_new_sends_nothing(person, institute):
    with time_machine.travel(MONDAY - timedelta(days=2), tick=False):
        TestbedFactory(institute=institute)
        saved = save(person)
    with time_machine.travel(MONDAY, tick=False):
        assert send_saved_search_alerts() == 0
    assert not OutgoingEmail.objects.exists()
    saved.refresh_from_db()
    assert saved.last_alerted_at == MONDAY


def test_the_next_alert_only_has_what_came_after_the_last_one(person, institute):
    with time_machine.travel(MONDAY - timedelta(days=1), tick=False):
        save(person)
    with time_machine.travel(MONDAY - timedelta(hours=12), tick=False):
        TestbedFactory(institute=institute, name="First fridge")
    with time_machine.travel(MONDAY, tick=False):
        send_saved_search_alerts()
    with time_machine.travel(MONDAY + timedelta(hours=3), tick=False):
        TestbedFactory(institute=institute, name="Second fridge")
    with time_machine.travel(MONDAY + timedelta(days=1), tick=False):
        assert send_saved_search_alerts() == 1
    first, second = alerts_to(person).order_by("pk")
    assert "First fridge" in first.body
    assert "Second fridge" in second.body
    assert "First fridge" not in second.body


@pytest.mark.parametrize(
    "hidden",
    [
        {"visibility": Visibility.MEMBERS},
        {"visibility": Visibility.INSTITUTE},
        {"published": False},
    ],
)
def test_members_only_and_draft_records_never_reach_a_plain_users_alert(person, institute, hidden):
    with time_machine.travel(MONDAY - timedelta(days=1), tick=False):
        save(person)
    with time_machine.travel(MONDAY - timedelta(hours=12), tick=False):
        TestbedFactory(institute=institute, name="Secret fridge", **hidden)
    with time_machine.travel(MONDAY, tick=False):
        assert send_saved_search_alerts() == 0
    assert not OutgoingEmail.objects.exists()
    with time_machine.travel(MONDAY + timedelta(hours=1), tick=False):
        TestbedFactory(institute=institute, name="Public fridge")
    with time_machine.travel(MONDAY + timedelta(days=1), tick=False):
        assert send_saved_search_alerts() == 1
    (message,) = alerts_to(person)
    assert "Public fridge" in message.body
    assert "Secret fridge" not in message.body


def test_a_members_only_record_reaches_a_peer(institute):
    peer = MembershipFactory().user
    with time_machine.travel(MONDAY - timedelta(days=1), tick=False):
        save(peer)
    with time_machine.travel(MONDAY - timedelta(hours=12), tick=False):
        TestbedFactory(institute=institute, name="Peer fridge", visibility=Visibility.MEMBERS)
    with time_machine.travel(MONDAY, tick=False):
        assert send_saved_search_alerts() == 1
    assert "Peer fridge" in alerts_to(peer).get().body


def test_the_saved_filters_apply(person, institute):
    with time_machine.travel(MONDAY - timedelta(days=1), tick=False):
        save(person, query="type=service")
    with time_machine.travel(MONDAY - timedelta(hours=12), tick=False):
        TestbedFactory(institute=institute, name="Some fridge")
    with time_machine.travel(MONDAY, tick=False):
        assert send_saved_search_alerts() == 0
    with time_machine.travel(MONDAY + timedelta(hours=1), tick=False):
        ServiceFactory(institute=institute, name="Some calibration")
    with time_machine.travel(MONDAY + timedelta(days=1), tick=False):
        assert send_saved_search_alerts() == 1
    body = alerts_to(person).get().body
    assert "Some calibration" in body
    assert "Some fridge" not in body


def test_searches_with_alerts_off_and_inactive_people_get_nothing(person, institute):
    gone = UserFactory()
    with time_machine.travel(MONDAY - timedelta(days=1), tick=False):
        saved = save(person)
        services.saved_search_set_alerts(actor=person, saved_search=saved, alerts=False)
        save(gone)
        gone.is_active = False
        gone.save()
    with time_machine.travel(MONDAY - timedelta(hours=12), tick=False):
        TestbedFactory(institute=institute)
    with time_machine.travel(MONDAY, tick=False):
        assert send_saved_search_alerts() == 0
    assert not OutgoingEmail.objects.exists()


def test_the_alert_is_written_in_the_persons_language(person, institute, monkeypatch):
    from django.utils import translation

    languages = []
    original = translation.override

    def spy(language, *args, **kwargs):
        languages.append(language)
        return original(language, *args, **kwargs)

    person.language = "fr"
    person.save()
    with time_machine.travel(MONDAY - timedelta(days=1), tick=False):
        save(person)
    with time_machine.travel(MONDAY - timedelta(hours=12), tick=False):
        TestbedFactory(institute=institute)  # indexed in the site's language
    monkeypatch.setattr(translation, "override", spy)
    with time_machine.travel(MONDAY, tick=False):
        assert send_saved_search_alerts() == 1
    assert languages == ["fr"]


# --- Isolation and validation -------------------------------------------------------------------


@pytest.mark.parametrize("query", ["temperature_min=4+zorks", "temperature_max=1e999+K"])
def test_a_search_that_cannot_run_is_refused_when_saved(person, query):
    with pytest.raises(ValidationError) as error:
        save(person, query=query)
    assert "query" in error.value.message_dict
    assert not SavedSearch.objects.filter(user=person).exists()


def test_one_failing_alert_does_not_stop_the_others_and_is_retried(
    person, institute, monkeypatch, caplog
):
    from capabilities.services import saved_searches

    with time_machine.travel(MONDAY - timedelta(days=2), tick=False):
        broken = save(person, name="Broken")
        working = save(UserFactory(), name="Working")
    with time_machine.travel(MONDAY - timedelta(hours=5), tick=False):
        TestbedFactory(institute=institute, name="Dilution refrigerator")
    run = saved_searches.directory_matches

    def failing_for_broken(*, user, params, since=None):
        if user == person:
            raise RuntimeError("the search index is unreachable")
        return run(user=user, params=params, since=since)

    monkeypatch.setattr(saved_searches, "directory_matches", failing_for_broken)
    with time_machine.travel(MONDAY, tick=False):
        assert send_saved_search_alerts() == 1
    assert f"saved search {broken.pk} failed" in caplog.text
    working.refresh_from_db()
    broken.refresh_from_db()
    assert working.last_alerted_at == MONDAY
    assert broken.last_alerted_at is None, "left as it was, so the next run retries it"

    monkeypatch.setattr(saved_searches, "directory_matches", run)
    with time_machine.travel(MONDAY + timedelta(days=1), tick=False):
        assert send_saved_search_alerts() == 1
    assert alerts_to(person).count() == 1
