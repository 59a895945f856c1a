"""The working areas and projects API: what each caller sees, and proposals written through it
with the same rules as the services."""

import copy
import datetime
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from collaborations import services
from collaborations.enums import PUBLIC_PROJECT_STATUSES, ProjectStatus
from collaborations.models import Project
from nmiq_portal import workflow
from nmiq_portal.workflow.models import WorkflowEvent
from tests.changes.support import read_feed, read_snapshot
from tests.collaborations.factories import (
    ROLES,
    ProjectFactory,
    TechnicalWorkingAreaFactory,
    cast,
    member,
)
from tests.factories import InstituteFactory, UserFactory
from tests.support import shared_data

pytestmark = pytest.mark.django_db

PROJECTS = "/api/v1/projects/"
TWAS = "/api/v1/twas/"
S = ProjectStatus
HIDDEN_STATES = [state for state in S.values if state not in PUBLIC_PROJECT_STATUSES]


def as_(api, user):
    """``api`` signed in as ``user`` (anonymous stays signed out)."""
    if user.is_authenticated:
        api.force_authenticate(user)
    return api


def detail(project) -> str:
    return f"{PROJECTS}{project.uuid}/"


def listed(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["uuid"] for item in response.json()["results"]}


# --- What anyone sees ----------------------------------------------------------------------------


@pytest.fixture(scope="class")
def _every_state(django_db_setup, django_db_blocker):
    with shared_data(django_db_blocker):
        twa = TechnicalWorkingAreaFactory()
        yield {state: ProjectFactory(twa=twa, state=state) for state in S.values}


@pytest.fixture
def every_state(_every_state, db):
    """One project in each state, all in one working area, each with a partner in France; made
    once for the class, a copy for each test."""
    return copy.deepcopy(_every_state)


class TestOneProjectInEachState:
    """What the public sees of one project in each state (made once for the class)."""

    def test_anonymous_sees_only_public_projects_in_list_detail_and_count(self, api, every_state):
        response = api.get(PROJECTS, {"page_size": 50})
        public = {str(every_state[state].uuid) for state in PUBLIC_PROJECT_STATUSES}
        assert listed(response) == public
        assert response.json()["count"] == len(PUBLIC_PROJECT_STATUSES)
        for state, project in every_state.items():
            expected = 200 if state in PUBLIC_PROJECT_STATUSES else 404
            assert api.get(detail(project)).status_code == expected, state

    @pytest.mark.parametrize(
        "query",
        [
            {"q": "Benchmarking"},
            {"twa": "TWA"},
            {"kind": "research"},
            {"economy": "FR"},
            {"institute": "PARTNER"},
            {"sort": "created"},
            {"pagination": "cursor"},
        ],
    )
    def test_no_filter_sort_or_page_reveals_a_hidden_project_to_the_public(
        self, api, every_state, query
    ):
        twa = next(iter(every_state.values())).twa
        partner = (
            every_state[S.IN_REVIEW]
            .participations.exclude(institute=every_state[S.IN_REVIEW].lead_institute)
            .get()
            .institute
        )
        query = {
            key: {"TWA": twa.slug, "PARTNER": partner.slug}.get(value, value)
            for key, value in query.items()
        }
        response = api.get(PROJECTS, {**query, "page_size": 50})
        hidden = {str(every_state[state].uuid) for state in HIDDEN_STATES}
        assert not listed(response) & hidden
        assert response.json().get("count", 0) <= len(PUBLIC_PROJECT_STATUSES)

    def test_the_public_cannot_even_ask_for_hidden_states(self, api, every_state):
        response = api.get(PROJECTS, {"status": "draft"})
        assert response.status_code == 400
        assert response["Content-Type"] == "application/problem+json"
        assert [error["field"] for error in response.json()["errors"]] == ["status"]


