"""CORS: any origin may read the public API from a browser; none may write through it."""

import pytest

from tests.factories import MembershipFactory, TestbedFactory

pytestmark = pytest.mark.django_db

ORIGIN = "https://consortium.example"


@pytest.mark.parametrize("method", ["get", "head"])
def test_any_origin_may_read_without_credentials(api, method):
    testbed = TestbedFactory()
    for url in ("/api/v1/testbeds/", f"/api/v1/testbeds/{testbed.uuid}/", "/api/schema/"):
        response = getattr(api, method)(url, HTTP_ORIGIN=ORIGIN)
        assert response.status_code == 200, url
        assert response["Access-Control-Allow-Origin"] == "*"
        assert not response.has_header("Access-Control-Allow-Credentials")
        exposed = {h.strip() for h in response["Access-Control-Expose-Headers"].split(",")}
        assert exposed == {"ETag", "Link", "Retry-After"}
        assert "origin" in response["Vary"].lower()


def test_a_preflight_for_a_read_is_answered(api):
    response = api.options(
        "/api/v1/testbeds/",
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "if-none-match" in response["Access-Control-Allow-Headers"]
    assert "authorization" not in response["Access-Control-Allow-Headers"], "public reads only"


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_preflight_for_a_write_is_refused(api, method):
    testbed = TestbedFactory()
    response = api.options(
        f"/api/v1/testbeds/{testbed.uuid}/",
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
    )
    assert not response.has_header("Access-Control-Allow-Origin")
    assert not response.has_header("Access-Control-Allow-Methods")


def test_a_cross_origin_write_gets_no_cors_header_so_its_page_cannot_read_the_answer(api):
    api.force_authenticate(MembershipFactory().user)
    response = api.post("/api/v1/testbeds/", {"name": "Forged"}, HTTP_ORIGIN=ORIGIN)
    assert not response.has_header("Access-Control-Allow-Origin")


def test_pages_outside_the_api_get_no_cors_header(client):
    response = client.get("/", HTTP_ORIGIN=ORIGIN)
    assert not response.has_header("Access-Control-Allow-Origin")
