"""Proposals written through the projects API: drafting, editing and moves, each allowed exactly
when the services allow it."""

import copy
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from rest_framework.test import APIClient

from collaborations import services
from collaborations.models import Project
from nmiq_portal.workflow.models import WorkflowEvent
from tests.collaborations.api_support import PROJECTS, S, as_, detail
from tests.collaborations.factories import (
    ROLES,
    ProjectFactory,
    cast,
    member,
)
from tests.factories import InstituteFactory
from tests.support import shared_data

pytestmark = pytest.mark.django_db

# --- Writes: the same outcome as the services ---------------------------------------------------


def service_outcome(call) -> str:
    """Run a service and undo it: "ok", "denied" (PermissionDenied) or "invalid"."""
    try:
        with transaction.atomic():
            call()
            raise _Undo
    except _Undo:
        return "ok"
    except PermissionDenied:
        return "denied"
    except ValidationError:
        return "invalid"


class _Undo(Exception):
    pass


def api_outcome(response, *, ok: int) -> str:
    if response.status_code in (401, 403):
        return "denied"
    if response.status_code == 400:
        return "invalid"
    assert response.status_code == ok, response.content
    return "ok"


def proposal(scene, **extra) -> dict:
    return {
        "twa": scene.project.twa.slug,
        "lead_institute": str(scene.project.lead_institute.uuid),
        "kind": "comparison",
        "title": "Round robin of single-photon detector efficiency",
        "acronym": "SPD-RR",
        "summary": "Five laboratories measure the same detectors.",
        "deliverables": [{"title": "Protocol", "due_date": "2027-03-01"}],
        **extra,
    }


@pytest.mark.parametrize("role", ROLES)
def test_drafting_through_the_api_is_allowed_exactly_when_the_service_allows_it(api, role):
    scene = cast(S.DRAFT)
    user = scene[role]
    expected = service_outcome(
        lambda: services.project_create(
            actor=user,
            twa=scene.project.twa,
            lead_institute=scene.project.lead_institute,
            kind="comparison",
            title="Round robin",
            acronym="SPD-RR",
            summary="Five laboratories.",
        )
    )
    before = Project.objects.count()
    response = as_(api, user).post(PROJECTS, proposal(scene), format="json")
    assert api_outcome(response, ok=201) == expected
    assert Project.objects.count() == before + (expected == "ok")
    if expected == "ok":
        data = response.json()
        assert data["status"] == "draft"
        assert response["Location"].endswith(detail(Project.objects.get(uuid=data["uuid"])))
        assert response["ETag"]
        assert [d["title"] for d in data["deliverables"]] == ["Protocol"]


def test_a_draft_made_through_the_api_is_seen_by_its_institute_only(api):
    scene = cast(S.DRAFT)
    response = as_(api, scene["proposer"]).post(PROJECTS, proposal(scene), format="json")
    url = response["Location"]
    for role in ROLES:
        status = as_(APIClient(), scene[role]).get(url).status_code
        assert status == (200 if role in {"proposer", "lead_editor", "staff"} else 404), role


