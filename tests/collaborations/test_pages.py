"""The collaborations pages: every page for every role, what each role may see, every POST view
refused for a lower role with nothing changed, and query counts that do not grow with the data."""

import copy

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from collaborations import services
from collaborations.enums import ProjectStatus
from collaborations.models import Deliverable, Participation, Project, ProjectReview
from nmiq_portal.workflow.models import WorkflowEvent
from tests.collaborations.factories import (
    ProjectFactory,
    TechnicalWorkingAreaFactory,
    member,
    move_to,
    participation_accepted,
)
from tests.factories import InstituteFactory, StaffFactory, UserFactory
from tests.support import shared_data

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "plain user",
    "outsider",  # member of an institute with no part in the project
    "partner",  # member of an institute that accepted to take part
    "lead",  # member of the lead institute
    "coordinator",  # of the project's working area, with no conflict
    "conflicted coordinator",  # coordinator whose institute is the partner
    "staff",
]
NON_PUBLIC = [
    ProjectStatus.DRAFT,
    ProjectStatus.SUBMITTED,
    ProjectStatus.IN_REVIEW,
    ProjectStatus.CHANGES_REQUESTED,
    ProjectStatus.REJECTED,
    ProjectStatus.WITHDRAWN,
]


class World:
    """A working area with two coordinators (one conflicted), a lead institute (DE), a partner
    (FR) and an outsider (JP), and one person in each role."""

    def __init__(self):
        self.lead_institute = InstituteFactory(acronym="LEADI", economy="DE")
        self.partner_institute = InstituteFactory(acronym="PARTI", economy="FR")
        self.outsider_institute = InstituteFactory(acronym="OUTSI", economy="JP")
        self.coordinator = UserFactory(name="Cora Coordinator")
        self.conflicted = member(self.partner_institute, user=UserFactory(name="Conrad Conflicted"))
        self.twa = TechnicalWorkingAreaFactory(coordinators=[self.coordinator, self.conflicted])
        self.users = {
            "anonymous": None,
            "plain user": UserFactory(),
            "outsider": member(self.outsider_institute),
            "partner": member(self.partner_institute),
            "lead": member(self.lead_institute),
            "coordinator": self.coordinator,
            "conflicted coordinator": self.conflicted,
            "staff": StaffFactory(),
        }
        self.lead = self.users["lead"]

    def project(self, state=ProjectStatus.DRAFT, **fields) -> Project:
        project = ProjectFactory(
            twa=self.twa,
            lead_institute=self.lead_institute,
            proposer=self.users["lead"],
            partners=0,
            **fields,
        )
        participation_accepted(project, self.partner_institute, lead_user=self.users["lead"])
        if state != ProjectStatus.DRAFT:
            project = move_to(project, state, lead_user=self.users["lead"])
        return project

    def login(self, client, role):
        client.logout()
        user = self.users[role]
        if user is not None:
            client.force_login(user)
        return user


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker):
    with shared_data(django_db_blocker):
        yield World()


@pytest.fixture
def world(_world, db):
    """The module's World, made once; each test gets its own copy of the objects."""
    return copy.deepcopy(_world)


def _may_see(role, state) -> bool:
    """Whether ``role`` may see a project in ``state`` (ProjectQuerySet.visible_to)."""
    if state in (ProjectStatus.APPROVED, ProjectStatus.ACTIVE, ProjectStatus.COMPLETED):
        return True
    if role in ("partner", "lead", "staff", "conflicted coordinator"):
        return True
    return role == "coordinator" and state != ProjectStatus.DRAFT


# --- Every page renders for every role ---------------------------------------------------------


def _pages(world, project):
    return {
        "twa_list": reverse("collaborations:twa_list"),
        "twa_detail": world.twa.get_absolute_url(),
        "project_list": reverse("collaborations:project_list"),
        "project_detail": project.get_absolute_url(),
        "project_create": reverse("collaborations:project_create"),
        "project_edit": reverse("collaborations:project_edit", args=[project.slug]),
        "review_queue": reverse("collaborations:review_queue"),
        "institute": world.partner_institute.get_absolute_url(),
        "profile": reverse("accounts:profile"),
    }


