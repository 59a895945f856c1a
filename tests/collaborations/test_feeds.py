"""The Atom feed of approved projects carries public projects only, newest approval first."""

from xml.etree import ElementTree

import pytest
from django.urls import reverse

from collaborations.enums import PUBLIC_PROJECT_STATUSES, ProjectStatus
from tests.collaborations.factories import ProjectFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
FEED = reverse("collaborations:project_feed")


def entries(client) -> list[ElementTree.Element]:
    response = client.get(FEED)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)  # noqa: S314 - the portal's own output
    return feed.findall(f"{ATOM}entry")


def test_only_public_projects_are_in_the_feed(client):
    for state in ProjectStatus:
        ProjectFactory(state=state, acronym=state.value)
    found = {entry.findtext(f"{ATOM}title").split(":")[0] for entry in entries(client)}
    assert found == {state.value for state in PUBLIC_PROJECT_STATUSES}


def test_an_entry_names_the_project_its_lead_and_its_working_area(client):
    project = ProjectFactory(state=ProjectStatus.APPROVED)
    (entry,) = entries(client)
    assert entry.findtext(f"{ATOM}id") == f"urn:uuid:{project.uuid}"
    assert entry.findtext(f"{ATOM}title") == f"{project.acronym}: {project.title}"
    assert entry.find(f"{ATOM}link").get("href").endswith(project.get_absolute_url())
    assert entry.find(f"{ATOM}author").findtext(f"{ATOM}name") == project.lead_institute.name
    assert entry.find(f"{ATOM}category").get("term") == str(project.twa)


def test_the_project_list_links_the_feed(client):
    page = client.get(reverse("collaborations:project_list")).content.decode()
    assert f'type="application/atom+xml" title="Approved projects" href="{FEED}"' in page


def test_the_feed_reads_in_the_same_queries_at_any_size(
    client, django_assert_num_queries, django_assert_max_num_queries
):
    ProjectFactory(state=ProjectStatus.APPROVED)
    with django_assert_max_num_queries(4) as few:
        client.get(FEED)
    for _ in range(4):
        ProjectFactory(state=ProjectStatus.ACTIVE)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(entries(client)) == 5
