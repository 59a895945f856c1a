"""Editing in the browser: who may create, edit, publish, retire; stale copies; units; Markdown."""

import pytest
from django.urls import reverse

from capabilities import enums, models, services
from capabilities.enums import MemberRole, Visibility
from capabilities.models import Contact, Institute, Service
from tests.factories import (
    ContactFactory,
    MembershipFactory,
    ServiceFactory,
    StaffFactory,
    TestbedFactory,
    UserFactory,
)
from tests.support import ROLES, person

pytestmark = pytest.mark.django_db

MODELS = {"testbed": models.Testbed, "service": Service, "contact": Contact}
FACTORIES = {"testbed": TestbedFactory, "service": ServiceFactory, "contact": ContactFactory}


@pytest.fixture
def editor(institute):
    return MembershipFactory(institute=institute, role=MemberRole.EDITOR).user


def _snapshot():
    """Everything an editing request could change, to show a refused one changed nothing."""
    rows = {}
    for model in (Institute, models.Testbed, Service, Contact):
        fields = ["pk", "version", "name"]
        if model is not Institute:
            fields += ["published", "status"]
        rows[model.__name__] = list(model.objects.order_by("pk").values_list(*fields))
    return rows


def _data(kind, record=None, **extra):
    """A valid form for ``kind``; with ``record``, an edit of it from its current version."""
    data = {
        "testbed": {"name": "Dilution refrigerator", "status": "operational"},
        "service": {
            "name": "Optical power calibration",
            "kind": "calibration",
            "status": "offered",
            "uncertainty_mode": "absolute",
            "charging": "on_request",
        },
        "contact": {"name": "Ada Lovelace", "email": "ada@ptb.example.org"},
        "institute": {
            "name": "Physikalisch-Technische Bundesanstalt",
            "acronym": "PTB",
            "kind": "nmi",
            "economy": "DE",
            "rmo": "EURAMET",
        },
    }[kind]
    if kind in ("testbed", "service"):
        data["visibility"] = Visibility.PUBLIC
    if record is not None:
        data["version"] = record.version
    return {**data, **extra}


def _record_key(record):
    return record.uuid if isinstance(record, Contact) else record.slug


# Every write view: (name, how to set it up) -> (url, POST data, check of the allowed outcome).
def _create(kind):
    def setup(institute):
        url = reverse(f"capabilities:{kind}_create", args=[institute.slug])
        before = MODELS[kind].objects.count()

        def done():
            assert MODELS[kind].objects.count() == before + 1
            assert MODELS[kind].objects.latest("pk").published is False, "created as a draft"

        return url, _data(kind), done

    return setup


def _edit(kind):
    def setup(institute):
        record = FACTORIES[kind](institute=institute)
        url = reverse(f"capabilities:{kind}_edit", args=[_record_key(record)])
        data = _data(kind, record, name="Renamed")

        def done():
            record.refresh_from_db()
            assert record.name == "Renamed"

        return url, data, done

    return setup


def _state(kind, action):
    def setup(institute):
        record = FACTORIES[kind](institute=institute, published=action != "publish")
        if action == "reinstate":
            services.record_retire(actor=StaffFactory(), record=record)
        url = reverse(f"capabilities:{kind}_state", args=[_record_key(record), action])

        def done():
            record.refresh_from_db()
            retired = record.status == "retired"
            assert {
                "publish": record.published,
                "unpublish": not record.published,
                "retire": retired,
                "reinstate": not retired,
            }[action]

        return url, {}, done

    return setup


def _institute_edit(institute):
    url = reverse("capabilities:institute_edit", args=[institute.slug])

    def done():
        institute.refresh_from_db()
        assert institute.name == "Renamed"

    return url, _data("institute", institute, name="Renamed"), done


WRITE_VIEWS = {
    **{f"{kind}_create": _create(kind) for kind in MODELS},
    **{f"{kind}_edit": _edit(kind) for kind in MODELS},
    **{
        f"{kind}_{action}": _state(kind, action)
        for kind in MODELS
        for action in ("publish", "unpublish", "retire", "reinstate")
    },
    "institute_edit": _institute_edit,
}