def _expected_status(page, role, project) -> int:
    signed_in = role != "anonymous"
    if page in ("project_create", "project_edit", "review_queue", "profile") and not signed_in:
        return 302
    if page == "review_queue":
        return 200 if role in ("coordinator", "conflicted coordinator", "staff") else 403
    if page == "project_create":
        has_institute = role in ("outsider", "partner", "lead", "conflicted coordinator")
        return 200 if has_institute else 403
    if page == "project_detail":
        return 200 if _may_see(role, project.status) else 404
    if page == "project_edit":
        if not _may_see(role, project.status):
            return 404
        if project.status != ProjectStatus.DRAFT:
            return 302  # only a draft or a proposal sent back is edited: back to its page
        return 200 if role == "lead" else 403
    return 200


@pytest.mark.parametrize("state", [ProjectStatus.DRAFT, ProjectStatus.IN_REVIEW, "active"])
@pytest.mark.parametrize("role", ROLES)
def test_every_page_renders_for_every_role(client, world, role, state):
    project = world.project(state)
    world.login(client, role)
    for page, url in _pages(world, project).items():
        response = client.get(url)
        expected = _expected_status(page, role, project)
        assert response.status_code == expected, f"{page} for {role}"


# --- What each role sees -----------------------------------------------------------------------


def _listing_pages(world, project):
    """Every page that lists projects, with filters that would pick ``project`` out."""
    return [
        reverse("collaborations:project_list"),
        reverse("collaborations:project_list") + f"?status={project.status}",
        reverse("collaborations:project_list") + f"?q={project.acronym}",
        reverse("collaborations:project_list") + f"?institute={world.lead_institute.slug}",
        reverse("collaborations:project_list") + f"?twa={world.twa.slug}",
        reverse("collaborations:twa_list"),
        world.twa.get_absolute_url(),
        world.lead_institute.get_absolute_url(),
        world.partner_institute.get_absolute_url(),
        reverse("collaborations:review_queue"),
        reverse("accounts:profile"),
        reverse("home"),
    ]


@pytest.mark.parametrize("state", NON_PUBLIC)
@pytest.mark.parametrize("role", ["anonymous", "plain user", "outsider"])
def test_proposals_never_reach_the_public_or_unrelated_people(client, world, role, state):
    project = world.project(state, title="Secret cryogenic attenuator study", acronym="SECRET")
    world.login(client, role)
    for url in _listing_pages(world, project):
        response = client.get(url, follow=True)
        refused = url == reverse("collaborations:review_queue") and role != "anonymous"
        assert response.status_code == (403 if refused else 200), url
        page = response.content.decode()
        assert project.get_absolute_url() not in page, url
        assert "Secret cryogenic" not in page, url
    assert client.get(project.get_absolute_url()).status_code == 404


def test_a_coordinator_never_sees_a_draft_and_sees_a_submitted_proposal(client, world):
    draft = world.project(title="Draft study", acronym="DRAFTY")
    submitted = world.project(ProjectStatus.SUBMITTED, title="Sent study", acronym="SENTY")
    world.login(client, "coordinator")
    listing = client.get(reverse("collaborations:project_list")).content.decode()
    assert "DRAFTY" not in listing
    assert "SENTY" in listing
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(submitted.get_absolute_url()).status_code == 200
    detail = client.get(world.twa.get_absolute_url()).content.decode()
    assert "DRAFTY" not in detail
    assert "SENTY" in detail


def test_public_projects_show_public_facts_only(client, world):
    project = world.project(ProjectStatus.ACTIVE)
    pending = InstituteFactory(acronym="PENDI", economy="IT")
    services.participation_invite(actor=world.users["lead"], project=project, institute=pending)
    response = client.get(project.get_absolute_url())
    page = response.content.decode()
    assert response.context["timeline"] is None
    assert "Timeline" not in page
    assert "PARTI" in page, "accepted participants are public"
    assert "PENDI" not in page, "an invitation is not a public fact"
    assert world.users["lead"].name not in page, "the proposer is named to those who audit"
    assert "Who decides" not in page


