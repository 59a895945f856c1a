"""Published comparisons and guide versions cited as evidence of the testbeds and services of
the institutes that made them: who may cite, from which records, and a citation that shows only
while its output is public, on every door that shows a record's evidence."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from capabilities import selectors
from capabilities import services as directory_services
from capabilities.models import Evidence
from outputs.enums import ComparisonStatus
from tests.factories import MembershipFactory, ServiceFactory, TestbedFactory
from tests.outputs.factories import comparison_world, move_to
from tests.outputs.guides_world import guide_media, guide_world  # noqa: F401 - module fixture

pytestmark = pytest.mark.django_db


def _published_comparison():
    """A published comparison (lead in DE, partner in FR, a third lab in JP) and a testbed of
    the lead institute."""
    world = comparison_world(ComparisonStatus.DRAFT)
    world.comparison = move_to(
        world.comparison,
        ComparisonStatus.PUBLISHED,
        lead_user=world["proposer"],
        reviewer=world["staff"],
    )
    lead = world.comparison.project.lead_institute
    testbed = TestbedFactory(institute=lead, name="Josephson array")
    return world, testbed


def _cite(client, user, output, record, note=""):
    client.force_login(user)
    return client.post(
        output.get_absolute_url() + "cite/",
        {"record": f"{record._meta.model_name}:{record.uuid}", "note": note},
    )


def test_an_editor_of_a_participant_cites_a_published_comparison(client, api):
    world, testbed = _published_comparison()
    comparison, editor = world.comparison, world["lead_editor"]
    client.force_login(editor)
    page = client.get(comparison.get_absolute_url()).content.decode()
    assert 'id="cite"' in page
    assert "Josephson array" in page

    response = _cite(client, editor, comparison, testbed, note="Our 1.018 V result")
    assert response.status_code == 302
    assert response["Location"] == testbed.get_absolute_url() + "#how-we-know"
    evidence = Evidence.objects.get(testbed=testbed)
    assert (evidence.kind, evidence.output, evidence.note) == (
        "comparison",
        comparison,
        "Our 1.018 V result",
    )
    assert evidence.title == f"{comparison.identifier}: {comparison.measurand}"

    client.logout()
    record_page = client.get(testbed.get_absolute_url()).content.decode()
    assert f'href="{comparison.get_absolute_url()}"' in record_page
    assert "Published on this portal" in record_page
    item = api.get(f"/api/v1/testbeds/{testbed.uuid}/").json()["evidence"][0]
    assert item["portal_url"] == f"http://testserver{comparison.get_absolute_url()}"
    assert (
        client.get("/directory/?has_evidence=on&type=testbed")
        .content.decode()
        .count(testbed.get_absolute_url())
    )
    # Once cited, the record is no longer offered for it.
    client.force_login(editor)
    assert 'id="cite"' not in client.get(comparison.get_absolute_url()).content.decode()


def test_a_citation_is_shown_only_while_its_output_is_public(client, api):
    world, testbed = _published_comparison()
    directory_services.evidence_cite(
        actor=world["lead_editor"], record=testbed, output=world.comparison
    )
    assert Evidence.objects.filter(testbed=testbed).exists()

    move_to(
        world.comparison,
        ComparisonStatus.WITHDRAWN,
        lead_user=world["proposer"],
        reviewer=world["staff"],
    )
    assert not Evidence.objects.filter(testbed=testbed).exists()
    assert Evidence.all_objects.filter(testbed=testbed).exists()  # kept, not shown
    record_page = client.get(testbed.get_absolute_url()).content.decode()
    assert world.comparison.identifier not in record_page
    assert api.get(f"/api/v1/testbeds/{testbed.uuid}/").json()["evidence"] == []
    evidence_only = client.get("/directory/?has_evidence=on&type=testbed").content.decode()
    assert testbed.get_absolute_url() not in evidence_only


def _evidence_facet(kind: str) -> dict:
    search = selectors.directory_search(user=AnonymousUser(), params={"type": [kind]})
    shown = next((facet for facet in search.facets if facet.key == "has_evidence"), None)
    return {value.value: value.count for value in shown.values} if shown else {}


def _api_names(api, endpoint: str, **params) -> list[str]:
    response = api.get(f"/api/v1/{endpoint}/", params)
    assert response.status_code == 200
    return sorted(row["name"] for row in response.json()["results"])


def test_the_has_evidence_facet_and_filter_count_a_citation_only_while_it_shows(client, api):
    """Page facet, page filter and API filter read the same rule as the record's page: a
    citation of an output taken out of public view counts for nothing. ``false`` sets no
    filter, as for ``si``."""
    world, testbed = _published_comparison()
    lead = testbed.institute
    TestbedFactory(institute=lead, name="Uncited bench")
    service = ServiceFactory(institute=lead, name="Josephson calibration")
    ServiceFactory(institute=lead, name="Uncited service")
    for record in (testbed, service):
        directory_services.evidence_cite(
            actor=world["lead_editor"], record=record, output=world.comparison
        )

    assert _evidence_facet("testbed") == {"on": 1}
    assert _evidence_facet("service") == {"on": 1}
    assert _api_names(api, "testbeds", has_evidence="true") == ["Josephson array"]
    assert _api_names(api, "services", has_evidence="true") == ["Josephson calibration"]
    assert _api_names(api, "testbeds", has_evidence="false") == ["Josephson array", "Uncited bench"]
    page = client.get("/directory/", {"has_evidence": "on", "type": "service"}).content.decode()
    assert service.get_absolute_url() in page

    move_to(
        world.comparison,
        ComparisonStatus.WITHDRAWN,
        lead_user=world["proposer"],
        reviewer=world["staff"],
    )
    assert _evidence_facet("testbed") == {}
    assert _evidence_facet("service") == {}
    assert _api_names(api, "testbeds", has_evidence="true") == []
    assert _api_names(api, "services", has_evidence="true") == []
    assert _api_names(api, "services", has_evidence="false") == [
        "Josephson calibration",
        "Uncited service",
    ]
    page = client.get("/directory/", {"has_evidence": "on", "type": "service"}).content.decode()
    assert service.get_absolute_url() not in page


@pytest.mark.parametrize(
    "role", ["anonymous", "plain_user", "other_twa_coordinator", "coordinator", "partner_member"]
)
def test_nobody_else_cites_it_from_the_lead_institutes_testbed(client, role):
    """Only members of the testbed's institute (or staff) may cite from it; the partner's member
    is of a participating institute, but not of the testbed's."""
    world, testbed = _published_comparison()
    if role == "anonymous":
        response = client.post(
            world.comparison.get_absolute_url() + "cite/",
            {"record": f"testbed:{testbed.uuid}"},
        )
        assert response.status_code == 302
        assert "/accounts/" in response["Location"]
    else:
        response = _cite(client, world[role], world.comparison, testbed)
        assert response.status_code == 302
        assert response["Location"].endswith("#cite")
        page = client.get(world.comparison.get_absolute_url()).content.decode()
        assert "Josephson array" not in page
    assert not Evidence.all_objects.filter(testbed=testbed).exists()


