"""The working areas and projects API: what each caller sees, and proposals written through it
with the same rules as the services."""

import copy
import datetime

import pytest
from django.db import transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from collaborations import services
from collaborations.enums import PUBLIC_PROJECT_STATUSES
from collaborations.models import Project
from nmiq_portal import workflow
from tests.changes.support import read_feed, read_snapshot
from tests.collaborations.api_support import HIDDEN_STATES, PROJECTS, TWAS, S, as_, detail, listed
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
