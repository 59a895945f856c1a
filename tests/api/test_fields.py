"""``?fields=``: a client asks for fewer fields of each object, on every list and record."""

import pytest

from tests.factories import (
    ContactFactory,
    InstituteFactory,
    MembershipFactory,
    ServiceFactory,
    TestbedFactory,
)

pytestmark = pytest.mark.django_db


def _one(kind):
    """(list URL, detail URL) of one record of ``kind``."""
    if kind == "technology-areas":
        return "/api/v1/technology-areas/", "/api/v1/technology-areas/cryogenics/"
    factory = {
        "institutes": InstituteFactory,
        "testbeds": TestbedFactory,
        "services": ServiceFactory,
        "contacts": ContactFactory,
    }[kind]
    record = factory()
    return f"/api/v1/{kind}/", f"/api/v1/{kind}/{record.uuid}/"


KINDS = ["institutes", "testbeds", "services", "contacts", "technology-areas"]
#: Two fields each kind has, the first identifying the object.
ASKED = {
    "institutes": ["uuid", "acronym"],
    "testbeds": ["uuid", "name"],
    "services": ["uuid", "uncertainty"],
    "contacts": ["uuid", "name"],
    "technology-areas": ["slug", "path"],
}


@pytest.mark.parametrize("kind", KINDS)
def test_fields_narrows_lists_and_records_to_the_fields_asked_for(api, kind):
    list_url, detail_url = _one(kind)
    asked = ASKED[kind]
    listed = api.get(list_url, {"fields": ",".join(asked)})
    assert listed.status_code == 200
    assert listed.json()["results"]
    assert all(list(item) == asked for item in listed.json()["results"])
    detail = api.get(detail_url, {"fields": ",".join(reversed(asked))})
    assert list(detail.json()) == asked, "the serializer's order, whatever the request's"
    full = api.get(detail_url).json()
    assert {name: full[name] for name in asked} == detail.json()


def test_fields_may_repeat_the_parameter_and_in_cursor_mode(api):
    TestbedFactory()
    response = api.get("/api/v1/testbeds/?fields=uuid&fields=name,%20status&pagination=cursor")
    assert list(response.json()["results"][0]) == ["uuid", "name", "status"]


@pytest.mark.parametrize("kind", KINDS)
def test_an_unknown_field_is_a_problem_naming_it(api, kind):
    list_url, detail_url = _one(kind)
    for url in (list_url, detail_url):
        response = api.get(url, {"fields": "name,secret_notes"})
        assert response.status_code == 400
        assert response["Content-Type"] == "application/problem+json"
        (error,) = response.json()["errors"]
        assert error["field"] == "fields"
        assert "“secret_notes”" in error["detail"]
        assert "name" in error["detail"], "the message lists the fields one may ask for"


def test_asking_for_a_contacts_email_does_not_give_it_to_anonymous_clients(api):
    contact = ContactFactory()
    url = f"/api/v1/contacts/{contact.uuid}/"
    assert api.get(url, {"fields": "name,email"}).json() == {"name": contact.name}
    api.force_authenticate(MembershipFactory().user)
    assert api.get(url, {"fields": "email"}).json() == {"email": contact.email}


@pytest.mark.parametrize("value", ["", " , "])
def test_an_empty_fields_parameter_is_refused_rather_than_read_as_every_field(api, value):
    testbed = TestbedFactory()
    for url in ("/api/v1/testbeds/", f"/api/v1/testbeds/{testbed.uuid}/"):
        response = api.get(url, {"fields": value})
        assert response.status_code == 400
        assert [error["field"] for error in response.json()["errors"]] == ["fields"]


def test_schema_documents_fields_on_every_read_and_marks_no_field_required(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    components = schema["components"]["schemas"]
    reads = [
        (path, operations["get"])
        for path, operations in schema["paths"].items()
        if any(
            path == f"/api/v1/{kind}/" or path.startswith(f"/api/v1/{kind}/{{") for kind in KINDS
        )
    ]
    assert len(reads) == 2 * len(KINDS)
    for path, operation in reads:
        (fields,) = [p for p in operation["parameters"] if p["name"] == "fields"]
        assert fields["style"] == "form"
        assert fields["explode"] is False
        assert (
            "uuid" in fields["schema"]["items"]["enum"]
            or "slug" in (fields["schema"]["items"]["enum"])
        ), path
        assert "400" in operation["responses"], path
    for name in ("Institute", "Testbed", "Service", "Contact", "TechnologyArea"):
        assert "required" not in components[name], name
        assert "`fields`" in components[name]["description"]
    assert components["InstituteReference"]["required"], "nested objects stay whole"
