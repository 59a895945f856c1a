"""Each object of a list links to itself, its page and its institute: the URL reversed once per
request and field is filled in with each object's UUID or slug (nmiq_portal.api.serializers)."""

import pytest

from tests.factories import InstituteFactory, ServiceFactory, TestbedFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("plural", "factory"), [("testbeds", TestbedFactory), ("services", ServiceFactory)]
)
def test_every_object_of_a_list_links_to_itself_its_page_and_its_own_institute(
    api, client, plural, factory
):
    first, second = InstituteFactory(), InstituteFactory()
    records = [factory(institute=first), factory(institute=second), factory(institute=first)]
    results = api.get(f"/api/v1/{plural}/?page_size=10").json()["results"]
    items = {item["uuid"]: item for item in results}
    for record in records:
        item = items[str(record.uuid)]
        assert item["url"] == f"http://testserver/api/v1/{plural}/{record.uuid}/"
        assert item["html_url"] == f"http://testserver{record.get_absolute_url()}"
        assert client.get(item["html_url"]).status_code == 200
        assert item["institute"]["url"] == (
            f"http://testserver/api/v1/institutes/{record.institute.uuid}/"
        )
        assert api.get(item["url"]).json()["uuid"] == str(record.uuid)


def test_institutes_list_links_each_institute_to_itself(api):
    institutes = InstituteFactory.create_batch(3)
    results = api.get("/api/v1/institutes/?page_size=50").json()["results"]
    urls = {item["uuid"]: item["url"] for item in results}
    for institute in institutes:
        assert urls[str(institute.uuid)] == (
            f"http://testserver/api/v1/institutes/{institute.uuid}/"
        )