def test_the_service_refuses_what_the_form_never_offers():
    world, testbed = _published_comparison()
    editor = world["lead_editor"]
    stranger_testbed = TestbedFactory(name="Not a participant's")
    MembershipFactory(user=editor, institute=stranger_testbed.institute)
    with pytest.raises(PermissionDenied):
        directory_services.evidence_cite(
            actor=editor, record=stranger_testbed, output=world.comparison
        )
    with pytest.raises(PermissionDenied):
        directory_services.evidence_cite(
            actor=world["partner_member"], record=testbed, output=world.comparison
        )
    directory_services.evidence_cite(actor=editor, record=testbed, output=world.comparison)
    with pytest.raises(ValidationError, match="already cites"):
        directory_services.evidence_cite(actor=editor, record=testbed, output=world.comparison)
    assert Evidence.all_objects.filter(testbed=testbed).count() == 1


def test_an_unpublished_comparison_cannot_be_cited(client):
    world = comparison_world(ComparisonStatus.IN_REVIEW)
    testbed = TestbedFactory(institute=world.comparison.project.lead_institute)
    editor = world["lead_editor"]
    client.force_login(editor)
    assert 'id="cite"' not in client.get(world.comparison.get_absolute_url()).content.decode()
    _cite(client, editor, world.comparison, testbed)
    with pytest.raises(ValidationError, match="published"):
        directory_services.evidence_cite(actor=editor, record=testbed, output=world.comparison)
    assert not Evidence.all_objects.exists()


def test_an_author_cites_a_published_guide_version_from_a_service(client):
    world = guide_world("published")
    service = ServiceFactory(institute=world.guide.institutes.get(), name="SPD efficiency")
    response = _cite(client, world["author"], world.version, service)
    assert response.status_code == 302
    evidence = Evidence.objects.get(service=service)
    assert (evidence.kind, evidence.title) == ("guide", str(world.version))
    assert evidence.link == world.version.get_absolute_url()
    # The coordinator from another institute is offered nothing to cite it from.
    client.force_login(world["coordinator"])
    assert 'id="cite"' not in client.get(world.version.get_absolute_url()).content.decode()


def test_a_draft_guide_version_cannot_be_cited():
    world = guide_world("draft")
    service = ServiceFactory(institute=world.guide.institutes.get())
    with pytest.raises(ValidationError):
        directory_services.evidence_cite(
            actor=world["author"], record=service, output=world.version
        )


def _record_page_queries(client, testbed) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(testbed.get_absolute_url()).status_code == 200
    return len(queries)


def test_the_record_page_reads_citations_in_constant_queries(client):
    world, testbed = _published_comparison()
    editor = world["lead_editor"]
    directory_services.evidence_cite(actor=editor, record=testbed, output=world.comparison)

    def cite_a_guide():
        guide = guide_world("published")
        guide.guide.institutes.add(testbed.institute)
        directory_services.evidence_cite(actor=editor, record=testbed, output=guide.version)

    cite_a_guide()
    _record_page_queries(client, testbed)  # what the page caches is read once
    few = _record_page_queries(client, testbed)
    cite_a_guide()
    cite_a_guide()
    assert Evidence.objects.filter(testbed=testbed).count() == 4
    assert _record_page_queries(client, testbed) == few
