"""The industry needs board through every door: pages, forms, the API, the Atom feeds, the
change feed and the snapshot; a members-only need reaches nobody who is not an NMI-Q member."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from capabilities.models import TechnologyArea
from collaborations import services
from collaborations.enums import AnswerKind, NeedStatus, NeedVisibility
from collaborations.models import IndustryNeed, NeedAnswer, Project
from collaborations.permissions import need_viewers, need_visible
from tests.changes.support import list_api, read_feed, read_snapshot
from tests.collaborations.factories import (
    TechnicalWorkingAreaFactory,
    industry_member,
    member,
    need_posted,
)
from tests.factories import InstituteFactory, StaffFactory, TestbedFactory, UserFactory

pytestmark = pytest.mark.django_db

NEEDS = "/api/v1/needs/"
DIRECTORY = reverse("capabilities:directory")

#: Who looks for a members-only need, and whether they may see it.
SEEKERS = [
    ("anonymous", False),
    ("plain user", False),
    ("member of an unverified institute", False),
    ("NMI editor", True),
    ("poster", True),
    ("staff", True),
]


def seeker(role, need):
    return {
        "anonymous": None,
        "plain user": UserFactory(),
        "member of an unverified institute": member(InstituteFactory(verified=False)),
        "NMI editor": member(InstituteFactory()),
        "poster": need.posted_by,
        "staff": StaffFactory(),
    }[role]


def signed_in(client, user):
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def hidden():
    """A members-only need, and a public one beside it."""
    return need_posted(visibility=NeedVisibility.MEMBERS, title="Secret"), need_posted()


@pytest.mark.parametrize(("role", "sees"), SEEKERS)
def test_a_members_only_need_is_shown_on_the_pages_to_members_only(client, hidden, role, sees):
    secret, public = hidden
    signed_in(client, seeker(role, secret))
    page = client.get(secret.get_absolute_url())
    assert page.status_code == (200 if sees else 404)
    listing = client.get(reverse("collaborations:need_list")).content.decode()
    assert public.title in listing
    assert (secret.get_absolute_url() in listing) == sees


@pytest.mark.parametrize(("role", "sees"), SEEKERS)
def test_a_members_only_need_is_in_the_api_for_members_only(api, hidden, role, sees):
    secret, public = hidden
    user = seeker(role, secret)
    if user is not None:
        api.force_authenticate(user)
    listed = {item["uuid"] for item in api.get(NEEDS).json()["results"]}
    assert str(public.uuid) in listed
    assert (str(secret.uuid) in listed) == sees
    assert api.get(f"{NEEDS}{secret.uuid}/").status_code == (200 if sees else 404)


def test_the_atom_feeds_carry_open_public_needs_only(client, hidden):
    secret, public = hidden
    closed = need_posted(title="Closed one")
    services.need_close(actor=closed.posted_by, need=closed)
    for url in (
        reverse("collaborations:need_feed"),
        reverse("collaborations:need_area_feed", args=["single-photon-detectors"]),
    ):
        feed = client.get(url).content.decode()
        assert f"urn:uuid:{public.uuid}" in feed
        assert f"urn:uuid:{secret.uuid}" not in feed
        assert "Secret" not in feed
        assert f"urn:uuid:{closed.uuid}" not in feed
    other_area = reverse("collaborations:need_area_feed", args=["single-photon-sources"])
    assert f"urn:uuid:{public.uuid}" not in client.get(other_area).content.decode()


@pytest.mark.parametrize(("role", "sees"), SEEKERS)
def test_the_directory_search_finds_a_members_only_need_for_members_only(
    client, hidden, role, sees
):
    secret, public = hidden
    signed_in(client, seeker(role, secret))
    for params in ({"q": "fibre"}, {"q": "single-mode", "type": "need"}):
        for headers in ({}, {"HX-Request": "true"}):
            page = client.get(DIRECTORY, params, headers=headers).content.decode()
            assert public.get_absolute_url() in page, (params, headers)
            assert (secret.get_absolute_url() in page) == sees, (params, headers)
            assert ("NMI-Q members only" in page) == sees
    facets = client.get(DIRECTORY, {"q": "fibre"}).context["facets"]
    (types,) = [facet for facet in facets if facet.key == "type"]
    assert {value.value: value.count for value in types.values}["need"] == (2 if sees else 1)


@pytest.mark.django_db(transaction=True)
def test_the_change_feed_and_the_snapshot_carry_public_needs_as_the_anonymous_api_shows_them(
    api,
):
    secret = need_posted(visibility=NeedVisibility.MEMBERS, title="Secret")
    public = need_posted()
    nmi = member(InstituteFactory())
    services.need_answer_comment(
        actor=nmi, need=public, institute=nmi.memberships.get().institute, comment="Yes"
    )
    events, _cursor = read_feed(api)
    needs = {event["uuid"]: event for event in events if event["type"] == "need"}
    assert set(needs) == {str(public.uuid)}
    assert str(secret.uuid) not in str(events)
    shown = api.get(f"{NEEDS}{public.uuid}/").json()
    assert needs[str(public.uuid)]["data"]["answer_count"] == 1
    lines, _cursor = read_snapshot(api, types="need")
    assert [line["uuid"] for line in lines] == [str(public.uuid)]
    assert lines[0]["data"]["title"] == shown["title"]
    assert set(list_api(api, types=["need"])) == {("need", str(public.uuid))}


# --- Posting, answering, deciding on the pages ---------------------------------------------------


def _form(**values):
    return {
        "title": "Timing jitter of SNSPDs",
        "description": "Below 20 ps.",
        "technology_area": TechnologyArea.objects.get(slug="single-photon-detectors").pk,
        "urgency": "medium",
        "visibility": "public",
        "wavelength_min_nm": "1.5 µm",
        "wavelength_max_nm": "1600 nm",
        **values,
    }


def test_an_industry_member_posts_a_need_with_ranges_in_their_units(client):
    poster = industry_member()
    institute = poster.memberships.get().institute
    client.force_login(poster)
    response = client.post(reverse("collaborations:need_create"), _form(institute=institute.pk))
    need = IndustryNeed.objects.get()
    assert response.url == need.get_absolute_url()
    assert (need.wavelength_min_nm, need.wavelength_max_nm) == pytest.approx((1500.0, 1600.0))
    assert need.posted_by == poster


def test_a_range_in_a_unit_of_another_quantity_is_a_clear_error_and_changes_nothing(client):
    poster = industry_member()
    client.force_login(poster)
    response = client.post(
        reverse("collaborations:need_create"),
        _form(institute=poster.memberships.get().institute.pk, wavelength_max_nm="4 K"),
    )
    assert response.status_code == 200
    assert "is not a unit of wavelength" in response.content.decode()
    assert not IndustryNeed.objects.exists()


def test_an_edit_with_a_range_in_a_unit_of_another_quantity_changes_nothing(client):
    need = need_posted(wavelength_min_nm=1500.0, wavelength_max_nm=1600.0)
    client.force_login(need.posted_by)
    response = client.post(
        reverse("collaborations:need_edit", args=[need.slug]),
        _form(title="Changed", wavelength_min_nm="1 GHz", version=need.version),
    )
    assert response.status_code == 200
    assert "is not a unit of wavelength" in response.content.decode()
    stored = IndustryNeed.objects.get()
    assert (stored.title, stored.version, stored.wavelength_min_nm) == (
        need.title,
        need.version,
        1500.0,
    )


def test_people_who_may_not_post_are_told_how_to(client):
    client.force_login(member(InstituteFactory()))
    response = client.get(reverse("collaborations:need_create"))
    assert response.status_code == 403
    assert not IndustryNeed.objects.exists()


@pytest.mark.parametrize("role", ["plain user", "NMI editor"])
def test_only_the_poster_and_staff_open_the_edit_form(client, role):
    need = need_posted()
    client.force_login(seeker(role, need))
    url = reverse("collaborations:need_edit", args=[need.slug])
    assert client.get(url).status_code == 403
    assert client.post(url, {"title": "Changed", "version": need.version}).status_code == 403
    need.refresh_from_db()
    assert need.title != "Changed"


def test_an_editor_answers_with_a_testbed_then_proposes_a_project_in_two_clicks(client):
    need = need_posted(wavelength_min_nm=1550.0, wavelength_max_nm=1550.0)
    twa = TechnicalWorkingAreaFactory()
    twa.technology_areas.set([need.technology_area])
    testbed = TestbedFactory(wavelength_min_nm=710.0, wavelength_max_nm=1550.0)
    testbed.technology_areas.set([need.technology_area])
    editor = member(testbed.institute)
    client.force_login(editor)
    page = client.get(need.get_absolute_url()).content.decode()
    assert testbed.name in page
    assert "covers 1550\u00a0nm" in page
    client.post(
        reverse("collaborations:need_answer", args=[need.slug]),
        {"kind": "capability", "record": f"testbed:{testbed.pk}", "comment": "Ours"},
    )
    assert NeedAnswer.objects.get().testbed == testbed
    # First click: the proposal form, filled in from the need.
    url = f"{reverse('collaborations:project_create')}?need={need.slug}"
    form = client.get(url).context["form"]
    assert form.initial["title"] == need.title
    assert form.initial["twa"] == twa
    # Second click: save the draft as it comes.
    data = {
        name: (value.pk if hasattr(value, "pk") else value)
        for name, value in form.initial.items()
        if value is not None
    }
    data.update(
        {
            "lead_institute": testbed.institute.pk,
            "deliverables-TOTAL_FORMS": "0",
            "deliverables-INITIAL_FORMS": "0",
        }
    )
    response = client.post(url, data)
    project = Project.objects.get()
    assert response.url == project.get_absolute_url()
    assert project.need_answer.need == need
    assert list(need.answers.values_list("kind", flat=True)) == [
        AnswerKind.CAPABILITY,
        AnswerKind.PROPOSAL,
    ]


def test_the_poster_marks_the_need_met_by_an_answer(client):
    need = need_posted()
    nmi = member(InstituteFactory())
    answer = services.need_answer_comment(
        actor=nmi, need=need, institute=nmi.memberships.get().institute, comment="Yes"
    )
    client.force_login(need.posted_by)
    client.post(reverse("collaborations:need_met", args=[need.slug]), {"answer": answer.pk})
    need.refresh_from_db()
    assert (need.status, need.met_by) == (NeedStatus.MET, answer)


def test_someone_else_cannot_close_a_need_through_the_page(client):
    need = need_posted()
    client.force_login(member(InstituteFactory()))
    response = client.post(
        reverse("collaborations:need_close", args=[need.slug]), {"action": "close"}
    )
    assert response.status_code == 403
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN


# --- The API writes -----------------------------------------------------------------------------


def test_a_need_is_posted_and_answered_through_the_api_with_the_same_rules(api):
    poster = industry_member()
    api.force_authenticate(poster)
    body = {
        "institute": str(poster.memberships.get().institute.uuid),
        "title": "Dark counts",
        "description": "Of SNSPDs.",
        "technology_area": "single-photon-detectors",
        "ranges": {"wavelength": {"min": "1.55 µm", "max": "1.55 µm"}},
    }
    wrong = api.post(NEEDS, {**body, "ranges": {"wavelength": {"min": "4 K"}}}, format="json")
    assert wrong.status_code == 400
    assert not IndustryNeed.objects.exists()
    created = api.post(NEEDS, body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["ranges"]["wavelength"]["unit"] == "nm"
    need = IndustryNeed.objects.get()
    nmi = member(InstituteFactory())
    api.force_authenticate(nmi)
    answer = {"institute": str(nmi.memberships.get().institute.uuid), "comment": "We can."}
    response = api.post(f"{NEEDS}{need.uuid}/answer/", answer, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["answers"][0]["comment"] == "We can."
    api.force_authenticate(UserFactory())
    assert api.post(f"{NEEDS}{need.uuid}/answer/", answer, format="json").status_code == 403
    api.force_authenticate(member(InstituteFactory()))
    assert api.post(NEEDS, body, format="json").status_code == 403
    assert IndustryNeed.objects.count() == 1


# --- Query counts at two sizes -----------------------------------------------------------------


def _grow(n=3):
    for _ in range(n):
        need = need_posted(visibility=NeedVisibility.MEMBERS)
        nmi = member(InstituteFactory())
        services.need_answer_comment(
            actor=nmi, need=need, institute=nmi.memberships.get().institute, comment="Yes"
        )


@pytest.mark.parametrize("url", [reverse("collaborations:need_list"), NEEDS])
def test_the_need_list_and_endpoint_queries_do_not_grow_with_needs(
    client, url, django_assert_num_queries
):
    need_posted()
    client.force_login(member(InstituteFactory()))
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow()
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize(("role", "sees"), [row for row in SEEKERS if row[0] != "anonymous"])
def test_who_is_told_of_a_need_is_who_may_see_it(hidden, role, sees):
    """need_viewers, the queryset notices and withdrawals are sent by, agrees with the pages'
    rule for one person, for a members-only need and a public one."""
    secret, public = hidden
    user = seeker(role, secret)
    assert (user in need_viewers(secret)) == sees == need_visible(user, secret)
    assert user in need_viewers(public)
