"""The proposal form: drafting with deliverables, saving, submitting, the guard's refusal, stale
edits, and revising after the coordinators asked for changes."""

import datetime

import pytest
from django.urls import reverse

from collaborations import services
from collaborations.enums import ParticipationRole, ParticipationStatus, ProjectStatus
from collaborations.models import Project
from tests.collaborations.factories import (
    ProjectFactory,
    TechnicalWorkingAreaFactory,
    member,
    move_to,
    participation_accepted,
)
from tests.factories import InstituteFactory, UserFactory

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("collaborations:project_create")


@pytest.fixture
def twa():
    return TechnicalWorkingAreaFactory(title="Superconducting devices")


@pytest.fixture
def proposer(institute):
    return member(institute)


def _management(total=0, initial=0):
    return {"deliverables-TOTAL_FORMS": str(total), "deliverables-INITIAL_FORMS": str(initial)}


def _proposal(twa, institute, **extra):
    data = {
        "twa": twa.pk,
        "kind": "comparison",
        "title": "Round robin of qubit T1 measurements",
        "acronym": "QRR",
        "summary": "One device measured in several laboratories.",
        "objectives": "* Compare T1 histograms",
        "work_plan": "## Phase 1\n\nShip the device.",
        "expected_outputs": "A good-practice guide.",
        "lead_institute": institute.pk,
        "start_date": "2027-01-01",
        "end_date": "2027-12-31",
        **_management(3),
        "deliverables-0-title": "Measurement protocol",
        "deliverables-0-due_date": "2027-03-31",
        "deliverables-0-description": "Agreed by all sites.",
        "deliverables-1-title": "",
        "deliverables-1-due_date": "",
        "deliverables-2-title": "Comparison report",
        "deliverables-2-due_date": "2027-11-30",
    }
    data.update(extra)
    return data