def test_participants_coordinators_and_staff_see_the_whole_timeline(client, world):
    project = world.project(ProjectStatus.IN_REVIEW)
    project = services.project_transition(
        actor=world.coordinator,
        project=project,
        action="request_changes",
        comment="Please add a protocol for the T1 measurement.",
    )
    for role in ("partner", "lead", "coordinator", "conflicted coordinator", "staff"):
        world.login(client, role)
        response = client.get(project.get_absolute_url())
        page = response.content.decode()
        timeline = response.context["timeline"]
        actions = [entry.event.action for entry in timeline]
        assert actions[:1] == ["create"], role
        assert "request_changes" in actions, role
        assert "Please add a protocol for the T1 measurement." in page, role
        assert "Cora Coordinator" in page, role
        assert "In review → Changes requested" in page, role


def test_the_page_says_who_may_decide(client, world):
    project = world.project(ProjectStatus.SUBMITTED)
    world.login(client, "lead")
    response = client.get(project.get_absolute_url())
    deciders = {d.coordinator.name: d.may_decide for d in response.context["deciders"]}
    assert deciders == {"Cora Coordinator": True, "Conrad Conflicted": False}
    page = response.content.decode()
    assert "may not decide: their institute takes part" in page


def test_a_conflicted_coordinator_gets_no_decision_buttons(client, world):
    project = world.project(ProjectStatus.IN_REVIEW)
    world.login(client, "conflicted coordinator")
    actions = [action.name for action in client.get(project.get_absolute_url()).context["actions"]]
    assert actions == []
    world.login(client, "coordinator")
    actions = [action.name for action in client.get(project.get_absolute_url()).context["actions"]]
    assert actions == ["approve", "reject", "request_changes"]


def test_a_refused_submission_says_what_is_missing(client, world):
    project = ProjectFactory(
        twa=world.twa, lead_institute=world.lead_institute, proposer=world.users["lead"], partners=0
    )
    world.login(client, "lead")
    page = client.get(project.get_absolute_url()).content.decode()
    assert page.count("Not ready yet:") == 1
    assert "You cannot “Submit for review” yet" not in page
    assert "needs at least 2 accepted institutes from 2 economies" in page
    assert "it has 1 from 1 so far" in page
    response = client.post(
        reverse("collaborations:project_transition", args=[project.slug]), {"action": "submit"}
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == ProjectStatus.DRAFT
    followed = client.get(response.url).content.decode()
    assert "it has 1 from 1 so far" in followed


def test_twa_page_lists_projects_by_state_with_institutes_and_economies(client, world):
    world.project(ProjectStatus.ACTIVE, acronym="RUNNING")
    world.project(ProjectStatus.COMPLETED, acronym="DONE")
    world.project(ProjectStatus.IN_REVIEW, acronym="PENDING")
    response = client.get(world.twa.get_absolute_url())
    groups = {
        label: [p.acronym for p in projects] for label, projects in response.context["groups"]
    }
    assert groups == {"Active": ["RUNNING"], "Completed": ["DONE"]}
    assert [i.acronym for i in response.context["institutes"]] == ["LEADI", "PARTI"]
    assert response.context["economies"] == ["France", "Germany"]


def test_twa_scope_markdown_is_rendered_and_sanitised(client, world):
    world.twa.scope = "## Aims\n\n* one\n\n<script>alert(1)</script>"
    world.twa.save()
    page = client.get(world.twa.get_absolute_url()).content.decode()
    assert "<h4>Aims</h4>" in page  # two levels below the page's own headings
    assert "<script>alert" not in page


def test_institute_page_lists_its_projects_through_the_sections_registry(client, world):
    public = world.project(ProjectStatus.APPROVED, acronym="OPENP")
    world.project(ProjectStatus.SUBMITTED, acronym="HIDDENP")
    page = client.get(world.partner_institute.get_absolute_url()).content.decode()
    assert "OPENP" in page
    assert "HIDDENP" not in page
    world.login(client, "partner")
    page = client.get(world.partner_institute.get_absolute_url()).content.decode()
    assert "HIDDENP" in page
    assert public.get_absolute_url() in page


def test_profile_shows_my_institutes_projects_and_the_review_count(client, world):
    world.project(ProjectStatus.SUBMITTED, acronym="MINE")
    world.login(client, "lead")
    assert "MINE" in client.get(reverse("accounts:profile")).content.decode()
    world.login(client, "coordinator")
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "1 proposal waits for your review" in page


def test_navigation_links_to_working_areas_and_projects(client):
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("collaborations:twa_list")}"' in page
    assert f'href="{reverse("collaborations:project_list")}"' in page


