"""The guide pages and their files: who sees which version through every page and file URL,
the stable URLs, the upload form's refusals, and query counts at two sizes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from outputs.enums import GuideVersionStatus as S
from outputs.models import Guide, GuideVersion
from tests.factories import GuideFactory, GuideVersionFactory, guide_pdf_upload
from tests.outputs.guides_world import GUIDE_ROLES, guide_media, guide_world  # noqa: F401
from tests.support import shared_data

pytestmark = pytest.mark.django_db

#: Who may open each version (page and PDF), by its state.
SEES = {
    "draft": {"author", "staff"},
    "in_review": {"author", "coordinator", "staff"},
    "published": set(GUIDE_ROLES),
    "superseded": set(GUIDE_ROLES),
}


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker, guide_media):  # noqa: F811
    """One guide with 1.0.0 superseded, 1.1.0 published, 1.2.0 in review and 2.0.0 a draft,
    and a second guide of the same institute with only a draft."""
    with shared_data(django_db_blocker):
        world = guide_world(S.PUBLISHED)
        guide, author, coordinator = world.guide, world["author"], world["coordinator"]
        world.versions = {"superseded": world.version}
        for state, number in (("published", "1.1.0"), ("in_review", "1.2.0"), ("draft", "2.0.0")):
            world.versions[state] = GuideVersionFactory(
                guide=guide, author=author, reviewer=coordinator, state=state, number=number
            )
        world.versions["superseded"].refresh_from_db()
        world.draft_guide = GuideFactory(
            title="Secret drafting of a quantum guide",
            twa=guide.twa,
            institute=guide.institutes.get(),
            author=author,
        )
        GuideVersionFactory(guide=world.draft_guide, author=author, number="0.1.0")
        yield world


@pytest.fixture
def world(_world, db):
    return _world.copy()


def _client_as(client, user):
    if user is not None:
        client.force_login(user)
    return client


def test_the_world_is_as_described(world):
    statuses = {
        state: GuideVersion.objects.get(pk=v.pk).status for state, v in world.versions.items()
    }
    assert statuses == {state: state for state in SEES}


@pytest.mark.parametrize("role", GUIDE_ROLES)
@pytest.mark.parametrize("state", sorted(SEES))
def test_each_version_page_and_file_is_reachable_only_by_who_may_see_it(client, world, role, state):
    version = world.versions[state]
    client = _client_as(client, world[role])
    page = client.get(version.get_absolute_url())
    file = client.get(version.get_file_url())
    if role in SEES[state]:
        assert page.status_code == 200
        assert file.status_code == 200
        assert file["Content-Type"] == "application/pdf"
        assert file["X-Content-Type-Options"] == "nosniff"
        assert file["Content-Disposition"].startswith("attachment;")
        assert b"".join(file.streaming_content).startswith(b"%PDF-")
    else:
        assert page.status_code == 404
        assert file.status_code == 404


@pytest.mark.parametrize("role", GUIDE_ROLES)
def test_no_one_but_authors_and_reviewers_learns_of_a_draft_on_the_guide_page(client, world, role):
    body = _client_as(client, world[role]).get(world.guide.get_absolute_url()).content.decode()
    assert "1.1.0" in body
    assert ("2.0.0" in body) == (role in SEES["draft"])
    assert ("1.2.0" in body) == (role in SEES["in_review"])


def test_a_guide_with_only_drafts_is_not_listed_nor_found_for_the_public(client, world):
    listed = client.get(reverse("outputs:guide_list")).content.decode()
    assert world.guide.title in listed
    assert world.draft_guide.title not in listed
    found = client.get(reverse("outputs:guide_list"), {"q": "Secret drafting"})
    assert world.draft_guide.title not in found.content.decode()
    assert client.get(world.draft_guide.get_absolute_url()).status_code == 404
    assert (
        client.get(reverse("outputs:guide_latest", args=[world.draft_guide.slug])).status_code
        == 404
    )


def test_the_storage_path_of_a_file_is_not_served(client, world, settings):
    for version in world.versions.values():
        assert client.get(f"{settings.MEDIA_URL}{version.file.name}").status_code == 404
    author = _client_as(client, world["author"])
    assert author.get(f"{settings.MEDIA_URL}{world.versions['draft'].file.name}").status_code == 404


def test_a_file_lost_by_the_store_is_a_404_and_logged(client, caplog):
    version = GuideVersionFactory(state=S.PUBLISHED)
    version.file.storage.delete(version.file.name)
    with caplog.at_level("ERROR", logger="outputs.views.guides"):
        response = client.get(version.get_file_url())
    assert response.status_code == 404
    assert f"guide version {version.pk} is missing" in caplog.text


def test_latest_is_the_published_version_and_stays_stable(client, world):
    guide = world.guide
    latest = client.get(reverse("outputs:guide_latest", args=[guide.slug]))
    assert latest.status_code == 302
    assert latest["Location"] == world.versions["published"].get_absolute_url()
    file = client.get(reverse("outputs:guide_latest_file", args=[guide.slug]))
    assert file.status_code == 200
    assert file["Content-Disposition"].startswith("attachment;")


def test_the_superseded_version_says_so_and_points_to_the_latest(client, world):
    body = client.get(world.versions["superseded"].get_absolute_url()).content.decode()
    assert "superseded by version 1.1.0" in body
    assert world.versions["published"].get_absolute_url() in body


def test_the_guide_list_links_its_atom_feed(client, world):
    body = client.get(reverse("outputs:guide_list")).content.decode()
    assert (
        f'<link rel="alternate" type="application/atom+xml" title="New versions of good-practice'
        f' guides" href="{reverse("outputs:guide_feed")}">' in body
    )


def test_the_atom_feed_lists_published_versions_only(client, world):
    response = client.get(reverse("outputs:guide_feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert "version 1.1.0" in body
    assert "version 1.0.0" in body
    assert "1.2.0" not in body
    assert "2.0.0" not in body
    assert world.draft_guide.title not in body


def test_a_withdrawn_version_stays_listed_with_its_reason_but_is_not_served(client, world):
    from outputs import services

    services.guide_version_transition(
        actor=world["coordinator"],
        guide_version=world.versions["published"],
        action="withdraw",
        comment="A mistake in the attenuator budget.",
    )
    body = client.get(world.guide.get_absolute_url()).content.decode()
    assert "A mistake in the attenuator budget." in body
    assert client.get(world.versions["published"].get_file_url()).status_code == 404
    assert client.get(world.versions["superseded"].get_file_url()).status_code == 200


# --- Forms ----------------------------------------------------------------------------------


def test_an_author_uploads_a_version_as_a_draft_and_submits_it(client, world):
    client = _client_as(client, world["author"])
    response = client.post(
        reverse("outputs:guide_version_create", args=[world.guide.slug]),
        {
            "number": "2.1.0",
            "change_notes": "New *section*.",
            "file": guide_pdf_upload("x"),
            "submit": "1",
        },
    )
    version = GuideVersion.objects.get(guide=world.guide, number="2.1.0")
    assert response.status_code == 302
    assert response["Location"] == version.get_absolute_url()
    assert version.status == S.IN_REVIEW
    assert list(version.authors.all()) == [world["author"]]


@pytest.mark.parametrize(
    ("upload", "field_error"),
    [
        ("html", "This file is not a PDF."),
        ("empty_number", "This field is required."),
        ("bad_number", "Write a semantic version"),
        ("taken_number", "already has version 1.1.0"),
    ],
)
def test_a_bad_upload_is_a_field_error_and_nothing_is_stored(client, world, upload, field_error):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = _client_as(client, world["author"])
    data = {"number": "3.0.0", "change_notes": "", "file": guide_pdf_upload("x")}
    if upload == "html":
        data["file"] = SimpleUploadedFile("guide.pdf", b"<html></html>", "application/pdf")
    elif upload == "empty_number":
        data["number"] = ""
    elif upload == "bad_number":
        data["number"] = "v3"
    else:
        data["number"] = "1.1.0"
    before = GuideVersion.objects.count()
    response = client.post(reverse("outputs:guide_version_create", args=[world.guide.slug]), data)
    assert response.status_code == 200
    assert field_error in response.content.decode()
    assert GuideVersion.objects.count() == before


@pytest.mark.parametrize("role", GUIDE_ROLES)
def test_only_members_of_an_authoring_institute_and_staff_open_the_upload_form(client, world, role):
    response = _client_as(client, world[role]).get(
        reverse("outputs:guide_version_create", args=[world.guide.slug])
    )
    if role in ("author", "colleague", "conflicted coordinator", "staff"):
        assert response.status_code == 200
    elif role == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == 403


def test_a_stale_edit_of_a_guide_is_a_conflict(client, world):
    from outputs import services

    client = _client_as(client, world["author"])
    url = reverse("outputs:guide_edit", args=[world.guide.slug])
    form = client.get(url).context["form"]
    services.guide_update(
        actor=world["colleague"],
        guide=world.guide,
        version=world.guide.version,
        summary="Changed meanwhile.",
    )
    data = {
        "version": form.fields["version"].initial,
        "title": world.guide.title,
        "summary": "My summary.",
        "twa": world.guide.twa_id,
        "institutes": [i.pk for i in world.guide.institutes.all()],
    }
    response = client.post(url, data)
    assert response.status_code == 409
    assert "Changed meanwhile." in response.content.decode()


def test_a_member_starts_a_guide_from_the_page(client, world):
    client = _client_as(client, world["colleague"])
    response = client.post(
        reverse("outputs:guide_create"),
        {
            "title": "Feed",
            "summary": "Reading the second-order correlation g(2) of a source.",
            "twa": world.guide.twa_id,
            "institutes": [i.pk for i in world.guide.institutes.all()],
        },
    )
    guide = Guide.objects.get(title="Feed")
    assert response.status_code == 302
    assert guide.slug != "feed", "a guide's slug never takes the feed's address"
    assert response["Location"] == guide.get_absolute_url()


def test_an_author_revises_a_draft_and_a_stale_copy_is_a_conflict(client, world):
    from outputs import services

    draft = world.versions["draft"]
    client = _client_as(client, world["author"])
    url = reverse("outputs:guide_version_edit", args=[world.guide.slug, draft.number])
    stale_version = client.get(url).context["form"].fields["version"].initial
    response = client.post(
        url,
        {
            "version": stale_version,
            "number": "2.0.1",
            "change_notes": "Typos fixed.",
            "file": guide_pdf_upload("Revised"),
        },
    )
    revised = GuideVersion.objects.get(pk=draft.pk)
    assert response.status_code == 302
    assert (revised.number, revised.change_notes) == ("2.0.1", "Typos fixed.")
    assert revised.file.name != draft.file.name
    services.guide_version_update(
        actor=world["author"],
        guide_version=revised,
        version=revised.version,
        change_notes="Meanwhile.",
    )
    url = reverse("outputs:guide_version_edit", args=[world.guide.slug, "2.0.1"])
    response = client.post(
        url, {"version": revised.version, "number": "2.0.1", "change_notes": "Mine."}
    )
    assert response.status_code == 409
    assert "Meanwhile." in response.content.decode()
    assert GuideVersion.objects.get(pk=draft.pk).change_notes == "Meanwhile."


def test_the_guide_list_shows_a_coordinator_the_versions_waiting_for_them(client, world):
    def queue(role):
        response = _client_as(client, world[role]).get(reverse("outputs:guide_list"))
        return [str(v) for v in response.context["reviews"]]

    assert queue("coordinator") == [str(world.versions["in_review"])]
    assert queue("conflicted coordinator") == []
    assert queue("author") == []


# --- Query counts at two sizes --------------------------------------------------------------


def _count(client, url, django_assert_num_queries, grow):
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow()
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("role", ["anonymous", "author", "staff"])
def test_guide_list_queries_do_not_grow_with_guides(client, world, role, django_assert_num_queries):
    _client_as(client, world[role])

    def grow():
        for _ in range(4):
            guide = GuideFactory(
                twa=world.guide.twa, institute=world.guide.institutes.get(), author=world["author"]
            )
            GuideVersionFactory(guide=guide, author=world["author"], state=S.PUBLISHED)
            GuideVersionFactory(guide=guide, author=world["author"])

    _count(client, reverse("outputs:guide_list"), django_assert_num_queries, grow)


@pytest.mark.parametrize("role", ["anonymous", "author", "coordinator"])
def test_guide_page_queries_do_not_grow_with_versions(
    client, world, role, django_assert_num_queries
):
    _client_as(client, world[role])
    author = world["author"]

    def grow():
        for number in ("3.0.0", "3.1.0", "3.2.0"):
            GuideVersionFactory(
                guide=world.guide,
                author=author,
                reviewer=world["coordinator"],
                state=S.PUBLISHED,
                number=number,
            )
        for number in ("4.0.0", "4.1.0"):
            GuideVersionFactory(guide=world.guide, author=author, number=number)

    _count(client, world.guide.get_absolute_url(), django_assert_num_queries, grow)