@pytest.mark.parametrize("state", S.values)
def test_each_role_sees_exactly_the_projects_the_view_permission_allows(api, state):
    scene = cast(state)
    for role in ROLES:
        user = scene[role]
        client = as_(APIClient(), user)
        allowed = user.has_perm("collaborations.view_project", scene.project)
        assert (str(scene.project.uuid) in listed(client.get(PROJECTS))) is allowed, role
        assert client.get(detail(scene.project)).status_code == (200 if allowed else 404), role


def test_a_coordinator_filtering_on_drafts_finds_none_of_the_drafts_of_their_area(api):
    scene = cast(S.DRAFT)
    coordinator = as_(api, scene["coordinator"])
    assert listed(coordinator.get(PROJECTS, {"status": "draft"})) == set()
    proposer = as_(APIClient(), scene["proposer"])
    assert listed(proposer.get(PROJECTS, {"status": "draft"})) == {str(scene.project.uuid)}


def test_a_project_shows_its_working_area_lead_deliverables_and_accepted_partners(api):
    project = ProjectFactory(
        state=S.ACTIVE,
        deliverables=[{"title": "Protocol", "due_date": datetime.date(2027, 6, 1)}],
    )
    invited = InstituteFactory(acronym="INVITED")
    services.participation_invite(
        actor=member(project.lead_institute), project=project, institute=invited
    )
    data = api.get(detail(project)).json()
    assert data["status"] == "active"
    assert data["twa"]["slug"] == project.twa.slug
    assert data["lead_institute"]["uuid"] == str(project.lead_institute.uuid)
    assert data["html_url"].endswith(f"/projects/{project.slug}/")
    assert [d["title"] for d in data["deliverables"]] == ["Protocol"]
    assert [(p["role"], p["status"]) for p in data["participants"]] == [
        ("lead", "accepted"),
        ("participant", "accepted"),
    ]
    assert "INVITED" not in {p["institute"]["acronym"] for p in data["participants"]}
    assert data["actions"] == []


def test_the_public_timeline_says_what_and_when_but_not_who_or_why(api):
    scene = cast(S.APPROVED)
    data = api.get(detail(scene.project)).json()
    assert [entry["action"] for entry in data["timeline"]] == [
        "create",
        "submit",
        "start_review",
        "approve",
    ]
    assert {entry["subject"] for entry in data["timeline"]} == {"project"}
    assert all(entry["actor"] is None and entry["comment"] is None for entry in data["timeline"])
    assert data["timeline"][-1]["to_state"] == "approved"
    listed_item = api.get(PROJECTS).json()["results"][0]
    assert listed_item["timeline"] == data["timeline"]


@pytest.mark.parametrize(
    ("role", "audit"),
    [
        ("anonymous", False),
        ("plain_user", False),
        ("other_twa_coordinator", False),
        ("proposer", True),
        ("partner_member", True),
        ("coordinator", True),
        ("conflicted_coordinator", True),
        ("staff", True),
    ],
)
def test_the_audit_is_shown_to_participants_coordinators_and_staff_only(role, audit):
    scene = cast(S.IN_REVIEW)
    coordinator = scene["coordinator"]
    project = workflow.transition(
        scene.project, "request_changes", actor=coordinator, comment="Add a budget."
    )
    for action, actor in (("submit", scene["proposer"]), ("start_review", coordinator)):
        project = services.project_transition(actor=actor, project=project, action=action)
    project = services.project_transition(
        actor=coordinator, project=project, action="approve", comment="Approved."
    )
    invited = InstituteFactory(acronym="INVITED")
    services.participation_invite(actor=scene["proposer"], project=project, institute=invited)
    data = as_(APIClient(), scene[role]).get(detail(project)).json()
    changes = next(e for e in data["timeline"] if e["action"] == "request_changes")
    acronyms = {p["institute"]["acronym"] for p in data["participants"]}
    if audit:
        assert changes["comment"] == "Add a budget."
        assert changes["actor"] == coordinator.name
        assert "INVITED" in acronyms
        assert any(e["subject"] == "participation" for e in data["timeline"])
    else:
        assert changes["comment"] is None
        assert changes["actor"] is None
        assert "INVITED" not in acronyms
        assert {e["subject"] for e in data["timeline"]} == {"project"}


