"""Conditional requests: ETags, 304 for a current copy, and no lost update (412/428)."""

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from capabilities import models, services
from capabilities.enums import MemberRole
from capabilities.models import Evidence, TechnologyArea
from nmiq_portal.api.conditional import etag_of
from tests.factories import (
    ContactFactory,
    InstituteFactory,
    MembershipFactory,
    ServiceFactory,
    TestbedFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

FACTORIES = {
    "testbeds": TestbedFactory,
    "services": ServiceFactory,
    "contacts": ContactFactory,
    "institutes": InstituteFactory,
}


@pytest.fixture
def testbed():
    return TestbedFactory(summary="As first written.")


@pytest.fixture
def editor(api, testbed):
    user = MembershipFactory(institute=testbed.institute).user
    api.force_authenticate(user)
    return user


def _url(obj) -> str:
    plural = {
        models.Testbed: "testbeds",
        models.Service: "services",
        models.Contact: "contacts",
        models.Institute: "institutes",
    }[type(obj)]
    return f"/api/v1/{plural}/{obj.uuid}/"


def _state(testbed):
    """The row and its history: what a refused write must leave alone."""
    return (
        models.Testbed.objects.filter(pk=testbed.pk).values().first(),
        testbed.history.count(),
    )


# --- ETag and If-None-Match ---------------------------------------------------------------------


@pytest.mark.parametrize("plural", list(FACTORIES))
def test_detail_responses_carry_a_strong_etag_of_their_representation(api, plural):
    obj = FACTORIES[plural]()
    response = api.get(f"/api/v1/{plural}/{obj.uuid}/")
    assert response.status_code == 200
    etag = response["ETag"]
    assert etag.startswith('"'), "strong, not W/"
    assert etag.endswith('"')
    assert etag == etag_of(response.json())
    assert api.get(f"/api/v1/{plural}/{obj.uuid}/")["ETag"] == etag, "stable"


def test_the_etag_is_of_what_the_caller_gets(api):
    contact = ContactFactory()
    anonymous = api.get(_url(contact))
    api.force_authenticate(UserFactory())
    signed_in = api.get(_url(contact))
    assert "email" in signed_in.json()
    assert "email" not in anonymous.json()
    assert signed_in["ETag"] != anonymous["ETag"]
    assert api.get(_url(contact), {"fields": "name"})["ETag"] == etag_of({"name": contact.name})


@pytest.mark.parametrize(
    "header",
    [
        "{etag}",
        "W/{etag}",
        '"stale", {etag}',
        "*",
    ],
)
def test_a_current_copy_gets_304_without_a_body(api, testbed, header):
    etag = api.get(_url(testbed))["ETag"]
    response = api.get(_url(testbed), HTTP_IF_NONE_MATCH=header.format(etag=etag))
    assert response.status_code == 304
    assert response["ETag"] == etag
    assert response.content == b""


def test_a_stale_copy_gets_the_new_representation(api, testbed):
    etag = api.get(_url(testbed))["ETag"]
    services.record_update(
        actor=MembershipFactory(institute=testbed.institute).user,
        record=testbed,
        version=testbed.version,
        summary="Rewritten.",
    )
    response = api.get(_url(testbed), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["summary"] == "Rewritten."
    assert response["ETag"] != etag


def test_a_write_answers_the_etag_a_get_then_gives(api, testbed, editor):
    etag = api.get(_url(testbed))["ETag"]
    response = api.patch(_url(testbed), {"summary": "New."}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert response["ETag"] == api.get(_url(testbed))["ETag"]


@pytest.mark.parametrize("related", [1, 6])
def test_etag_adds_no_query_per_related_row(api, related):
    institute = InstituteFactory()
    areas = list(TechnologyArea.objects.order_by("path")[:related])
    contacts = ContactFactory.create_batch(related, institute=institute)
    testbed = TestbedFactory(institute=institute, contacts=contacts, technology_areas=areas)
    for n in range(related):
        Evidence.objects.create(
            testbed=testbed, kind="paper", title=f"Paper {n}", doi=f"10.1000/{n}"
        )
    etag = api.get(_url(testbed))["ETag"]
    with CaptureQueriesContext(connection) as fresh:
        assert api.get(_url(testbed)).status_code == 200
    with CaptureQueriesContext(connection) as cached:
        assert api.get(_url(testbed), HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert len(fresh) == len(cached) == QUERIES_OF_A_TESTBED


#: select the testbed (with its institute, readiness, areas and contacts), then its evidence.
QUERIES_OF_A_TESTBED = 2


# --- If-Match: no lost update -------------------------------------------------------------------


def test_patch_with_a_stale_if_match_is_412_and_changes_nothing(api, testbed, editor):
    stale = api.get(_url(testbed))["ETag"]
    services.record_update(
        actor=editor, record=testbed, version=testbed.version, summary="Someone else's."
    )
    before = _state(testbed)
    response = api.patch(_url(testbed), {"summary": "Mine."}, format="json", HTTP_IF_MATCH=stale)
    assert response.status_code == 412
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "precondition_failed"
    assert problem["current_version"] == before[0]["version"]
    assert _state(testbed) == before


def test_a_weak_etag_never_matches_if_match(api, testbed, editor):
    etag = api.get(_url(testbed))["ETag"]
    before = _state(testbed)
    response = api.patch(_url(testbed), {"summary": "X"}, format="json", HTTP_IF_MATCH=f"W/{etag}")
    assert response.status_code == 412
    assert _state(testbed) == before


def test_if_match_may_list_etags_or_be_a_star(api, testbed, editor):
    etag = api.get(_url(testbed))["ETag"]
    response = api.patch(
        _url(testbed), {"summary": "One."}, format="json", HTTP_IF_MATCH=f'"old", {etag}'
    )
    assert response.status_code == 200
    response = api.patch(_url(testbed), {"summary": "Two."}, format="json", HTTP_IF_MATCH="*")
    assert response.status_code == 200


def test_patch_without_if_match_or_version_is_428_and_changes_nothing(api, testbed, editor):
    before = _state(testbed)
    response = api.patch(_url(testbed), {"summary": "Blind."}, format="json")
    assert response.status_code == 428
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "precondition_required"
    assert _state(testbed) == before


def test_patch_with_the_version_it_edited_is_accepted(api, testbed, editor):
    response = api.patch(
        _url(testbed), {"summary": "Versioned.", "version": testbed.version}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["version"] == testbed.version + 1


def test_patch_with_a_stale_version_is_412_and_changes_nothing(api, testbed, editor):
    edited = testbed.version
    services.record_update(actor=editor, record=testbed, version=edited, summary="Theirs.")
    before = _state(testbed)
    response = api.patch(_url(testbed), {"summary": "Mine.", "version": edited}, format="json")
    assert response.status_code == 412
    assert response.json()["current_version"] == edited + 1
    assert _state(testbed) == before


def test_if_match_and_a_version_that_disagree_are_412(api, testbed, editor):
    etag = api.get(_url(testbed))["ETag"]
    before = _state(testbed)
    response = api.patch(
        _url(testbed),
        {"summary": "Mine.", "version": testbed.version - 1},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 412
    assert _state(testbed) == before


def test_delete_without_if_match_is_428_and_deletes_nothing(api, testbed, editor):
    response = api.delete(_url(testbed))
    assert response.status_code == 428
    assert response.json()["code"] == "precondition_required"
    assert models.Testbed.objects.filter(pk=testbed.pk).exists()


def test_delete_with_a_stale_if_match_is_412_and_deletes_nothing(api, testbed, editor):
    stale = api.get(_url(testbed))["ETag"]
    services.record_update(actor=editor, record=testbed, version=testbed.version, summary="New.")
    before = _state(testbed)
    assert api.delete(_url(testbed), HTTP_IF_MATCH=stale).status_code == 412
    assert _state(testbed) == before


def test_delete_with_the_current_etag_deletes(api, testbed, editor):
    etag = api.get(_url(testbed))["ETag"]
    assert api.delete(_url(testbed), HTTP_IF_MATCH=etag).status_code == 204
    assert not models.Testbed.objects.filter(pk=testbed.pk).exists()
    assert api.get(_url(testbed)).status_code == 404


def test_institute_patch_takes_if_match_too(api):
    institute = InstituteFactory()
    api.force_authenticate(MembershipFactory(institute=institute, role=MemberRole.ADMIN).user)
    etag = api.get(_url(institute))["ETag"]
    response = api.patch(
        _url(institute), {"description": "Ours."}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 200
    response = api.patch(
        _url(institute), {"description": "Stale."}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 412
    institute.refresh_from_db()
    assert institute.description == "Ours."


# --- A write committed between the check and the service ----------------------------------------


def _concurrently(function):
    """Run ``function`` in another thread, with its own database connection, to its commit."""
    errors = []

    def run():
        try:
            function()
        except Exception as error:  # reported in the test's thread
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert not errors, errors


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("method", "rival", "expected"),
    [("patch", "edits", 412), ("delete", "edits", 412), ("patch", "deletes", 404)],
)
def test_a_write_committed_after_the_etag_check_is_still_caught(
    api, monkeypatch, method, rival, expected
):
    testbed = TestbedFactory(summary="As first written.")
    editor = MembershipFactory(institute=testbed.institute).user
    other = MembershipFactory(institute=testbed.institute).user
    api.force_authenticate(editor)
    etag = api.get(_url(testbed))["ETag"]
    service_name = {"patch": "record_change", "delete": "record_delete"}[method]
    service = getattr(services, service_name)

    def rivals_write():
        current = models.Testbed.objects.get(pk=testbed.pk)
        if rival == "edits":
            services.record_update(
                actor=other, record=current, version=current.version, summary="The rival's."
            )
        else:
            services.record_delete(actor=other, record=current, version=current.version)

    def rival_commits_first(**kwargs):
        # The view has compared the ETag; the rival's write commits before the service runs.
        _concurrently(rivals_write)
        return service(**kwargs)

    monkeypatch.setattr(services, service_name, rival_commits_first)
    response = getattr(api, method)(
        _url(testbed), {"summary": "Mine."}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == expected
    assert response["Content-Type"] == "application/problem+json"
    if rival == "edits":
        assert response.json()["current_version"] == testbed.version + 1
        testbed.refresh_from_db()
        assert testbed.summary == "The rival's."
    else:
        assert not models.Testbed.objects.filter(pk=testbed.pk).exists()


# --- Documented -----------------------------------------------------------------------------


def test_schema_documents_etags_preconditions_and_their_answers(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path in (
        "/api/v1/testbeds/{uuid}/",
        "/api/v1/services/{uuid}/",
        "/api/v1/contacts/{uuid}/",
        "/api/v1/institutes/{uuid}/",
    ):
        operations = schema["paths"][path]
        read, patch = operations["get"], operations["patch"]
        assert "If-None-Match" in {p["name"] for p in read["parameters"]}
        assert "ETag" in read["responses"]["200"]["headers"]
        assert "304" in read["responses"]
        assert "If-Match" in {p["name"] for p in patch["parameters"]}
        assert "ETag" in patch["responses"]["200"]["headers"]
        for code in ("412", "428"):
            assert "application/problem+json" in patch["responses"][code]["content"]
        if "delete" in operations:
            delete = operations["delete"]
            (if_match,) = [p for p in delete["parameters"] if p["name"] == "If-Match"]
            assert if_match["required"] is True
            assert {"204", "409", "412", "428"} <= set(delete["responses"])
    create = schema["paths"]["/api/v1/testbeds/"]["post"]
    assert "ETag" in create["responses"]["201"]["headers"]
    assert "If-Match" in schema["info"]["description"]
