"""`/sitemap.xml` lists what anyone may read, and only that: each kind's paged sitemap starts
from the model's `.public()`; `/robots.txt` points crawlers to it and away from private pages."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from capabilities.enums import Visibility
from outputs.enums import ComparisonStatus, ResultStatus, TermStatus
from tests.collaborations.factories import ProjectFactory
from tests.factories import (
    BenchmarkResultFactory,
    InstituteFactory,
    ServiceFactory,
    TermFactory,
    TestbedFactory,
)
from tests.outputs.factories import comparison_world

pytestmark = pytest.mark.django_db

LOC = re.compile(r"<loc>([^<]+)</loc>")


def _locations(client, url) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return LOC.findall(response.content.decode())


def _everything_listed(client) -> set[str]:
    listed = set()
    for section in _locations(client, "/sitemap.xml"):
        listed |= {
            url.removeprefix("http://testserver")
            for url in _locations(client, section.removeprefix("http://testserver"))
        }
    return listed


def test_the_sitemap_lists_public_pages_and_nothing_hidden(client):
    public = [
        TestbedFactory(name="Open dilution refrigerator"),
        ServiceFactory(name="Open SPD calibration"),
        InstituteFactory(acronym="OPEN"),
        ProjectFactory(state="approved"),
        comparison_world(ComparisonStatus.PUBLISHED).comparison,
        TermFactory(state=TermStatus.AGREED),
        BenchmarkResultFactory(state=ResultStatus.PUBLISHED),
    ]
    hidden = [
        TestbedFactory(published=False),
        TestbedFactory(visibility=Visibility.MEMBERS),
        ServiceFactory(institute=InstituteFactory(verified=False)),
        InstituteFactory(verified=False),
        ProjectFactory(state="draft"),
        comparison_world(ComparisonStatus.IN_REVIEW).comparison,
        TermFactory(state=TermStatus.PROPOSED),
        BenchmarkResultFactory(state=ResultStatus.IN_REVIEW),
    ]
    listed = _everything_listed(client)
    for obj in public:
        assert obj.get_absolute_url() in listed
    for obj in hidden:
        assert obj.get_absolute_url() not in listed


def test_a_sitemap_page_reads_in_constant_queries(client):
    TestbedFactory()
    with CaptureQueriesContext(connection) as few:
        _locations(client, "/sitemap-testbeds.xml")
    for _ in range(5):
        TestbedFactory()
    with CaptureQueriesContext(connection) as more:
        assert len(_locations(client, "/sitemap-testbeds.xml")) == 6
    assert len(more) == len(few)


def test_an_unknown_section_is_a_404(client):
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_robots_txt_points_to_the_sitemap_and_away_from_private_pages(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    body = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in body
    for private in ("/accounts/", "/admin/", "/api/", "/notifications/"):
        assert f"Disallow: {private}" in body
