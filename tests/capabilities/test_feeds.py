"""The Atom feeds of new testbeds and services carry what an anonymous visitor sees, and nothing
else: no draft, no members-only record, nothing of an unverified institute."""

from xml.etree import ElementTree

import pytest
from django.urls import reverse

from capabilities.enums import Visibility
from tests.factories import InstituteFactory, ServiceFactory, TestbedFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client, url) -> list[ElementTree.Element]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)  # noqa: S314 - the portal's own output
    return feed.findall(f"{ATOM}entry")


def titles(client, url) -> set[str]:
    return {entry.findtext(f"{ATOM}title") for entry in entries(client, url)}


@pytest.mark.parametrize(
    ("factory", "name"),
    [(TestbedFactory, "capabilities:testbed_feed"), (ServiceFactory, "capabilities:service_feed")],
)
def test_a_feed_carries_only_public_records(client, institute, factory, name):
    factory(institute=institute, name="Shown")
    factory(institute=institute, name="Draft", published=False)
    factory(institute=institute, name="Members only", visibility=Visibility.MEMBERS)
    factory(institute=InstituteFactory(verified=False), name="Unverified")
    assert titles(client, reverse(name)) == {"PTB: Shown"}


def test_an_entry_is_identified_by_the_record_uuid_and_links_to_its_page(client, institute):
    testbed = TestbedFactory(institute=institute, name="Ion-trap testbed")
    (entry,) = entries(client, reverse("capabilities:testbed_feed"))
    assert entry.findtext(f"{ATOM}id") == f"urn:uuid:{testbed.uuid}"
    assert entry.find(f"{ATOM}link").get("href").endswith(testbed.get_absolute_url())
    assert entry.findtext(f"{ATOM}summary") == testbed.summary
    assert entry.find(f"{ATOM}author").findtext(f"{ATOM}name") == institute.name


def test_newest_first(client, institute):
    for name in ("first", "second", "third"):
        TestbedFactory(institute=institute, name=name)
    found = [
        e.findtext(f"{ATOM}title") for e in entries(client, reverse("capabilities:testbed_feed"))
    ]
    assert found == ["PTB: third", "PTB: second", "PTB: first"]


def test_the_directory_page_links_both_feeds(client):
    page = client.get(reverse("capabilities:directory")).content.decode()
    for name in ("capabilities:testbed_feed", "capabilities:service_feed"):
        assert 'type="application/atom+xml"' in page
        assert f'href="{reverse(name)}"' in page


def test_the_feed_reads_in_the_same_queries_at_any_size(
    client, institute, django_assert_num_queries, django_assert_max_num_queries
):
    TestbedFactory(institute=institute)
    with django_assert_max_num_queries(4) as few:
        client.get(reverse("capabilities:testbed_feed"))
    for _ in range(5):
        TestbedFactory(institute=InstituteFactory())
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(entries(client, reverse("capabilities:testbed_feed"))) == 6
