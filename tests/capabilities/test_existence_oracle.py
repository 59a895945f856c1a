"""No filter tells a stranger that an unverified institute exists: its slug is answered as an
unknown slug is, on every API endpoint and page that filters by institute, and no page lists it
among the choices; its members, and staff, filter by it as by any other."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from capabilities import selectors
from tests.factories import InstituteFactory, MembershipFactory, StaffFactory, TestbedFactory
from tests.support import shared_data

FILTERED_BY_INSTITUTE = [
    "/api/v1/testbeds/",
    "/api/v1/services/",
    "/api/v1/contacts/",
    "/api/v1/projects/",
    "/api/v1/guides/",
    "/api/v1/comparisons/",
    "/api/v1/results/",
]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with shared_data(django_db_blocker):
        hidden = InstituteFactory(acronym="QSTART", name="Quantum Start-up Ltd", verified=False)
        member = MembershipFactory(institute=hidden).user
        TestbedFactory(institute=InstituteFactory(acronym="PTB"), published=True)
        yield {"hidden": hidden, "member": member, "staff": StaffFactory()}


def answer(client, url, slug):
    response = client.get(url, {"institute": slug})
    body = response.json()
    return response.status_code, body.get("invalid_params") if response.status_code == 400 else None


@pytest.mark.django_db
@pytest.mark.parametrize("url", FILTERED_BY_INSTITUTE)
def test_an_unverified_institutes_slug_answers_as_an_unknown_one(client, world, url):
    unknown = answer(client, url, "no-such-institute")
    assert unknown[0] == 400
    hidden = answer(client, url, world["hidden"].slug)
    assert hidden[0] == unknown[0]
    assert str(hidden[1]).replace(world["hidden"].slug, "X") == str(unknown[1]).replace(
        "no-such-institute", "X"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("url", FILTERED_BY_INSTITUTE)
@pytest.mark.parametrize("who", ["member", "staff"])
def test_those_who_may_see_it_filter_by_it(client, world, url, who):
    client.force_login(world[who])
    assert client.get(url, {"institute": world["hidden"].slug}).status_code == 200


@pytest.mark.django_db
def test_the_directory_treats_the_slug_as_unknown(world):
    params = {"institute": [world["hidden"].slug]}
    assert "institute" in selectors.directory_errors(user=AnonymousUser(), params=params)
    assert selectors.directory_errors(user=world["member"], params=params) == {}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page", ["collaborations:project_list", "outputs:comparison_list", "outputs:guide_list"]
)
def test_no_page_offers_it_as_a_choice(client, world, page):
    assert "QSTART" not in client.get(reverse(page)).content.decode()


@pytest.mark.django_db
def test_a_detail_request_leaves_the_list_filters_to_each_viewer(client, world):
    """A detail request checks its parameters against the list's filters without building
    them: built on the class, the institute filter would keep an anonymous viewer's choices
    for every later request."""
    testbed = TestbedFactory(institute=world["hidden"])
    client.get(f"/api/v1/testbeds/{testbed.uuid}/")
    client.force_login(world["member"])
    assert client.get("/api/v1/testbeds/", {"institute": world["hidden"].slug}).status_code == 200


@pytest.mark.django_db
def test_the_directory_never_names_it_to_those_who_may_not_see_it(client, world):
    """A chosen slug that no facet shows keeps the label as typed: looking it up among all
    institutes would print an unverified institute's acronym for a stranger."""
    page = client.get("/directory/", {"institute": world["hidden"].slug}).content.decode()
    assert "QSTART" not in page