def _expected(view, role):
    if role == "anonymous":
        return "login"
    if role in (MemberRole.ADMIN, "staff"):
        return "allowed"
    if role == MemberRole.EDITOR:
        return "refused" if view == "institute_edit" else "allowed"
    return "refused"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", WRITE_VIEWS)
def test_write_view_permissions(client, institute, view, role):
    url, data, done = WRITE_VIEWS[view](institute)
    user = person(role, institute)
    if user is not None:
        client.force_login(user)
    before = _snapshot()
    response = client.post(url, data)
    expected = _expected(view, role)
    if expected == "allowed":
        assert response.status_code == 302, response.content.decode()[:2000]
        done()
        return
    if expected == "login":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        # Drafts and retired records are not even shown to outsiders: "not found".
        hidden = view.endswith(("_publish", "_reinstate"))
        assert response.status_code == (404 if hidden else 403)
    assert _snapshot() == before, "a refused request changes nothing"


FORM_VIEWS = [view for view in WRITE_VIEWS if view.endswith(("_create", "_edit"))]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", FORM_VIEWS)
def test_form_pages_are_shown_only_to_those_who_may_save_them(client, institute, view, role):
    url, _unused, _done = WRITE_VIEWS[view](institute)
    user = person(role, institute)
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    expected = _expected(view, role)
    if expected == "allowed":
        assert response.status_code == 200
        assert 'name="version"' in response.content.decode() or view.endswith("_create")
    elif expected == "login":
        assert response.status_code == 302
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("kind", MODELS)
def test_state_actions_take_post_only(client, institute, editor, kind):
    record = FACTORIES[kind](institute=institute)
    client.force_login(editor)
    url = reverse(f"capabilities:{kind}_state", args=[_record_key(record), "retire"])
    assert client.get(url).status_code == 405
    record.refresh_from_db()
    assert record.status != "retired"


def test_unknown_state_action_is_not_found(client, institute, editor):
    testbed = TestbedFactory(institute=institute)
    client.force_login(editor)
    assert client.post(f"/testbeds/{testbed.slug}/delete/").status_code == 404


def test_editor_cannot_edit_a_draft_of_another_institute_nor_learn_it_exists(client, editor):
    draft = TestbedFactory(published=False)
    client.force_login(editor)
    assert client.get(reverse("capabilities:testbed_edit", args=[draft.slug])).status_code == 404


def test_editor_adds_a_testbed_with_units_and_finds_it_on_its_page(client, institute, editor):
    client.force_login(editor)
    response = client.post(
        reverse("capabilities:testbed_create", args=[institute.slug]),
        _data(
            "testbed",
            temperature_min_k="20 mK",
            temperature_max_k="4.2 K",
            frequency_min_hz="2 GHz",
            frequency_max_hz="8 GHz",
            wavelength_min_nm="1.55 µm",
            wavelength_max_nm="1625 nm",
            quantities="attenuation, noise temperature",
            links="Paper | doi.org/10.1000/xyz",
        ),
    )
    testbed = models.Testbed.objects.get()
    assert response.status_code == 302
    assert response.url == testbed.get_absolute_url()
    assert testbed.temperature_min_k == pytest.approx(0.02)
    assert testbed.temperature_max_k == pytest.approx(4.2)
    assert testbed.frequency_min_hz == pytest.approx(2e9)
    assert testbed.wavelength_min_nm == pytest.approx(1550)
    assert testbed.quantities == ["attenuation", "noise temperature"]
    assert testbed.links == [{"title": "Paper", "url": "https://doi.org/10.1000/xyz"}]
    assert testbed.published is False
    form_page = client.get(reverse("capabilities:testbed_edit", args=[testbed.slug])).content
    assert b'value="20 mK"' in form_page, "stored kelvin are shown back in a sensible unit"
    assert b'value="2 GHz"' in form_page
    assert b'value="1550 nm"' in form_page


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("temperature_min_k", "20 xyz", "“xyz” is not a unit we know."),
        ("frequency_min_hz", "20 mK", "mK is not a unit of frequency."),
        ("wavelength_max_nm", "5 GHz", "GHz is not a unit of wavelength."),
        ("temperature_min_k", "cold", "Write a number and a unit"),
    ],
)
def test_bad_units_are_reported_on_their_field(client, institute, editor, field, typed, message):
    client.force_login(editor)
    response = client.post(
        reverse("capabilities:testbed_create", args=[institute.slug]),
        _data("testbed", **{field: typed}),
    )
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert f'value="{typed}"' in response.content.decode(), "the input is kept"
    assert not models.Testbed.objects.exists()