def test_the_list_never_shows_the_audit(api):
    scene = cast(S.APPROVED)
    response = as_(api, scene["proposer"]).get(PROJECTS)
    (item,) = response.json()["results"]
    assert all(entry["actor"] is None for entry in item["timeline"])
    assert "actions" not in item


# --- Working areas -------------------------------------------------------------------------------


def test_working_areas_by_slug_with_coordinators_and_their_public_projects_only(api):
    coordinator = UserFactory(name="Ada Coordinator")
    twa = TechnicalWorkingAreaFactory(coordinators=[coordinator])
    for state in S.values:
        ProjectFactory(twa=twa, state=state)
    TechnicalWorkingAreaFactory(active=False, slug="retired")
    response = api.get(TWAS)
    assert [item["slug"] for item in response.json()["results"]] == [twa.slug]
    data = api.get(f"{TWAS}{twa.slug}/").json()
    assert data["number"] == twa.number
    assert data["coordinators"] == [{"name": "Ada Coordinator"}]
    assert data["public_projects"] == len(PUBLIC_PROJECT_STATUSES)
    assert data["projects"].endswith(f"{PROJECTS}?twa={twa.slug}")
    assert api.get(f"{TWAS}retired/").status_code == 404


def test_working_areas_are_read_only(api):
    twa = TechnicalWorkingAreaFactory()
    api.force_authenticate(UserFactory(is_staff=True))
    assert api.post(TWAS, {"title": "New"}).status_code == 405
    assert api.patch(f"{TWAS}{twa.slug}/", {"title": "New"}).status_code == 405


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


# --- Cost ---------------------------------------------------------------------------------------


@pytest.fixture
def many_projects():
    coordinator = UserFactory()
    twa = TechnicalWorkingAreaFactory(coordinators=[coordinator])
    lead = InstituteFactory(economy="DE")
    proposer = member(lead)
    for n in range(12):
        ProjectFactory(
            twa=twa,
            lead_institute=lead,
            proposer=proposer,
            state=(S.ACTIVE, S.IN_REVIEW, S.DRAFT)[n % 3],
            partners=2,
            deliverables=[{"title": f"D{n}", "due_date": datetime.date(2027, 1, 1)}],
        )
    return {"anonymous": None, "coordinator": coordinator, "proposer": proposer}


@pytest.mark.parametrize("viewer", ["anonymous", "coordinator", "proposer"])
def test_list_queries_do_not_grow_with_the_page_size(api, many_projects, viewer):
    user = many_projects[viewer]
    if user is not None:
        api.force_authenticate(user)
    counts = []
    for size in (2, 4):
        with CaptureQueriesContext(transaction.get_connection()) as queries:
            response = api.get(PROJECTS, {"page_size": size})
        assert len(response.json()["results"]) == size
        counts.append(len(queries))
    # The count, the page (its public timeline a column of it), deliverables, participants.
    assert counts == [4, 4]


def test_working_area_list_queries_do_not_grow_with_the_page_size(api):
    for _ in range(5):
        TechnicalWorkingAreaFactory(coordinators=[UserFactory(), UserFactory()])
    counts = []
    for size in (2, 4):
        with CaptureQueriesContext(transaction.get_connection()) as queries:
            response = api.get(TWAS, {"page_size": size})
        assert len(response.json()["results"]) == size
        counts.append(len(queries))
    # The count, the page (with its public project counts), the coordinators.
    assert counts == [3, 3]


# --- Documentation ------------------------------------------------------------------------------


