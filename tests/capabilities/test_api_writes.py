"""Writes through the API: the same services and permissions as the edit pages, one rule at two
doors; refused writes change nothing; errors name the input's fields."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import Client
from django.utils.crypto import get_random_string

from capabilities import models, selectors, services
from capabilities.enums import MemberRole, Visibility
from capabilities.models import Contact, Institute, ReadinessLevel, Service, TechnologyArea
from nmiq_portal.accounts import services as account_services
from tests.changes.support import wait_for_lock_waiter
from tests.factories import (
    ContactFactory,
    InstituteFactory,
    MembershipFactory,
    ServiceFactory,
    TestbedFactory,
    UserFactory,
)
from tests.support import ROLES, person

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    "testbed": "/api/v1/testbeds/",
    "service": "/api/v1/services/",
    "contact": "/api/v1/contacts/",
}
FACTORIES = {"testbed": TestbedFactory, "service": ServiceFactory, "contact": ContactFactory}
MODELS = {"testbed": models.Testbed, "service": Service, "contact": Contact}
KINDS = list(ENDPOINTS)

RECORD_WRITERS = {MemberRole.EDITOR, MemberRole.ADMIN, "staff"}
INSTITUTE_WRITERS = {MemberRole.ADMIN, "staff"}
REFUSAL = {"anonymous": 401}  # every other refused role: 403


@pytest.fixture
def home():
    return InstituteFactory(acronym="HOME")


def _as(api, role, home):
    user = person(role, home)
    if user is not None:
        api.force_authenticate(user)
    return user


def _snapshot(obj):
    """Everything a refused write must leave as it was: the row, its relations, its history."""
    model = type(obj)
    row = model.objects.filter(pk=obj.pk).values().first()
    relations = {}
    for name in ("contacts", "technology_areas"):
        if hasattr(model, name) and row is not None:
            relations[name] = sorted(getattr(obj, name).values_list("pk", flat=True))
    return row, relations, obj.history.count()


def _body(what, home, **extra):
    body = {
        "testbed": {"name": "New testbed", "summary": "Made through the API."},
        "service": {"name": "New service", "kind": "calibration"},
        "contact": {"name": "New contact", "email": "new.contact@example.org"},
    }[what]
    return {"institute": str(home.uuid), **body, **extra}


CHANGE = {
    "testbed": ("summary", "Changed"),
    "service": ("summary", "Changed"),
    "contact": (
        "function",
        "Changed",
    ),
}


# --- Who may write ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", KINDS)
def test_create_permission_matrix(api, home, kind, role):
    _as(api, role, home)
    model = MODELS[kind]
    before = model.objects.count()
    response = api.post(ENDPOINTS[kind], _body(kind, home), format="json")
    if role in RECORD_WRITERS:
        assert response.status_code == 201, response.json()
        record = model.objects.get(uuid=response.json()["uuid"])
        assert record.institute == home
        assert not record.published, "a new record is a draft"
        assert response["Location"] == response.json()["url"]
        assert response["ETag"]
    else:
        assert response.status_code == REFUSAL.get(role, 403), response.json()
        assert response["Content-Type"] == "application/problem+json"
        assert model.objects.count() == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", KINDS)
def test_change_permission_matrix(api, home, kind, role):
    record = FACTORIES[kind](institute=home)
    _as(api, role, home)
    before = _snapshot(record)
    field, value = CHANGE[kind]
    response = api.patch(
        f"{ENDPOINTS[kind]}{record.uuid}/",
        {field: value, "version": record.version},
        format="json",
    )
    if role in RECORD_WRITERS:
        assert response.status_code == 200, response.json()
        assert response.json()[field] == value
        record.refresh_from_db()
        assert getattr(record, field) == value
        assert record.version == before[0]["version"] + 1
    else:
        assert response.status_code == REFUSAL.get(role, 403), response.json()
        assert _snapshot(record) == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", KINDS)
def test_delete_permission_matrix(api, home, kind, role):
    record = FACTORIES[kind](institute=home)
    _as(api, role, home)
    before = _snapshot(record)
    response = api.delete(f"{ENDPOINTS[kind]}{record.uuid}/", HTTP_IF_MATCH="*")
    if role in RECORD_WRITERS:
        assert response.status_code == 204
        assert not MODELS[kind].objects.filter(pk=record.pk).exists()
    else:
        assert response.status_code == REFUSAL.get(role, 403), response.json()
        assert _snapshot(record) == before


@pytest.mark.parametrize("role", ROLES)
def test_institute_change_permission_matrix(api, home, role):
    _as(api, role, home)
    before = _snapshot(home)
    response = api.patch(
        f"/api/v1/institutes/{home.uuid}/",
        {"description": "Changed through the API.", "version": home.version},
        format="json",
    )
    if role in INSTITUTE_WRITERS:
        assert response.status_code == 200, response.json()
        assert response.json()["description"] == "Changed through the API."
        home.refresh_from_db()
        assert home.version == before[0]["version"] + 1
    else:
        assert response.status_code == REFUSAL.get(role, 403), response.json()
        assert _snapshot(home) == before


def test_institute_verification_stays_with_staff(api):
    unverified = InstituteFactory(verified=False)
    api.force_authenticate(MembershipFactory(institute=unverified, role=MemberRole.ADMIN).user)
    response = api.patch(
        f"/api/v1/institutes/{unverified.uuid}/",
        {"verified": True, "version": unverified.version},
        format="json",
    )
    assert response.status_code == 200
    unverified.refresh_from_db()
    assert not unverified.verified, "a read-only field in the input is ignored"
    assert api.post("/api/v1/institutes/", {"acronym": "NEW"}, format="json").status_code == 405


# --- Nothing leaks through a write --------------------------------------------------------------


LEAK_CASES = [
    # (the record's situation, who writes, status): refusals never describe the record
    ("draft", "plain user", 404),
    ("draft", "member of another institute", 404),
    ("institute", "member of another institute", 404),
    ("members", "plain user", 404),
    ("members", "member of another institute", 403),
    ("public", "member of another institute", 403),
]


@pytest.mark.parametrize(("case", "role", "expected"), LEAK_CASES)
@pytest.mark.parametrize("method", ["patch", "delete"])
@pytest.mark.parametrize("kind", ["testbed", "service"])
def test_refused_writes_tell_nothing_of_records_the_writer_may_not_see(
    api, home, kind, case, role, expected, method
):
    extra = {"visibility": case} if case in ("members", "institute") else {}
    record = FACTORIES[kind](
        institute=home, published=case != "draft", name="Secret sauce", **extra
    )
    _as(api, role, home)
    before = _snapshot(record)
    response = getattr(api, method)(
        f"{ENDPOINTS[kind]}{record.uuid}/",
        {"summary": "Changed", "version": record.version},
        format="json",
        HTTP_IF_MATCH="*",
    )
    assert response.status_code == expected
    assert "Secret sauce" not in response.content.decode()
    assert _snapshot(record) == before


def test_a_contact_of_another_institute_is_as_unknown_as_a_missing_one(api, home):
    api.force_authenticate(MembershipFactory(institute=home).user)
    elsewhere = ContactFactory(published=False)
    answers = []
    for uuid in (elsewhere.uuid, "00000000-0000-4000-8000-000000000000"):
        response = api.post(
            ENDPOINTS["testbed"], _body("testbed", home, contacts=[str(uuid)]), format="json"
        )
        assert response.status_code == 400
        answers.append(
            [(e["field"], e["detail"].replace(str(uuid), "…")) for e in response.json()["errors"]]
        )
    assert answers[0] == answers[1]
    assert answers[0][0][0] == "contacts"
    assert not models.Testbed.objects.filter(name="New testbed").exists()


def test_institutes_one_may_not_see_cannot_be_named(api):
    hidden = InstituteFactory(verified=False)
    api.force_authenticate(UserFactory())
    response = api.post(ENDPOINTS["contact"], _body("contact", hidden), format="json")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["institute"]


# --- Input: the shape of the representation, checked by the services ---------------------------


INVALID = [
    ("testbed", {"name": ""}, "name"),
    ("testbed", {"visibility": "nobody"}, "visibility"),
    ("testbed", {"operating_ranges": {"temperature": {"min": "20 parsecs"}}}, None),
    ("testbed", {"operating_ranges": {"temperature": {"min": 4, "max": 1}}}, None),
    ("testbed", {"operating_ranges": {"frequency": {"min": "twenty"}}}, None),
    ("testbed", {"links": [{"title": "Paper", "url": "not a web address"}]}, "links.0.url"),
    ("testbed", {"technology_areas": ["no-such-area"]}, "technology_areas"),
    ("testbed", {"readiness": {"scale": "trl", "level": 99}}, "readiness.level"),
    ("testbed", {"location": {"city": "Paris", "latitude": 48.8}}, "location.longitude"),
    ("testbed", {"location": {"latitude": 123, "longitude": 2}}, "location.latitude"),
    ("testbed", {"status": "retired"}, "status"),
    ("testbed", {"access_modes": ["teleportation"]}, "access_modes.0"),
    ("service", {"kind": "magic"}, "kind"),
    ("service", {"range": {"lower": 1, "upper": 2, "unit": "wibbles"}}, "range.unit"),
    ("service", {"range": {"lower": 1e308, "unit": "km"}}, "range.lower"),
    ("service", {"uncertainty": {"coverage_factor": 0.5}}, "uncertainty.coverage_factor"),
    ("service", {"uncertainty": {"unit": "("}}, "uncertainty.unit"),
    ("service", {"kcdb_code": "not a code"}, "kcdb_code"),
    ("service", {"parameters": [{"name": "wavelength"}]}, "parameters.0.value"),
    ("contact", {"email": "not-an-address"}, "email"),
    ("contact", {"institute": "not-a-uuid"}, "institute"),
]
RANGE_FIELD = {
    "20 parsecs": "operating_ranges.temperature.min",
    "twenty": "operating_ranges.frequency.min",
}


@pytest.mark.parametrize(("kind", "change", "field"), INVALID)
def test_invalid_input_is_a_400_naming_the_field_and_saves_nothing(api, home, kind, change, field):
    if field is None:  # the operating ranges: the path depends on the case
        ranges = change["operating_ranges"]
        dimension, ends = next(iter(ranges.items()))
        field = RANGE_FIELD.get(ends.get("min"), f"operating_ranges.{dimension}.max")
    api.force_authenticate(MembershipFactory(institute=home).user)
    before = MODELS[kind].objects.count()
    response = api.post(ENDPOINTS[kind], _body(kind, home, **change), format="json")
    assert response.status_code == 400, response.json()
    assert response["Content-Type"] == "application/problem+json"
    assert field in [error["field"] for error in response.json()["errors"]], response.json()
    assert MODELS[kind].objects.count() == before


def test_invalid_change_is_a_400_and_changes_nothing(api, home):
    testbed = TestbedFactory(institute=home)
    api.force_authenticate(MembershipFactory(institute=home).user)
    before = _snapshot(testbed)
    response = api.patch(
        f"{ENDPOINTS['testbed']}{testbed.uuid}/",
        {
            "summary": "Fine",
            "operating_ranges": {"wavelength": {"min": 5, "max": 1}},
            "version": testbed.version,
        },
        format="json",
    )
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["operating_ranges.wavelength.max"]
    assert _snapshot(testbed) == before


def test_ranges_take_numbers_in_a_unit_or_text_with_its_unit(api, home):
    api.force_authenticate(MembershipFactory(institute=home).user)
    response = api.post(
        ENDPOINTS["testbed"],
        _body(
            "testbed",
            home,
            operating_ranges={
                "temperature": {"min": "20 mK", "max": 4},
                "frequency": {"min": 2, "max": "8", "unit": "GHz"},
                "wavelength": None,
            },
        ),
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["operating_ranges"] == {
        "temperature": {"min": 0.02, "max": 4.0, "unit": "K"},
        "frequency": {"min": 2e9, "max": 8e9, "unit": "Hz"},
        "wavelength": None,
    }


def test_a_patch_merges_nested_objects_and_null_clears_a_group(api, home):
    testbed = TestbedFactory(
        institute=home,
        temperature_min_k=0.01,
        temperature_max_k=4,
        frequency_min_hz=1e9,
        city="Teddington",
        latitude=51.4,
        longitude=-0.3,
        quantities=["attenuation"],
    )
    api.force_authenticate(MembershipFactory(institute=home).user)
    url = f"{ENDPOINTS['testbed']}{testbed.uuid}/"
    response = api.patch(
        url,
        {
            "operating_ranges": {"temperature": {"max": 300}, "frequency": None},
            "location": {"city": "London"},
            "quantities": ["noise temperature"],
            "version": testbed.version,
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["operating_ranges"]["temperature"] == {"min": 0.01, "max": 300.0, "unit": "K"}
    assert data["operating_ranges"]["frequency"] is None
    assert data["location"] == {"city": "London", "latitude": 51.4, "longitude": -0.3}
    assert data["quantities"] == ["noise temperature"]
    response = api.patch(url, {"location": None, "version": data["version"]}, format="json")
    assert response.json()["location"] is None


@pytest.mark.parametrize("kind", ["testbed", "service"])
def test_what_a_client_read_can_be_sent_back_changed(api, home, kind):
    contact = ContactFactory(institute=home)
    extra = {
        "testbed": {
            "readiness": ReadinessLevel.objects.get(scale__slug="trl", level=6),
            "links": [{"title": "Paper", "url": "https://doi.org/10.1000/1"}],
            "city": "Braunschweig",
            "latitude": 52.29,
            "longitude": 10.46,
            "temperature_min_k": 0.01,
        },
        "service": {
            "kind": "calibration",
            "range_lower": 1,
            "range_upper": 10,
            "range_unit": "mW",
            "uncertainty_lower": 0.5,
            "uncertainty_unit": "%",
            "uncertainty_mode": "relative",
            "coverage_factor": 2,
            "confidence_level": 95,
            "parameters": [{"name": "wavelength", "value": "1550 nm"}],
            "testbed": TestbedFactory(institute=home),
        },
    }[kind]
    record = FACTORIES[kind](
        institute=home,
        contacts=[contact],
        technology_areas=[TechnologyArea.objects.get(slug="cryogenics")],
        access_modes=["remote"],
        **extra,
    )
    api.force_authenticate(MembershipFactory(institute=home).user)
    url = f"{ENDPOINTS[kind]}{record.uuid}/"
    read = api.get(url).json()
    response = api.patch(url, {**read, "summary": "Sent back."}, format="json")
    assert response.status_code == 200, response.json()
    after = response.json()
    assert after["summary"] == "Sent back."
    assert after["version"] == read["version"] + 1
    ignored = {"summary", "version", "updated_at"}
    assert {k: v for k, v in after.items() if k not in ignored} == {
        k: v for k, v in read.items() if k not in ignored
    }


def test_sending_back_an_unchanged_copy_changes_nothing(api, home):
    testbed = TestbedFactory(institute=home)
    api.force_authenticate(MembershipFactory(institute=home).user)
    url = f"{ENDPOINTS['testbed']}{testbed.uuid}/"
    read = api.get(url)
    before = _snapshot(testbed)
    response = api.patch(url, read.json(), format="json")
    assert response.status_code == 200
    assert response["ETag"] == read["ETag"]
    assert _snapshot(testbed) == before


def test_a_record_stays_with_its_institute(api, home):
    testbed = TestbedFactory(institute=home)
    other = MembershipFactory(role=MemberRole.ADMIN)
    MembershipFactory(institute=home, user=other.user)
    api.force_authenticate(other.user)
    before = _snapshot(testbed)
    response = api.patch(
        f"{ENDPOINTS['testbed']}{testbed.uuid}/",
        {"institute": str(other.institute.uuid), "version": testbed.version},
        format="json",
    )
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["institute"]
    assert _snapshot(testbed) == before


# --- Publishing, retiring, deleting -------------------------------------------------------------


def test_post_can_publish_at_once(api, home):
    api.force_authenticate(MembershipFactory(institute=home).user)
    response = api.post(ENDPOINTS["service"], _body("service", home, published=True), format="json")
    assert response.status_code == 201
    assert response.json()["published"] is True
    assert Service.objects.public().filter(uuid=response.json()["uuid"]).exists()


def test_patch_publishes_unpublishes_retires_and_reinstates(api, home):
    testbed = TestbedFactory(institute=home, published=False)
    api.force_authenticate(MembershipFactory(institute=home).user)
    url = f"{ENDPOINTS['testbed']}{testbed.uuid}/"

    def patch(**body):
        version = api.get(url).json()["version"]
        response = api.patch(url, {**body, "version": version}, format="json")
        assert response.status_code == 200, response.json()
        return response.json()

    assert patch(published=True)["published"] is True
    assert models.Testbed.objects.public().filter(pk=testbed.pk).exists()
    data = patch(summary="Closed for good.", status="retired")
    assert (data["summary"], data["status"]) == ("Closed for good.", "retired")
    assert not models.Testbed.objects.public().filter(pk=testbed.pk).exists()
    assert patch(status="operational")["status"] == "operational"
    data = patch(published=False, visibility=Visibility.MEMBERS)
    assert (data["published"], data["visibility"]) == (False, "members")


def test_a_refused_step_undoes_the_whole_patch(api, home):
    testbed = TestbedFactory(institute=home, published=False)
    api.force_authenticate(MembershipFactory(institute=home).user)
    before = _snapshot(testbed)
    response = api.patch(
        f"{ENDPOINTS['testbed']}{testbed.uuid}/",
        {
            "published": True,
            "summary": "Half done?",
            "location": {"latitude": 1},
            "version": testbed.version,
        },
        format="json",
    )
    assert response.status_code == 400
    assert _snapshot(testbed) == before


@pytest.mark.parametrize("kind", ["testbed", "service"])
def test_delete_is_refused_while_access_requests_refer_to_the_record(api, home, kind):
    record = FACTORIES[kind](institute=home)
    services.access_request_create(
        actor=UserFactory(), target=record, organisation="Qubits Ltd", purpose="Measure a chip."
    )
    api.force_authenticate(MembershipFactory(institute=home, role=MemberRole.ADMIN).user)
    before = _snapshot(record)
    response = api.delete(f"{ENDPOINTS[kind]}{record.uuid}/", HTTP_IF_MATCH="*")
    assert response.status_code == 409
    assert response.json()["code"] == "protected"
    assert "retire it instead" in response.json()["detail"]
    assert _snapshot(record) == before


def test_deleting_a_testbed_detaches_its_services_as_changes_of_theirs(api, home):
    testbed = TestbedFactory(institute=home)
    service = ServiceFactory(institute=home, testbed=testbed)
    api.force_authenticate(MembershipFactory(institute=home).user)
    version = service.version
    assert (
        api.delete(f"{ENDPOINTS['testbed']}{testbed.uuid}/", HTTP_IF_MATCH="*").status_code == 204
    )
    service.refresh_from_db()
    assert service.testbed is None
    assert service.version == version + 1


def test_deleting_a_contact_takes_it_off_the_records_that_list_it(api, home):
    leaving, staying = ContactFactory(institute=home), ContactFactory(institute=home)
    testbed = TestbedFactory(institute=home, contacts=[leaving, staying])
    service = ServiceFactory(institute=home, contacts=[leaving])
    api.force_authenticate(MembershipFactory(institute=home).user)
    version = testbed.version
    assert (
        api.delete(f"{ENDPOINTS['contact']}{leaving.uuid}/", HTTP_IF_MATCH="*").status_code == 204
    )
    assert list(testbed.contacts.all()) == [staying]
    assert not service.contacts.exists()
    testbed.refresh_from_db()
    assert testbed.version == version + 1


@pytest.mark.parametrize("kind", ["testbed", "service"])
def test_linking_a_contact_deleted_meanwhile_is_refused_not_an_error_at_commit(home, kind):
    editor = MembershipFactory(institute=home).user
    record, contact = FACTORIES[kind](institute=home), ContactFactory(institute=home)
    Contact.objects.filter(pk=contact.pk).delete()  # by another request, after the form loaded
    with pytest.raises(ValidationError) as refused:
        services.record_update(
            actor=editor, record=record, version=record.version, contacts=[contact]
        )
    assert set(refused.value.message_dict) == {"contacts"}


@pytest.mark.django_db(transaction=True)
def test_a_contact_deleted_while_a_record_links_it_waits_then_takes_the_link_away(home):
    editor = MembershipFactory(institute=home).user
    testbed, contact = TestbedFactory(institute=home), ContactFactory(institute=home)
    errors = []

    def delete_contact():
        try:
            services.record_delete(actor=editor, record=Contact.objects.get(pk=contact.pk))
        except Exception as error:  # reported in the test's thread
            errors.append(error)
        finally:
            connection.close()

    deleter = threading.Thread(target=delete_contact)
    with transaction.atomic():
        services.record_update(
            actor=editor, record=testbed, version=testbed.version, contacts=[contact]
        )
        deleter.start()
        wait_for_lock_waiter()
    deleter.join(timeout=30)
    assert errors == []
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert not testbed.contacts.exists()


# --- Authentication and history -----------------------------------------------------------------


def test_a_token_writes_and_the_history_names_its_owner(api, home):
    editor = MembershipFactory(institute=home).user
    _token, secret = account_services.api_token_create(
        actor=editor, name="NMI database", expiry=timedelta(days=30)
    )
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    response = api.post(ENDPOINTS["testbed"], _body("testbed", home), format="json")
    assert response.status_code == 201
    testbed = models.Testbed.objects.get(uuid=response.json()["uuid"])
    response = api.patch(
        f"{ENDPOINTS['testbed']}{testbed.uuid}/",
        {"summary": "Synchronised.", "version": testbed.version},
        format="json",
    )
    assert response.status_code == 200
    newest, created = selectors.record_history(testbed)
    assert newest.user == editor
    assert created.user == editor
    assert ("summary", "Made through the API.", "Synchronised.") in newest.changes


def test_institute_history_names_the_api_writer(api, home):
    admin = MembershipFactory(institute=home, role=MemberRole.ADMIN).user
    _token, secret = account_services.api_token_create(
        actor=admin, name="sync", expiry=timedelta(days=30)
    )
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    response = api.patch(
        f"/api/v1/institutes/{home.uuid}/",
        {"website": "example.org", "version": home.version},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["website"] == "https://example.org"
    assert selectors.record_history(Institute.objects.get(pk=home.pk))[0].user == admin


def test_session_writes_need_the_csrf_token(home):
    testbed = TestbedFactory(institute=home)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(MembershipFactory(institute=home).user)
    url = f"{ENDPOINTS['testbed']}{testbed.uuid}/"
    body = {"summary": "From the browser.", "version": testbed.version}
    before = _snapshot(testbed)
    refused = browser.patch(url, body, content_type="application/json")
    assert refused.status_code == 403
    assert _snapshot(testbed) == before
    token = get_random_string(32)
    browser.cookies["csrftoken"] = token
    response = browser.patch(url, body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200, response.json()
    testbed.refresh_from_db()
    assert testbed.summary == "From the browser."


def test_writes_take_json_only(api, home):
    api.force_authenticate(MembershipFactory(institute=home).user)
    response = api.post(ENDPOINTS["contact"], _body("contact", home), format="multipart")
    assert response.status_code == 415
    assert not Contact.objects.filter(name="New contact").exists()


@pytest.mark.parametrize("what", KINDS)
def test_patch_reinstates_a_retired_record_of_every_kind(api, home, what):
    record = FACTORIES[what](institute=home)
    editor = MembershipFactory(institute=home).user
    record = services.record_retire(actor=editor, record=record)
    api.force_authenticate(editor)
    url = f"{ENDPOINTS[what]}{record.uuid}/"
    _fields, retired, active = services.RECORDS[MODELS[what]]
    assert api.get(url).json()["status"] == retired
    version = api.get(url).json()["version"]
    response = api.patch(url, {"status": active, "version": version}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == active
    record.refresh_from_db()
    assert record.status == active


def test_an_editor_of_another_institute_cannot_reinstate_a_contact(api, home):
    contact = ContactFactory(institute=home)
    editor = MembershipFactory(institute=home).user
    contact = services.record_retire(actor=editor, record=contact)
    api.force_authenticate(MembershipFactory().user)
    response = api.patch(
        f"{ENDPOINTS['contact']}{contact.uuid}/",
        {"status": "active", "version": contact.version},
        format="json",
    )
    assert response.status_code == 404  # retired: not shown outside its institute
    contact.refresh_from_db()
    assert contact.status == "retired"
