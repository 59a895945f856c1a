"""The services of the collaborations app: proposals, their edits, and who takes part."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from collaborations import services
from collaborations.enums import ParticipationRole, ParticipationStatus, ProjectStatus
from collaborations.models import Participation, Project
from nmiq_portal import workflow
from nmiq_portal.core.exceptions import StaleEdit
from tests.collaborations.factories import (
    ProjectFactory,
    TechnicalWorkingAreaFactory,
    cast,
    member,
)
from tests.factories import InstituteFactory

pytestmark = pytest.mark.django_db

S = ProjectStatus
P = ParticipationStatus

FIELDS = {
    "kind": "comparison",
    "title": "Round robin on single-photon detector efficiency",
    "acronym": "SPD-RR",
    "summary": "Laboratories measure the same detectors.",
}


def _create(actor, institute, **extra):
    return services.project_create(
        actor=actor,
        twa=TechnicalWorkingAreaFactory(),
        lead_institute=institute,
        **{**FIELDS, **extra},
    )


def test_a_member_drafts_a_proposal_with_its_deliverables_and_the_lead_participation():
    institute = InstituteFactory()
    proposer = member(institute)
    project = _create(
        proposer,
        institute,
        deliverables=[
            {"title": "Protocol", "due_date": datetime.date(2027, 6, 1)},
            {"title": "Report", "due_date": datetime.date(2027, 3, 1), "description": "Draft"},
        ],
    )
    assert project.status == S.DRAFT
    assert project.proposer == proposer
    assert project.slug.startswith("spd-rr--")  # provisional until approved
    assert [d.title for d in project.deliverables.all()] == ["Report", "Protocol"]
    lead = project.participations.get()
    assert (lead.institute, lead.role, lead.status) == (institute, "lead", P.ACCEPTED)
    assert list(
        workflow.events_for(project, project.participations.all()).values_list("action", flat=True)
    ) == [
        "create",
        "lead",
    ]


def test_slugs_stay_unique_when_acronyms_repeat():
    """Drafts are named provisionally; the readable slugs come in the order of approval."""
    first, second = (
        ProjectFactory(acronym="SPD-RR", state=ProjectStatus.APPROVED) for _ in range(2)
    )
    assert (first.slug, second.slug) == ("spd-rr", "spd-rr-2")


def test_a_proposal_needs_a_verified_lead_institute_and_an_active_working_area():
    unverified = InstituteFactory(verified=False)
    with pytest.raises(ValidationError) as refused:
        _create(member(unverified), unverified)
    assert "lead_institute" in refused.value.message_dict
    institute = InstituteFactory()
    with pytest.raises(ValidationError) as refused:
        services.project_create(
            actor=member(institute),
            twa=TechnicalWorkingAreaFactory(active=False),
            lead_institute=institute,
            **FIELDS,
        )
    assert "twa" in refused.value.message_dict
    assert not Project.objects.exists()


def test_a_proposal_is_validated_before_anything_is_saved():
    institute = InstituteFactory()
    with pytest.raises(ValidationError) as refused:
        _create(
            member(institute),
            institute,
            start_date=datetime.date(2027, 5, 1),
            end_date=datetime.date(2027, 1, 1),
        )
    assert "end_date" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        _create(member(institute), institute, deliverables=[{"title": "No date"}])
    assert "deliverables" in refused.value.message_dict
    assert not Project.objects.exists()


def test_a_service_refuses_fields_the_workflow_owns():
    institute = InstituteFactory()
    with pytest.raises(TypeError):
        _create(member(institute), institute, status=S.APPROVED)


def test_the_lead_revises_a_draft_and_replaces_its_deliverables():
    world = cast()
    project = services.project_update(
        actor=world["lead_editor"],
        project=world.project,
        version=world.project.version,
        title="A better title",
        deliverables=[{"title": "Only one", "due_date": datetime.date(2027, 1, 1)}],
    )
    assert project.title == "A better title"
    assert project.version == world.project.version + 1
    assert [d.title for d in project.deliverables.all()] == ["Only one"]


def test_an_edit_from_a_stale_copy_is_refused_with_what_changed():
    world = cast()
    services.project_update(
        actor=world["proposer"], project=world.project, version=1, title="Changed meanwhile"
    )
    with pytest.raises(StaleEdit) as refused:
        services.project_update(
            actor=world["lead_editor"], project=world.project, version=1, title="Mine"
        )
    assert ("title", world.project.title, "Changed meanwhile") in refused.value.changes
    assert Project.objects.get(pk=world.project.pk).title == "Changed meanwhile"


@pytest.mark.parametrize("state", [S.SUBMITTED, S.IN_REVIEW, S.APPROVED, S.ACTIVE, S.REJECTED])
def test_a_proposal_out_of_the_lead_s_hands_is_not_edited(state):
    world = cast(state)
    with pytest.raises(ValidationError, match="edited as a draft"):
        services.project_update(
            actor=world["proposer"], project=world.project, version=world.project.version, title="x"
        )


def test_a_proposal_sent_back_for_changes_is_edited_again():
    world = cast(S.CHANGES_REQUESTED)
    project = services.project_update(
        actor=world["proposer"], project=world.project, version=world.project.version, title="v2"
    )
    assert project.title == "v2"


@pytest.mark.parametrize(
    "role", ["partner_member", "coordinator", "staff", "plain_user", "other_twa_coordinator"]
)
def test_only_the_lead_institute_edits_its_proposal(role):
    world = cast()
    with pytest.raises(PermissionDenied):
        services.project_update(
            actor=world[role], project=world.project, version=world.project.version, title="x"
        )


def test_only_a_draft_moves_to_another_working_area():
    world = cast()
    elsewhere = TechnicalWorkingAreaFactory()
    project = services.project_update(
        actor=world["proposer"], project=world.project, version=1, twa=elsewhere
    )
    assert project.twa == elsewhere
    world = cast(S.CHANGES_REQUESTED)
    with pytest.raises(ValidationError) as refused:
        services.project_update(
            actor=world["proposer"],
            project=world.project,
            version=world.project.version,
            twa=elsewhere,
        )
    assert "twa" in refused.value.message_dict


def test_project_transition_runs_the_engine():
    world = cast(S.SUBMITTED)
    project = services.project_transition(
        actor=world["coordinator"], project=world.project, action="start_review"
    )
    assert project.status == S.IN_REVIEW


def test_an_institute_asks_to_join_a_public_project_and_the_lead_accepts():
    world = cast(S.APPROVED)
    institute = InstituteFactory(economy="JP")
    asker = member(institute)
    participation = services.participation_request(
        actor=asker, project=world.project, institute=institute, role=ParticipationRole.OBSERVER
    )
    assert (participation.status, participation.role, participation.initiated_by) == (
        P.REQUESTED,
        "observer",
        asker,
    )
    participation = services.participation_transition(
        actor=world["lead_editor"], participation=participation, action="accept"
    )
    assert participation.status == P.ACCEPTED


def test_nobody_asks_to_join_a_draft_they_cannot_see():
    world = cast(S.DRAFT)
    institute = InstituteFactory()
    with pytest.raises(PermissionDenied):
        services.participation_request(
            actor=member(institute), project=world.project, institute=institute
        )
    assert not Participation.objects.filter(institute=institute).exists()


def test_a_member_asks_only_for_their_own_institute():
    world = cast(S.APPROVED)
    with pytest.raises(PermissionDenied):
        services.participation_request(
            actor=world["plain_user"], project=world.project, institute=InstituteFactory()
        )


def test_an_institute_takes_part_once_and_asks_again_after_a_decline():
    world = cast(S.APPROVED)
    institute = InstituteFactory()
    asker = member(institute)
    participation = services.participation_request(
        actor=asker, project=world.project, institute=institute
    )
    with pytest.raises(ValidationError, match="already requested"):
        services.participation_invite(
            actor=world["proposer"], project=world.project, institute=institute
        )
    services.participation_transition(
        actor=world["proposer"], participation=participation, action="decline"
    )
    again = services.participation_invite(
        actor=world["proposer"], project=world.project, institute=institute
    )
    assert again.pk == participation.pk
    assert (again.status, again.initiated_by) == (P.INVITED, world["proposer"])


def test_the_lead_institute_is_not_invited_to_its_own_project():
    world = cast(S.APPROVED)
    with pytest.raises(ValidationError, match="already accepted"):
        services.participation_invite(
            actor=world["proposer"], project=world.project, institute=world.project.lead_institute
        )


def test_nobody_joins_a_closed_project():
    world = cast(S.REJECTED)
    with pytest.raises(ValidationError, match="no longer changes"):
        services.participation_invite(
            actor=world["proposer"], project=world.project, institute=InstituteFactory()
        )


def test_nobody_joins_as_the_lead():
    world = cast(S.APPROVED)
    with pytest.raises(ValidationError) as refused:
        services.participation_invite(
            actor=world["proposer"],
            project=world.project,
            institute=InstituteFactory(),
            role=ParticipationRole.LEAD,
        )
    assert "role" in refused.value.message_dict


def test_the_lead_institute_does_not_leave_its_project():
    world = cast(S.ACTIVE)
    lead = world.project.participations.get(role="lead")
    with pytest.raises(ValidationError, match="from start to end"):
        services.participation_transition(
            actor=world["proposer"], participation=lead, action="leave"
        )


def test_participation_transition_takes_only_the_answers():
    world = cast(S.APPROVED)
    partner = world.project.participations.exclude(role="lead").get()
    with pytest.raises(ValidationError, match="accepted, declined or left"):
        services.participation_transition(
            actor=world["proposer"], participation=partner, action="invite"
        )


def test_the_lead_links_the_final_report_and_ticks_off_deliverables_while_the_project_runs():
    world = cast(S.ACTIVE)
    deliverable = world.project.deliverables.create(
        title="Report", due_date=datetime.date(2027, 1, 1)
    )
    project = services.project_link_final_report(
        actor=world["lead_editor"], project=world.project, final_report_url="https://e.org/r.pdf"
    )
    assert project.final_report_url == "https://e.org/r.pdf"
    assert services.deliverable_set_done(
        actor=world["proposer"], deliverable=deliverable, done=True
    ).done
    with pytest.raises(PermissionDenied):
        services.deliverable_set_done(
            actor=world["partner_member"], deliverable=deliverable, done=False
        )


def test_a_final_report_is_not_linked_to_a_draft():
    world = cast()
    with pytest.raises(ValidationError):
        services.project_link_final_report(
            actor=world["proposer"], project=world.project, final_report_url="https://e.org/r"
        )


def test_the_factory_reaches_every_state_through_the_engine():
    for state in (S.COMPLETED, S.WITHDRAWN):
        project = ProjectFactory(state=state)
        assert project.status == state
        assert workflow.events_for(project).last().to_state == state