def _messages(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


def test_an_institute_member_saves_a_draft_with_its_deliverables(client, twa, institute, proposer):
    client.force_login(proposer)
    response = client.post(CREATE_URL, _proposal(twa, institute, save=""))
    project = Project.objects.get()
    assert response.status_code == 302
    assert response.url == project.get_absolute_url()
    assert project.status == ProjectStatus.DRAFT
    assert (project.proposer, project.lead_institute, project.twa) == (proposer, institute, twa)
    assert [(d.title, d.due_date, d.position) for d in project.deliverables.all()] == [
        ("Measurement protocol", datetime.date(2027, 3, 31), 0),
        ("Comparison report", datetime.date(2027, 11, 30), 1),
    ], "the empty row is skipped; the order is kept"
    lead = project.participations.get()
    assert (lead.institute, lead.role, lead.status) == (
        institute,
        ParticipationRole.LEAD,
        ParticipationStatus.ACCEPTED,
    )
    assert "QRR is saved as a draft: only your institute sees it." in _messages(response)


def test_submitting_without_enough_partners_keeps_the_draft_and_says_why(
    client, twa, institute, proposer
):
    client.force_login(proposer)
    response = client.post(CREATE_URL, _proposal(twa, institute, submit=""), follow=True)
    project = Project.objects.get()
    assert project.status == ProjectStatus.DRAFT
    page = response.content.decode()
    assert "Your proposal is saved but not submitted yet." in page
    assert (
        "A proposal needs at least 2 accepted institutes from 2 economies (the lead included); "
        "it has 1 from 1 so far." in page
    )


def test_submitting_once_partners_accepted_sends_the_proposal_for_review(
    client, twa, institute, proposer
):
    client.force_login(proposer)
    client.post(CREATE_URL, _proposal(twa, institute, save=""))
    project = Project.objects.get()
    participation_accepted(project, InstituteFactory(economy="FR"), lead_user=proposer)
    edit = reverse("collaborations:project_edit", args=[project.slug])
    form = client.get(edit).context["form"]
    response = client.post(
        edit,
        _proposal(
            twa,
            institute,
            version=form["version"].value(),
            submit="",
            **_management(2, 2),
            **{"deliverables-1-title": "Report", "deliverables-1-due_date": "2027-11-30"},
        ),
    )
    project.refresh_from_db()
    assert response.status_code == 302
    assert project.status == ProjectStatus.SUBMITTED
    assert project.submitted_at is not None


def test_lead_institute_is_one_of_the_proposers_own(client, twa, institute, proposer):
    other = InstituteFactory(acronym="NPL")
    client.force_login(proposer)
    response = client.get(CREATE_URL)
    assert list(response.context["form"].fields["lead_institute"].queryset) == [institute]
    response = client.post(CREATE_URL, _proposal(twa, other))
    assert response.status_code == 200
    assert response.context["form"].errors["lead_institute"]
    assert not Project.objects.exists()


def test_inactive_working_areas_are_not_offered(client, twa, institute, proposer):
    closed = TechnicalWorkingAreaFactory(active=False)
    client.force_login(proposer)
    offered = list(client.get(CREATE_URL).context["form"].fields["twa"].queryset)
    assert twa in offered
    assert closed not in offered
    response = client.post(CREATE_URL, _proposal(closed, institute))
    assert response.context["form"].errors["twa"]


def test_a_working_area_can_be_chosen_from_its_page(client, twa, proposer):
    client.force_login(proposer)
    response = client.get(CREATE_URL, {"twa": twa.pk})
    assert response.context["form"]["twa"].value() == str(twa.pk)


@pytest.mark.parametrize(
    ("field", "value", "error_on"),
    [
        ("end_date", "2026-01-01", "end_date"),
        ("title", "", "title"),
        ("kind", "party", "kind"),
    ],
)
def test_bad_input_is_shown_on_its_field_and_saves_nothing(
    client, twa, institute, proposer, field, value, error_on
):
    client.force_login(proposer)
    response = client.post(CREATE_URL, _proposal(twa, institute, **{field: value}))
    assert response.status_code == 200
    assert response.context["form"].errors[error_on]
    assert not Project.objects.exists()
    assert 'value="Round robin of qubit T1 measurements"' in response.content.decode() or (
        field == "title"
    )


def test_a_deliverable_needs_a_due_date(client, twa, institute, proposer):
    client.force_login(proposer)
    response = client.post(CREATE_URL, _proposal(twa, institute, **{"deliverables-2-due_date": ""}))
    assert response.status_code == 200
    assert response.context["formset"].forms[2].errors["due_date"]
    assert not Project.objects.exists()


def test_editing_replaces_and_removes_deliverables(client, twa, institute, proposer):
    project = ProjectFactory(
        twa=twa,
        lead_institute=institute,
        proposer=proposer,
        deliverables=[
            {"title": "Protocol", "due_date": "2027-03-31"},
            {"title": "Report", "due_date": "2027-11-30"},
        ],
    )
    client.force_login(proposer)
    edit = reverse("collaborations:project_edit", args=[project.slug])
    formset = client.get(edit).context["formset"]
    assert [form["title"].value() for form in formset.forms[:2]] == ["Protocol", "Report"]
    data = _proposal(
        twa,
        institute,
        version=project.version,
        **_management(2, 2),
        **{
            "deliverables-0-title": "Protocol v2",
            "deliverables-0-due_date": "2027-04-30",
            "deliverables-1-title": "Report",
            "deliverables-1-due_date": "2027-11-30",
            "deliverables-1-DELETE": "on",
        },
    )
    assert client.post(edit, data).status_code == 302
    assert [d.title for d in project.deliverables.all()] == ["Protocol v2"]


def test_a_stale_edit_is_refused_with_what_changed_and_keeps_the_input(
    client, twa, institute, proposer
):
    project = ProjectFactory(twa=twa, lead_institute=institute, proposer=proposer, title="Old")
    opened_at = project.version
    colleague = member(institute)
    services.project_update(
        actor=colleague, project=project, version=opened_at, title="Colleague's title"
    )
    client.force_login(proposer)
    edit = reverse("collaborations:project_edit", args=[project.slug])
    response = client.post(edit, _proposal(twa, institute, version=opened_at, title="Mine"))
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved this while you were editing" in page
    assert 'value="Mine"' in page
    project.refresh_from_db()
    assert project.title == "Colleague's title"
    assert response.context["form"]["version"].value() == str(project.version)


def test_the_proposer_revises_after_changes_were_requested_and_resubmits(
    client, twa, institute, proposer
):
    project = ProjectFactory(
        twa=twa, lead_institute=institute, proposer=proposer, state=ProjectStatus.IN_REVIEW
    )
    coordinator = UserFactory()
    twa.coordinators.add(coordinator)
    project = services.project_transition(
        actor=coordinator, project=project, action="request_changes", comment="Add a protocol."
    )
    client.force_login(proposer)
    edit = reverse("collaborations:project_edit", args=[project.slug])
    assert client.get(edit).status_code == 200
    response = client.post(
        edit,
        _proposal(twa, institute, version=project.version, title="With a protocol", submit=""),
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.title, project.status) == ("With a protocol", ProjectStatus.SUBMITTED)


def test_a_submitted_proposal_is_not_edited(client, twa, institute, proposer):
    project = move_to(
        ProjectFactory(twa=twa, lead_institute=institute, proposer=proposer),
        ProjectStatus.SUBMITTED,
        lead_user=proposer,
    )
    client.force_login(proposer)
    edit = reverse("collaborations:project_edit", args=[project.slug])
    response = client.post(edit, _proposal(twa, institute, version=project.version, title="X"))
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.title != "X"


def test_the_form_labels_every_field_and_offers_a_markdown_preview(client, proposer):
    client.force_login(proposer)
    page = client.get(CREATE_URL).content.decode()
    for field in ("twa", "kind", "title", "acronym", "summary", "work_plan", "lead_institute"):
        assert f'for="id_{field}"' in page, field
    assert 'for="id_deliverables-0-due_date"' in page
    assert 'data-preview-source="id_work_plan"' in page
    assert "data-formset-add" in page
    assert "<script>" not in page.split("</head>")[1], "no inline script (CSP)"


def test_someone_without_an_institute_is_told_how_to_get_one(client):
    client.force_login(UserFactory())
    response = client.get(CREATE_URL)
    assert response.status_code == 403
    assert "register your institute" in response.content.decode()
    assert client.post(CREATE_URL, {"title": "x"}).status_code == 403
    assert not Project.objects.exists()