def test_service_refusal_is_shown_on_the_field(client, institute, editor):
    """What only the service knows (the related testbed's institute) lands on its field."""
    other = TestbedFactory()
    client.force_login(editor)
    response = client.post(
        reverse("capabilities:service_create", args=[institute.slug]),
        _data("service", range_lower="1", range_upper="2", range_unit="parsecs per xyz"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["range_unit"]
    assert not Service.objects.exists()
    response = client.post(
        reverse("capabilities:service_create", args=[institute.slug]),
        _data("service", testbed=other.pk),
    )
    assert "testbed" in response.context["form"].errors, "only the institute's testbeds"


def test_stale_edit_is_refused_with_what_changed_and_keeps_the_input(client, institute, editor):
    testbed = TestbedFactory(institute=institute, name="Cryostat")
    opened_at = testbed.version
    colleague = MembershipFactory(institute=institute).user
    services.record_update(
        actor=colleague, record=testbed, version=opened_at, name="Cryostat A", city="Berlin"
    )
    client.force_login(editor)
    url = reverse("capabilities:testbed_edit", args=[testbed.slug])
    mine = _data("testbed", testbed, name="Cryostat B", summary="My summary")
    response = client.post(url, mine)

    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved this while you were editing" in page
    changes = {field: (then, now) for field, then, now in response.context["conflict"]}
    assert changes["Name"] == ("Cryostat", "Cryostat A")
    assert changes["City"] == ("—", "Berlin")
    assert 'value="Cryostat B"' in page, "the editor's input is kept"
    testbed.refresh_from_db()
    assert testbed.name == "Cryostat A", "nothing was overwritten"
    assert response.context["form"]["version"].value() == str(testbed.version)

    # Saving again, deliberately, from the version the conflict page carried.
    response = client.post(url, {**mine, "version": testbed.version})
    assert response.status_code == 302
    testbed.refresh_from_db()
    assert (testbed.name, testbed.summary, testbed.city) == ("Cryostat B", "My summary", "")


def test_stale_institute_edit_is_refused(client, institute):
    admin = MembershipFactory(institute=institute, role=MemberRole.ADMIN).user
    opened_at = institute.version
    services.institute_update(actor=StaffFactory(), institute=institute, website="https://ptb.de")
    client.force_login(admin)
    response = client.post(
        reverse("capabilities:institute_edit", args=[institute.slug]),
        {**_data("institute"), "version": opened_at, "name": "Mine"},
    )
    assert response.status_code == 409
    changes = {field: (then, now) for field, then, now in response.context["conflict"]}
    assert changes["Website"] == ("—", "https://ptb.de")
    institute.refresh_from_db()
    assert institute.name != "Mine"


def test_edit_without_a_version_is_refused(client, institute, editor):
    testbed = TestbedFactory(institute=institute, name="Cryostat")
    client.force_login(editor)
    data = _data("testbed", name="Overwritten")
    response = client.post(reverse("capabilities:testbed_edit", args=[testbed.slug]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["version"]
    testbed.refresh_from_db()
    assert testbed.name == "Cryostat"


def test_publishing_makes_a_record_public_and_retiring_hides_it(client, institute, editor):
    testbed = TestbedFactory(institute=institute, published=False)
    page = testbed.get_absolute_url()
    assert client.get(page).status_code == 404
    client.force_login(editor)
    response = client.post(reverse("capabilities:testbed_state", args=[testbed.slug, "publish"]))
    assert response.status_code == 302
    assert response.url == page
    assert testbed in models.Testbed.objects.public()
    client.logout()
    assert client.get(page).status_code == 200

    client.force_login(editor)
    client.post(reverse("capabilities:testbed_state", args=[testbed.slug, "retire"]))
    assert testbed not in models.Testbed.objects.public()
    assert models.Testbed.objects.get(pk=testbed.pk).status == enums.TestbedStatus.RETIRED
    client.logout()
    assert client.get(page).status_code == 404


def test_contact_actions_go_back_to_the_institute(client, institute, editor):
    contact = ContactFactory(institute=institute)
    client.force_login(editor)
    url = reverse("capabilities:contact_state", args=[contact.uuid, "retire"])
    response = client.post(url)
    assert response.url == institute.get_absolute_url()
    assert contact not in Contact.objects.public()


@pytest.mark.parametrize(
    ("visibility", "seen_by_peer", "seen_by_public"),
    [
        (Visibility.PUBLIC, True, True),
        (Visibility.MEMBERS, True, False),
        (Visibility.INSTITUTE, False, False),
    ],
)
def test_visibility_chosen_in_the_form_is_respected(
    client, institute, editor, visibility, seen_by_peer, seen_by_public
):
    client.force_login(editor)
    client.post(
        reverse("capabilities:testbed_create", args=[institute.slug]),
        _data("testbed", visibility=visibility),
    )
    testbed = models.Testbed.objects.get()
    client.post(reverse("capabilities:testbed_state", args=[testbed.slug, "publish"]))
    peer = MembershipFactory().user  # a member of another verified institute
    assert (testbed in models.Testbed.objects.visible_to(peer)) is seen_by_peer
    assert (testbed in models.Testbed.objects.visible_to(UserFactory())) is seen_by_public
    assert (testbed in models.Testbed.objects.public()) is seen_by_public
    assert testbed in models.Testbed.objects.visible_to(editor)


def test_retiring_is_an_action_not_a_status_in_the_form(client, institute, editor):
    testbed = TestbedFactory(institute=institute)
    client.force_login(editor)
    url = reverse("capabilities:testbed_edit", args=[testbed.slug])
    response = client.post(url, _data("testbed", testbed, status="retired"))
    assert response.status_code == 200
    assert response.context["form"].errors["status"]
    testbed.refresh_from_db()
    assert testbed.status == enums.TestbedStatus.OPERATIONAL


HOSTILE = "Hello <script>alert(1)</script> [click](javascript:alert(2)) <img src=x onerror=y>"


def _neutralised(html: str) -> None:
    assert "<script>alert" not in html
    assert 'href="javascript' not in html
    assert "<img src=x" not in html, "raw HTML is shown as text, never as markup"


def test_markdown_preview_is_sanitised(client, editor):
    client.force_login(editor)
    url = reverse("capabilities:markdown_preview")
    response = client.post(url, {"text": f"# Title\n\n**bold** {HOSTILE}"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>bold</strong>" in html
    _neutralised(html)
    assert client.get(url).status_code == 405


def test_markdown_preview_needs_a_signed_in_user(client):
    response = client.post(reverse("capabilities:markdown_preview"), {"text": "x"})
    assert response.status_code == 302


def test_saved_description_is_sanitised_on_the_page(client, institute, editor):
    client.force_login(editor)
    client.post(
        reverse("capabilities:testbed_create", args=[institute.slug]),
        _data("testbed", description=f"**Cryostat** {HOSTILE}"),
    )
    testbed = models.Testbed.objects.get()
    assert "<script>" in testbed.description, "stored as written, sanitised when shown"
    page = client.get(testbed.get_absolute_url()).content.decode()
    assert "<strong>Cryostat</strong>" in page
    _neutralised(page)


@pytest.mark.parametrize("view", ["testbed_create", "service_create", "institute_edit"])
def test_form_page_offers_the_preview_without_inline_script(client, institute, view):
    client.force_login(MembershipFactory(institute=institute, role=MemberRole.ADMIN).user)
    html = client.get(reverse(f"capabilities:{view}", args=[institute.slug])).content.decode()
    assert "js/markdown-preview.js" in html
    assert 'data-preview-source="id_description"' in html
    assert reverse("capabilities:markdown_preview") in html


def test_editor_sees_edit_buttons_and_outsiders_do_not(client, institute, editor):
    testbed = TestbedFactory(institute=institute)
    edit_url = reverse("capabilities:testbed_edit", args=[testbed.slug])
    client.force_login(UserFactory())
    assert edit_url not in client.get(testbed.get_absolute_url()).content.decode()
    client.force_login(editor)
    page = client.get(testbed.get_absolute_url()).content.decode()
    assert edit_url in page
    assert reverse("capabilities:testbed_state", args=[testbed.slug, "unpublish"]) in page