def test_public_may_not_filter_by_a_private_state(client, world):
    world.project(ProjectStatus.APPROVED)
    response = client.get(reverse("collaborations:project_list"), {"status": "draft"})
    assert response.context["page"].paginator.count == 0
    choices = [value for value, _label in response.context["filter"].form.fields["status"].choices]
    assert choices == ["approved", "active", "completed"]


def test_project_list_filters_by_kind_economy_and_htmx_gets_the_results_only(client, world):
    world.project(ProjectStatus.APPROVED, acronym="CMPR", kind="comparison")
    world.project(ProjectStatus.APPROVED, acronym="TRNG", kind="training")
    response = client.get(reverse("collaborations:project_list"), {"kind": "comparison"})
    assert [p.acronym for p in response.context["page"]] == ["CMPR"]
    response = client.get(reverse("collaborations:project_list"), {"economy": "JP"})
    assert response.context["page"].paginator.count == 0
    response = client.get(
        reverse("collaborations:project_list"), {"economy": "FR"}, headers={"HX-Request": "true"}
    )
    assert b"<html" not in response.content
    assert b"CMPR" in response.content


# --- Every POST view refuses a lower role and changes nothing ---------------------------------


def _snapshot():
    return {
        "projects": list(
            Project.objects.order_by("pk").values_list("pk", "status", "version", "title")
        ),
        "participations": list(
            Participation.objects.order_by("pk").values_list("pk", "status", "role")
        ),
        "deliverables": list(Deliverable.objects.order_by("pk").values_list("pk", "done")),
        "events": WorkflowEvent.objects.count(),
        "final reports": list(Project.objects.order_by("pk").values_list("final_report_url")),
        "reviews": list(ProjectReview.objects.order_by("pk").values_list("pk", "score")),
    }


def _own_institute(world, role):
    return {
        "outsider": world.outsider_institute,
        "partner": world.partner_institute,
        "lead": world.lead_institute,
        "conflicted coordinator": world.partner_institute,
    }.get(role, world.outsider_institute)


def _transition(state, action, comment=""):
    def setup(world, role):
        project = world.project(state)
        if action == "complete":
            project = services.project_link_final_report(
                actor=world.users["lead"],
                project=project,
                final_report_url="https://example.org/final.pdf",
            )
        url = reverse("collaborations:project_transition", args=[project.slug])
        return url, {"action": action, "comment": comment}, project

    return setup


def _edit(world, role):
    project = world.project()
    url = reverse("collaborations:project_edit", args=[project.slug])
    data = {
        "twa": world.twa.pk,
        "kind": project.kind,
        "title": "Renamed",
        "acronym": project.acronym,
        "summary": project.summary,
        "version": project.version,
        "deliverables-TOTAL_FORMS": "0",
        "deliverables-INITIAL_FORMS": "0",
    }
    return url, data, project


def _create(world, role):
    url = reverse("collaborations:project_create")
    data = {
        "twa": world.twa.pk,
        "kind": "research",
        "title": "A new study",
        "acronym": "NEWS",
        "summary": "Why and how.",
        "lead_institute": _own_institute(world, role).pk,
        "deliverables-TOTAL_FORMS": "0",
        "deliverables-INITIAL_FORMS": "0",
    }
    return url, data, None


def _invite(world, role):
    project = world.project()
    url = reverse("collaborations:participation_invite", args=[project.slug])
    return url, {"institute": world.outsider_institute.pk}, project


def _join(world, role):
    project = world.project(ProjectStatus.APPROVED)
    url = reverse("collaborations:participation_request", args=[project.slug])
    return url, {"institute": _own_institute(world, role).pk}, project


def _answer(initiated, action):
    def setup(world, role):
        project = world.project(ProjectStatus.APPROVED)
        if initiated == "invite":
            participation = services.participation_invite(
                actor=world.users["lead"], project=project, institute=world.outsider_institute
            )
        else:
            participation = services.participation_request(
                actor=world.users["outsider"], project=project, institute=world.outsider_institute
            )
        url = reverse("collaborations:participation_transition", args=[participation.pk])
        return url, {"action": action}, project

    return setup