def test_schema_documents_the_endpoints_their_filters_and_problems(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    listing = paths["/api/v1/projects/"]["get"]
    assert {"q", "twa", "kind", "status", "institute", "economy"} <= {
        parameter["name"] for parameter in listing["parameters"]
    }
    assert {"201", "400", "403"} <= set(paths["/api/v1/projects/"]["post"]["responses"])
    patch = paths["/api/v1/projects/{uuid}/"]["patch"]["responses"]
    assert {"200", "400", "404", "412", "428"} <= set(patch)
    move = paths["/api/v1/projects/{uuid}/transition/"]["post"]
    assert {"200", "400", "403", "404"} <= set(move["responses"])
    assert "/api/v1/twas/{slug}/" in paths
    assert "put" not in paths["/api/v1/projects/{uuid}/"]
    assert "delete" not in paths["/api/v1/projects/{uuid}/"]


# --- The change feed ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_change_feed_carries_public_projects_only_as_the_anonymous_api_shows_them(api):
    scene = cast(S.IN_REVIEW)
    ProjectFactory(state=S.DRAFT)
    events, cursor = read_feed(api)
    assert not [event for event in events if event["type"] == "project"]

    project = services.project_transition(
        actor=scene["coordinator"], project=scene.project, action="approve", comment="Approved."
    )
    services.participation_invite(
        actor=scene["proposer"], project=project, institute=InstituteFactory()
    )
    events, _cursor = read_feed(api, after=cursor)
    projects = [event for event in events if event["type"] == "project"]
    assert {(event["uuid"], event["action"]) for event in projects} == {
        (str(project.uuid), "upsert")
    }
    assert projects[-1]["data"] == api.get(detail(project)).json()
    lines, _cursor = read_snapshot(api, types="project")
    assert [(line["uuid"], line["data"]) for line in lines] == [
        (str(project.uuid), api.get(detail(project)).json())
    ]


@pytest.mark.django_db(transaction=True)
def test_the_change_feed_carries_working_areas_and_what_they_show(api):
    scene = cast(S.IN_REVIEW)
    twa, coordinator = scene.project.twa, scene["coordinator"]
    inactive = TechnicalWorkingAreaFactory(active=False)
    events, cursor = read_feed(api)
    areas = {event["uuid"]: event for event in events if event["type"] == "twa"}
    assert str(inactive.uuid) not in areas
    assert areas[str(twa.uuid)]["data"] == api.get(f"/api/v1/twas/{twa.slug}/").json()

    def latest(after):
        events, cursor = read_feed(api, after=after)
        mine = [event for event in events if event["uuid"] == str(twa.uuid)]
        return mine[-1], cursor

    # Its count of public projects, and its coordinators' names, are part of it.
    services.project_transition(
        actor=coordinator, project=scene.project, action="approve", comment="Approved."
    )
    event, cursor = latest(cursor)
    assert event["data"]["public_projects"] == 1
    coordinator.name = "Ada Lovelace"
    coordinator.save()
    event, cursor = latest(cursor)
    assert {"name": "Ada Lovelace"} in event["data"]["coordinators"]
    # Signing in saves the coordinator too, but says nothing the feed shows: no event.
    Client().force_login(coordinator)
    coordinator.refresh_from_db()
    assert coordinator.last_login is not None
    events, cursor = read_feed(api, after=cursor)
    assert events == []

    # A draft's edits say nothing the area shows, and tell nobody a proposal is being written.
    draft = ProjectFactory(twa=twa)
    services.project_update(
        actor=member(draft.lead_institute),
        project=draft,
        version=draft.version,
        summary="Reworded.",
    )
    events, cursor = read_feed(api, after=cursor)
    assert [event for event in events if event["type"] == "twa"] == []

    # A public project moved to another area (by staff, in the admin) changes both counts.
    other = TechnicalWorkingAreaFactory()
    project = Project.objects.get(pk=scene.project.pk)
    project.twa = other
    project.save()
    events, cursor = read_feed(api, after=cursor)
    counts = {e["uuid"]: e["data"]["public_projects"] for e in events if e["type"] == "twa"}
    assert counts == {str(twa.uuid): 0, str(other.uuid): 1}

    # Made inactive, it leaves: a delete.
    twa.active = False
    twa.save()
    event, _cursor = latest(cursor)
    assert event["action"] == "delete"
