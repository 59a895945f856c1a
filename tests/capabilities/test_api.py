import uuid

import pytest

from tests.factories import InstituteFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/institutes/"


def test_list_shows_public_institutes_with_their_economy_and_rmo(api):
    InstituteFactory(
        acronym="NMIJ", name="National Metrology Institute of Japan", economy="JP", rmo="APMP"
    )
    InstituteFactory(acronym="HIDDEN", verified=False)
    response = api.get(LIST)
    assert response.status_code == 200
    assert response.json()["count"] == 1
    (item,) = response.json()["results"]
    assert item["acronym"] == "NMIJ"
    assert item["economy"] == {"code": "JP", "name": "Japan"}
    assert item["rmo"] == "APMP"
    assert item["url"].endswith(f"/api/v1/institutes/{item['uuid']}/")
    assert item["web_url"].endswith("/institutes/nmij/")


def test_detail_by_uuid(api):
    institute = InstituteFactory()
    response = api.get(f"{LIST}{institute.uuid}/")
    assert response.status_code == 200
    assert response.json()["uuid"] == str(institute.uuid)


def test_unverified_institute_is_404_except_for_its_members(api):
    institute = InstituteFactory(verified=False)
    url = f"{LIST}{institute.uuid}/"
    assert api.get(url).status_code == 404
    api.force_authenticate(UserFactory())
    assert api.get(url).status_code == 404
    api.force_authenticate(MembershipFactory(institute=institute).user)
    assert api.get(url).status_code == 200


def test_unknown_uuid_is_a_problem_document(api):
    response = api.get(f"{LIST}{uuid.uuid4()}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"economy": "US"}, ["NIST", "QED-C"]),
        ({"kind": "industry_consortium"}, ["QED-C"]),
        ({"rmo": "EURAMET"}, ["PTB"]),
        ({"q": "bundesanstalt"}, ["PTB"]),
    ],
)
def test_filters_are_those_of_the_page(api, query, expected):
    InstituteFactory(acronym="NIST", economy="US", rmo="SIM")
    InstituteFactory(acronym="PTB", name="Physikalisch-Technische Bundesanstalt", economy="DE")
    InstituteFactory(acronym="QED-C", economy="US", kind="industry_consortium", rmo="")
    response = api.get(LIST, query)
    assert [item["acronym"] for item in response.json()["results"]] == expected


def test_invalid_filter_answers_the_field_and_the_reason(api):
    response = api.get(LIST, {"economy": "XX", "kind": "castle"})
    assert response.status_code == 400
    problem = response.json()
    assert response["Content-Type"] == "application/problem+json"
    assert {error["field"] for error in problem["errors"]} == {"economy", "kind"}
    assert all(error["code"] == "invalid_choice" for error in problem["errors"])


def test_institutes_cannot_be_created_through_the_api(api):
    api.force_authenticate(MembershipFactory(role="admin").user)
    response = api.post(LIST, {"acronym": "NEW"})
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


@pytest.mark.parametrize("page_size", [5, 50])
def test_list_queries_are_constant_in_page_size(api, page_size, django_assert_num_queries):
    InstituteFactory.create_batch(60)
    with django_assert_num_queries(2):
        response = api.get(LIST, {"page_size": page_size})
    assert len(response.json()["results"]) == page_size


def test_page_size_is_capped(api):
    InstituteFactory.create_batch(3)
    response = api.get(LIST, {"page_size": 100000})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 3


def test_an_institute_without_an_rmo_answers_null_as_the_schema_says(api):
    """Regression: a company answered "rmo": "", which the schema's enum does not allow."""
    company = InstituteFactory(kind="industry_consortium", rmo="")
    item = api.get(f"/api/v1/institutes/{company.uuid}/").json()
    assert item["rmo"] is None
    schema = api.get("/api/schema/", {"format": "json"}).json()
    rmo = schema["components"]["schemas"]["Institute"]["properties"]["rmo"]
    assert rmo.get("nullable") is True or any(
        part.get("$ref", "").endswith("NullEnum") for part in rmo.get("oneOf", [])
    ), rmo
