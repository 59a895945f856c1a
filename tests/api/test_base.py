import re
from datetime import timedelta

import pytest
from django.urls import reverse

from nmiq_portal.accounts import services as account_services
from tests.factories import InstituteFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_api_root_lists_the_endpoints(api):
    response = api.get("/api/v1/")
    assert response.status_code == 200
    assert "institutes" in response.json()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/no-such-thing/",
        "/api/v1/testbeds/not-a-uuid/",  # a malformed id: no route matches it
        "/api/v1/contacts/1/",
        "/api/v1/projects/a%20b/",
    ],
)
def test_unknown_api_path_or_malformed_id_is_a_problem_document_as_the_api_writes_them(
    client, path
):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "instance": response.wsgi_request.path,
        "detail": "No such resource or endpoint.",
        "code": "not_found",
    }
    well_formed = client.get("/api/v1/testbeds/00000000-0000-0000-0000-000000000000/").json()
    assert set(well_formed) == set(response.json()), "one shape for every 404 of the API"


def test_a_personal_token_authenticates_and_records_its_use(api):
    user = UserFactory()
    token, secret = account_services.api_token_create(
        actor=user, name="NMI database sync", expiry=timedelta(days=30)
    )
    assert secret.startswith("nmiq_")
    assert token.digest != secret, "only a digest of the token is stored"
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    response = api.get("/api/v1/institutes/")
    assert response.status_code == 200
    assert response.wsgi_request.user == user
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_revoked_token_is_refused_as_a_problem(api):
    user = UserFactory()
    token, secret = account_services.api_token_create(
        actor=user, name="old", expiry=timedelta(days=30)
    )
    account_services.api_token_revoke(actor=user, token=token)
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    response = api.get("/api/v1/institutes/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "authentication_failed"


def test_schema_documents_the_endpoints_and_their_problem_responses(api):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    list_operation = schema["paths"]["/api/v1/institutes/"]["get"]
    assert {"200", "400", "401", "403", "429"} <= set(list_operation["responses"])
    detail = schema["paths"]["/api/v1/institutes/{uuid}/"]["get"]
    assert "404" in detail["responses"]
    problem = detail["responses"]["404"]["content"]["application/problem+json"]["schema"]
    assert problem == {"$ref": "#/components/schemas/Problem"}
    assert "Problem" in schema["components"]["schemas"]
    parameters = {parameter["name"] for parameter in list_operation["parameters"]}
    assert {"q", "kind", "economy", "rmo", "page", "page_size"} <= parameters
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_docs_page_loads_nothing_from_another_site(client):
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
    assert external == []


def test_institute_detail_from_the_api_matches_the_page(api, client):
    institute = InstituteFactory(acronym="INRiM", slug="inrim")
    data = api.get(f"/api/v1/institutes/{institute.uuid}/").json()
    assert client.get(data["web_url"].replace("http://testserver", "")).status_code == 200


def test_a_server_error_in_the_api_is_a_problem_document_too(client, monkeypatch):
    from capabilities.api.views import InstituteViewSet

    def fail(self, request, *args, **kwargs):
        raise RuntimeError("an unexpected bug")

    monkeypatch.setattr(InstituteViewSet, "list", fail)
    client.raise_request_exception = False
    response = client.get("/api/v1/institutes/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Internal Server Error"
    assert "an unexpected bug" not in response.content.decode()