def test_invalid_proposal_answers_each_field_and_creates_nothing(api):
    scene = cast(S.DRAFT)
    body = proposal(scene, kind="castle", title="", twa="no-such-area", deliverables=[{}])
    response = as_(api, scene["proposer"]).post(PROJECTS, body, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    fields = {error["field"] for error in response.json()["errors"]}
    assert {"kind", "title", "twa", "deliverables.0.title", "deliverables.0.due_date"} <= fields
    assert Project.objects.count() == 1


def test_a_service_refusal_names_its_field(api):
    scene = cast(S.DRAFT)
    scene.project.twa.active = False
    scene.project.twa.save()
    response = as_(api, scene["proposer"]).post(PROJECTS, proposal(scene), format="json")
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["twa"]


def test_cannot_propose_for_an_institute_one_does_not_belong_to(api):
    scene = cast(S.DRAFT)
    body = proposal(scene, lead_institute=str(InstituteFactory().uuid))
    response = as_(api, scene["proposer"]).post(PROJECTS, body, format="json")
    assert response.status_code == 403


@pytest.fixture(scope="class")
def _cast_of_state(state, django_db_setup, django_db_blocker):
    extra = {"final_report_url": "https://example.org/report.pdf"} if state == S.ACTIVE else {}
    with shared_data(django_db_blocker):
        yield cast(state, **extra)


@pytest.fixture
def scene(_cast_of_state, db):
    """``cast(state)`` made once for the tests of a class parametrized on ``state`` with
    scope="class", each of which looks at its own project only; a copy for each test."""
    return copy.deepcopy(_cast_of_state)


class TestEditingInEachState:
    """Edits by every role in each state, through the API as through the services."""

    @pytest.mark.parametrize(
        "state", [S.DRAFT, S.CHANGES_REQUESTED, S.SUBMITTED, S.APPROVED], scope="class"
    )
    @pytest.mark.parametrize("role", ROLES)
    def test_editing_through_the_api_is_allowed_exactly_when_the_service_allows_it(
        self, api, scene, role, state
    ):
        user, project = scene[role], scene.project
        expected = service_outcome(
            lambda: services.project_update(
                actor=user, project=project, version=project.version, title="Revised title"
            )
        )
        response = as_(api, user).patch(
            detail(project), {"title": "Revised title", "version": project.version}, format="json"
        )
        if response.status_code == 404:
            assert not user.has_perm("collaborations.view_project", project)
            assert expected == "denied"
            return
        assert api_outcome(response, ok=200) == expected
        project.refresh_from_db()
        assert (project.title == "Revised title") is (expected == "ok")


def test_an_edit_replaces_the_deliverables_and_bumps_the_version(api):
    scene = cast(S.DRAFT)
    project = scene.project
    response = as_(api, scene["proposer"]).patch(
        detail(project),
        {
            "version": project.version,
            "deliverables": [
                {"title": "Report", "due_date": "2027-09-01", "description": "Final."},
                {"title": "Protocol", "due_date": "2027-02-01"},
            ],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["version"] == project.version + 1
    assert [d["title"] for d in data["deliverables"]] == ["Protocol", "Report"]


def test_a_stale_edit_is_refused_and_changes_nothing(api):
    scene = cast(S.DRAFT)
    project = scene.project
    client = as_(api, scene["proposer"])
    etag = client.get(detail(project))["ETag"]
    services.project_update(
        actor=scene["lead_editor"], project=project, version=project.version, title="Theirs"
    )
    stale_version = client.patch(
        detail(project), {"title": "Mine", "version": project.version}, format="json"
    )
    stale_etag = client.patch(detail(project), {"title": "Mine"}, format="json", HTTP_IF_MATCH=etag)
    for response in (stale_version, stale_etag):
        assert response.status_code == 412
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["current_version"] == project.version + 1
    project.refresh_from_db()
    assert project.title == "Theirs"


def test_an_edit_must_say_which_copy_it_changed(api):
    scene = cast(S.DRAFT)
    client = as_(api, scene["proposer"])
    response = client.patch(detail(scene.project), {"title": "Mine"}, format="json")
    assert response.status_code == 428
    etag = client.get(detail(scene.project))["ETag"]
    response = client.patch(
        detail(scene.project), {"title": "Mine"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 200
    assert response.json()["title"] == "Mine"


def test_the_lead_institute_does_not_change(api):
    scene = cast(S.DRAFT)
    response = as_(api, scene["proposer"]).patch(
        detail(scene.project),
        {"version": scene.project.version, "lead_institute": str(InstituteFactory().uuid)},
        format="json",
    )
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["lead_institute"]


#: (state, action) pairs covering every action of the project table.
MOVES = [
    (S.DRAFT, "submit"),
    (S.SUBMITTED, "start_review"),
    (S.IN_REVIEW, "approve"),
    (S.IN_REVIEW, "reject"),
    (S.IN_REVIEW, "request_changes"),
    (S.APPROVED, "activate"),
    (S.ACTIVE, "complete"),
    (S.SUBMITTED, "withdraw"),
]


class TestMovesFromEachState:
    """Every move by every role, through the API as through the services."""

    @pytest.mark.parametrize(("state", "action"), MOVES, scope="class")
    @pytest.mark.parametrize("role", ROLES)
    def test_moves_through_the_api_are_allowed_exactly_when_the_service_allows_them(
        self, api, scene, role, state, action
    ):
        user, project = scene[role], scene.project
        comment = "Please add a budget."
        expected = service_outcome(
            lambda: services.project_transition(
                actor=user, project=project, action=action, comment=comment
            )
        )
        events = WorkflowEvent.objects.count()
        response = as_(api, user).post(
            f"{detail(project)}transition/", {"action": action, "comment": comment}, format="json"
        )
        if response.status_code == 404:
            assert not user.has_perm("collaborations.view_project", project)
            assert expected == "denied"
        else:
            assert api_outcome(response, ok=200) == expected
        project.refresh_from_db()
        moved = expected == "ok"
        assert (project.status != state) is moved
        assert WorkflowEvent.objects.count() == events + moved
        if moved:
            assert response.json()["status"] == project.status


def test_a_proposer_submits_through_the_api_once_partners_accepted(api):
    scene = cast(S.DRAFT)
    client = as_(api, scene["proposer"])
    actions = {a["action"]: a for a in client.get(detail(scene.project)).json()["actions"]}
    assert actions["submit"]["allowed"] is True
    response = client.post(f"{detail(scene.project)}transition/", {"action": "submit"})
    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    assert response.json()["timeline"][-1]["actor"] == scene["proposer"].name


def test_a_guard_refusal_says_why_and_changes_nothing(api):
    lead = InstituteFactory()
    proposer = member(lead)
    project = ProjectFactory(lead_institute=lead, proposer=proposer, partners=0)
    response = as_(api, proposer).post(f"{detail(project)}transition/", {"action": "submit"})
    assert response.status_code == 400
    assert "accepted institute" in response.json()["errors"][0]["detail"]
    project.refresh_from_db()
    assert project.status == S.DRAFT


@pytest.mark.parametrize(
    ("body", "field"),
    [({"action": "explode"}, "action"), ({"action": "reject"}, "comment"), ({}, "action")],
)
def test_a_bad_move_is_a_problem_naming_the_field(api, body, field):
    scene = cast(S.IN_REVIEW)
    response = as_(api, scene["coordinator"]).post(
        f"{detail(scene.project)}transition/", body, format="json"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert field in {error["field"] for error in response.json()["errors"]}
    scene.project.refresh_from_db()
    assert scene.project.status == S.IN_REVIEW


def test_an_illegal_move_from_the_current_state_changes_nothing(api):
    scene = cast(S.DRAFT)
    response = as_(api, scene["proposer"]).post(
        f"{detail(scene.project)}transition/", {"action": "approve"}
    )
    assert response.status_code in (400, 403)
    scene.project.refresh_from_db()
    assert scene.project.status == S.DRAFT


@pytest.mark.parametrize("method", ["put", "delete"])
def test_projects_are_never_replaced_or_deleted(api, method):
    scene = cast(S.DRAFT)
    response = getattr(as_(api, scene["proposer"]), method)(detail(scene.project), {})
    assert response.status_code == 405


def test_unknown_project_is_a_problem_document(api):
    response = api.get(f"{PROJECTS}{uuid.uuid4()}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
