"""JSON bodies nested deeper than the API accepts are a 400 problem, never a RecursionError."""

import pytest

from nmiq_portal.api.parsers import MAX_JSON_DEPTH
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "depth", [MAX_JSON_DEPTH + 1, 100_000], ids=["past the limit", "past Python's recursion"]
)
@pytest.mark.parametrize("endpoint", ["/api/v1/testbeds/", "/api/v1/projects/"])
def test_a_deeply_nested_body_is_a_400_problem(api, institute, endpoint, depth):
    api.force_authenticate(MembershipFactory(institute=institute).user)
    body = '{"title": ' + "[" * depth + "]" * depth + "}"
    response = api.post(endpoint, body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert f"nested deeper than {MAX_JSON_DEPTH}" in response.json()["detail"]


def test_a_body_at_the_limit_is_read(api, institute):
    api.force_authenticate(MembershipFactory(institute=institute).user)
    nested = "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1)
    response = api.post(
        "/api/v1/testbeds/", '{"name": ' + nested + "}", content_type="application/json"
    )
    assert response.status_code == 400
    assert "nested deeper" not in response.content.decode()