def _leave(world, role):
    project = world.project(ProjectStatus.ACTIVE)
    participation = Participation.objects.get(project=project, institute=world.partner_institute)
    url = reverse("collaborations:participation_transition", args=[participation.pk])
    return url, {"action": "leave"}, project


def _final_report(world, role):
    project = world.project(ProjectStatus.ACTIVE)
    url = reverse("collaborations:project_final_report", args=[project.slug])
    return url, {"final_report_url": "https://example.org/final.pdf"}, project


def _deliverable(world, role):
    project = world.project(
        ProjectStatus.ACTIVE,
        deliverables=[{"title": "Protocol", "due_date": "2027-06-30"}],
    )
    url = reverse("collaborations:deliverable_done", args=[project.deliverables.get().pk])
    return url, {"done": "1"}, project


def _review(world, role):
    project = world.project(ProjectStatus.IN_REVIEW)
    url = reverse("collaborations:project_review", args=[project.slug])
    return url, {"score": "4", "comment": "Sound."}, project


LEAD = {"lead"}
DECIDERS = {"coordinator", "staff"}
WRITE_VIEWS = {
    # view: (setup, roles allowed)
    "create": (_create, {"outsider", "partner", "lead", "conflicted coordinator"}),
    "edit": (_edit, LEAD),
    "submit": (_transition(ProjectStatus.DRAFT, "submit"), LEAD),
    "start_review": (_transition(ProjectStatus.SUBMITTED, "start_review"), DECIDERS),
    "approve": (_transition(ProjectStatus.IN_REVIEW, "approve", "Welcome."), DECIDERS),
    "review": (_review, DECIDERS),
    "reject": (_transition(ProjectStatus.IN_REVIEW, "reject", "Out of scope."), DECIDERS),
    "request_changes": (
        _transition(ProjectStatus.IN_REVIEW, "request_changes", "More detail."),
        DECIDERS,
    ),
    "activate": (
        _transition(ProjectStatus.APPROVED, "activate"),
        {"lead", "coordinator", "conflicted coordinator", "staff"},
    ),
    "complete": (_transition(ProjectStatus.ACTIVE, "complete"), LEAD),
    "withdraw": (_transition(ProjectStatus.SUBMITTED, "withdraw"), LEAD),
    "invite": (_invite, LEAD),
    "join": (_join, {"outsider"}),
    "accept invitation": (_answer("invite", "accept"), {"outsider"}),
    "decline invitation": (_answer("invite", "decline"), {"outsider"}),
    "accept request": (_answer("request", "accept"), LEAD),
    "decline request": (_answer("request", "decline"), LEAD),
    "leave": (_leave, {"partner", "conflicted coordinator"}),
    "final report": (_final_report, LEAD),
    "deliverable done": (_deliverable, LEAD),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", WRITE_VIEWS)
def test_post_views_refuse_lower_roles_and_change_nothing(client, world, view, role):
    setup, allowed = WRITE_VIEWS[view]
    url, data, project = setup(world, role)
    world.login(client, role)
    before = _snapshot()
    response = client.post(url, data)
    if role in allowed:
        assert response.status_code == 302, response.content.decode()[:3000]
        assert _snapshot() != before, "the allowed move changed something"
        assert not [m for m in response.wsgi_request._messages if m.level_tag == "error"]
        return
    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code in (403, 404), (response.status_code, view, role)
        if project is not None and response.status_code == 404:
            assert not _may_see(role, project.status)
    assert _snapshot() == before, "a refused request changes nothing"


@pytest.mark.parametrize(
    "url_name", ["project_transition", "participation_request", "participation_invite"]
)
def test_write_views_take_post_only(client, world, url_name):
    project = world.project()
    world.login(client, "lead")
    assert client.get(reverse(f"collaborations:{url_name}", args=[project.slug])).status_code == 405


def test_a_comment_is_required_to_reject_and_nothing_moves_without_it(client, world):
    project = world.project(ProjectStatus.IN_REVIEW)
    world.login(client, "coordinator")
    before = _snapshot()
    response = client.post(
        reverse("collaborations:project_transition", args=[project.slug]), {"action": "reject"}
    )
    assert response.status_code == 302
    assert _snapshot() == before
    page = client.get(response.url).content.decode()
    assert "a comment is required to reject" in page


def test_an_unknown_action_is_refused_without_a_change(client, world):
    project = world.project(ProjectStatus.IN_REVIEW)
    world.login(client, "staff")
    before = _snapshot()
    client.post(
        reverse("collaborations:project_transition", args=[project.slug]), {"action": "publish"}
    )
    assert _snapshot() == before


# --- Query counts at two sizes -----------------------------------------------------------------


def _count(client, url, django_assert_num_queries, grow):
    """The queries of ``url`` with the data as it is, then after ``grow()``: the same."""
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow()
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("role", ["anonymous", "lead", "staff"])
def test_project_list_queries_do_not_grow_with_projects(
    client, world, role, django_assert_num_queries
):
    for _ in range(2):
        world.project(ProjectStatus.APPROVED)
    world.login(client, role)

    def grow():
        for state in (ProjectStatus.APPROVED, ProjectStatus.ACTIVE, ProjectStatus.SUBMITTED):
            for _ in range(3):
                world.project(state)

    _count(client, reverse("collaborations:project_list"), django_assert_num_queries, grow)


def test_twa_list_queries_do_not_grow_with_areas(client, world, django_assert_num_queries):
    world.project(ProjectStatus.ACTIVE)

    def grow():
        for _ in range(8):
            twa = TechnicalWorkingAreaFactory(coordinators=[UserFactory(), UserFactory()])
            ProjectFactory(twa=twa, state=ProjectStatus.APPROVED)

    _count(client, reverse("collaborations:twa_list"), django_assert_num_queries, grow)


@pytest.mark.parametrize("role", ["anonymous", "coordinator"])
def test_twa_detail_queries_do_not_grow_with_projects(
    client, world, role, django_assert_num_queries
):
    world.project(ProjectStatus.ACTIVE)
    world.login(client, role)

    def grow():
        for state in (ProjectStatus.ACTIVE, ProjectStatus.COMPLETED, ProjectStatus.IN_REVIEW):
            for _ in range(3):
                world.project(state)
        world.twa.coordinators.add(UserFactory(), UserFactory())

    _count(client, world.twa.get_absolute_url(), django_assert_num_queries, grow)


def _more_participants(world, project):
    for n, economy in enumerate(("IT", "JP", "US", "GB", "CA", "AU")):
        participation_accepted(project, InstituteFactory(economy=economy), lead_user=world.lead)
        if n % 2:
            services.participation_invite(
                actor=world.lead, project=project, institute=InstituteFactory()
            )
    world.twa.coordinators.add(member(InstituteFactory()))


@pytest.mark.parametrize("role", ["lead", "partner", "coordinator", "staff"])
def test_project_page_queries_do_not_grow_with_events_and_participants(
    client, world, role, django_assert_num_queries
):
    project = world.project(
        ProjectStatus.IN_REVIEW, deliverables=[{"title": "Protocol", "due_date": "2027-06-30"}]
    )
    world.login(client, role)

    def grow():
        moved = services.project_transition(
            actor=world.coordinator, project=project, action="request_changes", comment="More."
        )
        _more_participants(world, moved)
        services.project_update(
            actor=world.lead,
            project=moved,
            version=moved.version,
            deliverables=[
                {"title": f"Deliverable {n}", "due_date": "2027-06-30"} for n in range(8)
            ],
        )
        moved = services.project_transition(actor=world.lead, project=moved, action="submit")
        services.project_transition(actor=world.coordinator, project=moved, action="start_review")

    _count(client, project.get_absolute_url(), django_assert_num_queries, grow)


def test_public_project_page_queries_do_not_grow_with_participants(
    client, world, django_assert_num_queries
):
    project = world.project(ProjectStatus.ACTIVE)
    _count(
        client,
        project.get_absolute_url(),
        django_assert_num_queries,
        lambda: _more_participants(world, project),
    )


def test_the_public_state_choices_hold_after_the_filter_fields_were_built_once(client, world):
    from collaborations.filters import ProjectFilterSet

    for project_filter in ProjectFilterSet.base_filters.values():
        project_filter.field  # noqa: B018 - as the OpenAPI schema does, building each field once
    response = client.get(reverse("collaborations:project_list"), {"status": "draft"})
    choices = [value for value, _label in response.context["filter"].form.fields["status"].choices]
    assert choices == ["approved", "active", "completed"]
