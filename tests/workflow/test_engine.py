"""The workflow engine, driven through the real project workflow."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from collaborations import services
from collaborations.enums import ParticipationStatus, ProjectStatus
from collaborations.models import Deliverable, Participation, Project
from nmiq_portal import workflow
from nmiq_portal.notifications.models import Notification, OutgoingEmail
from nmiq_portal.workflow.models import WorkflowEvent
from nmiq_portal.workflow.registry import NEW, Transition, Workflow, register, workflow_for
from tests.collaborations.factories import (
    ProjectFactory,
    TechnicalWorkingAreaFactory,
    cast,
    participation_accepted,
)
from tests.factories import InstituteFactory, StaffFactory

pytestmark = pytest.mark.django_db

S = ProjectStatus


def test_a_transition_moves_the_state_and_records_who_when_from_to_and_why():
    world = cast(S.IN_REVIEW)
    coordinator = world["coordinator"]
    moment = datetime.datetime(2027, 3, 1, 9, 30, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        moved = workflow.transition(
            world.project, "request_changes", actor=coordinator, comment="  Add a work plan.  "
        )
    assert moved.status == S.CHANGES_REQUESTED
    event = workflow.events_for(moved).last()
    assert event.actor == coordinator
    assert event.created_at == moment
    assert (event.from_state, event.to_state, event.action) == (
        S.IN_REVIEW,
        S.CHANGES_REQUESTED,
        "request_changes",
    )
    assert event.comment == "Add a work plan."
    assert event.workflow == "collaborations.project"
    assert event.action_label == "Request changes"
    assert (event.from_label, event.to_label) == ("In review", "Changes requested")


def test_a_transition_stamps_the_time_its_row_names():
    world = cast(S.SUBMITTED)
    assert world.project.submitted_at is not None
    moment = datetime.datetime(2027, 4, 2, 12, 0, tzinfo=datetime.UTC)
    project = workflow.transition(world.project, "start_review", actor=world["staff"])
    with time_machine.travel(moment, tick=False):
        project = workflow.transition(project, "approve", actor=world["staff"], comment="Approved.")
    assert Project.objects.get(pk=project.pk).decided_at == moment


def test_the_state_is_read_from_the_locked_row_not_from_a_stale_copy():
    world = cast(S.SUBMITTED)
    stale = Project.objects.get(pk=world.project.pk)
    workflow.transition(world.project, "start_review", actor=world["coordinator"])
    workflow.transition(stale, "approve", actor=world["coordinator"], comment="Approved.")
    with pytest.raises(ValidationError) as refused:
        workflow.transition(stale, "approve", actor=world["coordinator"], comment="Approved.")
    assert refused.value.code == "invalid_transition"
    assert refused.value.messages == ["This project is approved; it cannot be moved by “Approve”."]


def test_an_unknown_action_is_refused_with_a_clear_message():
    world = cast()
    with pytest.raises(ValidationError) as refused:
        workflow.transition(world.project, "publish", actor=world["proposer"])
    assert refused.value.messages == ["“publish” is not an action on this project."]


def test_a_refused_transition_changes_nothing():
    world = cast(S.IN_REVIEW)
    events = WorkflowEvent.objects.count()
    with pytest.raises(PermissionDenied):
        workflow.transition(
            world.project, "approve", actor=world["conflicted_coordinator"], comment="Approved."
        )
    assert Project.objects.get(pk=world.project.pk).status == S.IN_REVIEW
    assert WorkflowEvent.objects.count() == events


@pytest.mark.parametrize("action", ["reject", "request_changes"])
def test_a_decision_that_needs_a_comment_is_refused_without_one(action):
    world = cast(S.IN_REVIEW)
    with pytest.raises(ValidationError) as refused:
        workflow.transition(world.project, action, actor=world["coordinator"], comment="   ")
    assert "comment" in refused.value.message_dict
    assert Project.objects.get(pk=world.project.pk).status == S.IN_REVIEW


def test_a_comment_longer_than_the_limit_is_refused():
    world = cast(S.IN_REVIEW)
    with pytest.raises(ValidationError) as refused:
        workflow.transition(world.project, "reject", actor=world["coordinator"], comment="x" * 4001)
    assert "comment" in refused.value.message_dict


def test_approval_needs_a_comment_and_keeps_it():
    world = cast(S.IN_REVIEW)
    with pytest.raises(ValidationError) as refused:
        workflow.transition(world.project, "approve", actor=world["coordinator"])
    assert "comment" in refused.value.message_dict
    project = workflow.transition(
        world.project, "approve", actor=world["coordinator"], comment="Welcome."
    )
    assert project.status == S.APPROVED
    assert workflow.events_for(project).last().comment == "Welcome."


def test_submission_needs_two_institutes_from_two_economies():
    twa = TechnicalWorkingAreaFactory()
    project = ProjectFactory(twa=twa, partners=0)
    with pytest.raises(ValidationError) as refused:
        services.project_transition(actor=project.proposer, project=project, action="submit")
    assert "at least 2 accepted institutes from 2 economies" in refused.value.messages[0]
    assert "it has 1 from 1 so far" in refused.value.messages[0]


def test_a_partner_from_the_same_economy_does_not_count_as_a_second_economy():
    lead = InstituteFactory(economy="DE")
    project = ProjectFactory(lead_institute=lead, partners=0)
    participation_accepted(project, InstituteFactory(economy="DE"))
    with pytest.raises(ValidationError, match="it has 2 from 1 so far"):
        services.project_transition(actor=project.proposer, project=project, action="submit")


def test_the_submission_guard_is_set_per_working_area():
    twa = TechnicalWorkingAreaFactory(min_institutes=1, min_economies=1)
    project = ProjectFactory(twa=twa, partners=0)
    project = services.project_transition(actor=project.proposer, project=project, action="submit")
    assert project.status == S.SUBMITTED

    strict = TechnicalWorkingAreaFactory(min_institutes=3, min_economies=2)
    project = ProjectFactory(twa=strict, partners=1)
    with pytest.raises(ValidationError, match="at least 3 accepted institutes"):
        services.project_transition(actor=project.proposer, project=project, action="submit")


def test_a_project_completes_only_with_its_final_report_linked():
    world = cast(S.ACTIVE)
    with pytest.raises(ValidationError, match="final report"):
        workflow.transition(world.project, "complete", actor=world["proposer"])
    services.project_link_final_report(
        actor=world["proposer"], project=world.project, final_report_url="https://example.org/r"
    )
    project = workflow.transition(world.project, "complete", actor=world["proposer"])
    assert project.status == S.COMPLETED


def test_an_inactive_working_area_takes_no_submission():
    world = cast()
    world.project.twa.active = False
    world.project.twa.save()
    with pytest.raises(ValidationError, match="no longer takes proposals"):
        workflow.transition(world.project, "submit", actor=world["proposer"])


def test_available_actions_are_those_the_user_may_run_in_table_order():
    world = cast(S.IN_REVIEW)
    names = [
        action.name for action in workflow.available_actions(world.project, world["coordinator"])
    ]
    assert names == ["approve", "reject", "request_changes"]
    assert [a.name for a in workflow.available_actions(world.project, world["proposer"])] == [
        "withdraw"
    ]
    reject = workflow.available_actions(world.project, world["staff"])[1]
    assert reject.comment_required
    assert reject.target == S.REJECTED
    assert reject.allowed


@pytest.mark.parametrize("role", ["anonymous", "plain_user", "conflicted_coordinator"])
def test_available_actions_are_empty_for_who_may_not_act(role):
    world = cast(S.IN_REVIEW)
    assert workflow.available_actions(world.project, world[role]) == []


def test_available_actions_say_why_a_guard_blocks_one():
    project = ProjectFactory(partners=0)
    submit = workflow.available_actions(project, project.proposer)[0]
    assert submit.name == "submit"
    assert not submit.allowed
    assert "accepted institutes" in submit.reasons[0]


def test_available_actions_of_an_unsaved_object_are_its_creating_rows():
    world = cast()
    draft = Project(twa=world.project.twa, lead_institute=world.project.lead_institute)
    assert [a.name for a in workflow.available_actions(draft, world["proposer"])] == ["create"]
    assert workflow.available_actions(draft, AnonymousUser()) == []


def test_create_saves_in_the_initial_state_of_its_row_and_records_an_event():
    world = cast()
    project = world.project
    created = workflow.events_for(project).first()
    assert (created.action, created.from_state, created.to_state) == ("create", NEW, S.DRAFT)
    lead = project.participations.get(role="lead")
    assert lead.status == ParticipationStatus.ACCEPTED
    lead_event = workflow.events_for(lead).get()
    assert (lead_event.action, lead_event.from_state) == ("lead", NEW)


def test_create_refuses_a_saved_object_and_a_row_that_does_not_create():
    world = cast()
    with pytest.raises(ValueError, match="not saved yet"):
        workflow.create(world.project, "create", actor=world["proposer"])
    participation = Participation(
        project=world.project, institute=InstituteFactory(), initiated_by=world["proposer"]
    )
    with pytest.raises(ValidationError, match="“Accept the request” does not create"):
        workflow.create(participation, "accept", actor=world["proposer"])
    assert participation.pk is None


def test_transition_refuses_an_object_that_is_not_saved():
    world = cast()
    draft = Project(twa=world.project.twa, lead_institute=world.project.lead_institute)
    with pytest.raises(ValueError, match="saved object"):
        workflow.transition(draft, "submit", actor=world["proposer"])


def test_a_lead_participation_is_only_for_the_lead_institute():
    world = cast()
    participation = Participation(project=world.project, institute=InstituteFactory(), role="lead")
    with pytest.raises(ValidationError, match="Only the lead institute"):
        workflow.create(participation, "lead", actor=world["proposer"])


def test_events_for_gathers_several_objects_oldest_first():
    world = cast(S.SUBMITTED)
    project = world.project
    timeline = list(workflow.events_for(project, project.participations.all()))
    assert [e.action for e in timeline] == ["create", "lead", "invite", "accept", "submit"]
    assert list(workflow.events_for(project).values_list("action", flat=True)) == [
        "create",
        "submit",
    ]


def test_events_for_reads_a_timeline_in_one_query(django_assert_num_queries):
    world = cast(S.IN_REVIEW)
    with django_assert_num_queries(1):
        events = list(workflow.events_for(world.project, world.project.participations.all()))
        names = [str(e.actor) for e in events]
    assert len(names) == 6


def test_notifications_are_written_in_the_transaction_and_mailed_after_commit(
    django_capture_on_commit_callbacks,
):
    world = cast(S.IN_REVIEW)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.transition(
            world.project, "approve", actor=world["coordinator"], comment="Approved."
        )
        assert Notification.objects.filter(verb="collaborations.project_approved").exists()
        assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert mail.outbox
    assert {message.to[0] for message in mail.outbox} >= {world["proposer"].email}


def test_nothing_is_notified_or_mailed_when_the_transaction_rolls_back(
    django_capture_on_commit_callbacks,
):
    world = cast(S.IN_REVIEW)
    mail.outbox.clear()
    notifications, emails = Notification.objects.count(), OutgoingEmail.objects.count()

    def approve_then_fail():
        with transaction.atomic():
            workflow.transition(
                world.project, "approve", actor=world["coordinator"], comment="Approved."
            )
            raise RuntimeError("something after the move failed")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        approve_then_fail()
    assert callbacks == []
    assert mail.outbox == []
    assert (Notification.objects.count(), OutgoingEmail.objects.count()) == (notifications, emails)
    assert Project.objects.get(pk=world.project.pk).status == S.IN_REVIEW


def test_a_protected_status_loads_refreshes_defers_and_cleans_but_refuses_assignment():
    world = cast(S.SUBMITTED)
    project = Project.objects.only("title").get(pk=world.project.pk)
    assert project.status == S.SUBMITTED  # deferred, then loaded
    workflow.transition(world.project, "start_review", actor=world["staff"])
    project.refresh_from_db()
    assert project.status == S.IN_REVIEW
    project.full_clean()
    field = "status"
    with pytest.raises(AttributeError):
        setattr(project, field, S.APPROVED)


def test_the_path_of_a_table_is_its_shortest_list_of_actions():
    project_workflow = workflow_for(Project)
    assert project_workflow.path(NEW, S.COMPLETED) == [
        "create",
        "submit",
        "start_review",
        "approve",
        "activate",
        "complete",
    ]
    with pytest.raises(ValueError, match="no path"):
        project_workflow.path(S.REJECTED, S.DRAFT)


def _table(*rows, model=Project):
    return Workflow(name="tests.broken", model=model, transitions=rows)


def test_a_table_with_an_unknown_state_is_refused():
    with pytest.raises(ValueError, match="unknown states"):
        _table(Transition("go", (S.DRAFT,), "nowhere", "tests.perm", "Go"))


def test_a_table_with_two_rows_for_one_action_and_state_is_refused():
    with pytest.raises(ValueError, match="two rows"):
        _table(
            Transition("go", (S.DRAFT,), S.SUBMITTED, "tests.perm", "Go"),
            Transition("go", (S.DRAFT,), S.WITHDRAWN, "tests.perm", "Go"),
        )


def test_a_table_without_a_permission_is_refused():
    with pytest.raises(ValueError, match="permission"):
        _table(Transition("go", (S.DRAFT,), S.SUBMITTED, "", "Go"))


def test_a_workflow_needs_a_protected_state_field():
    with pytest.raises(Exception, match="protected FSMField"):
        Workflow(name="tests.x", model=Deliverable, field="title", transitions=())


def test_a_model_has_one_workflow():
    with pytest.raises(ValueError, match="already has the workflow"):
        register(_table(Transition("go", (S.DRAFT,), S.SUBMITTED, "tests.perm", "Go")))


def test_a_transition_by_an_inactive_user_is_refused():
    world = cast(S.SUBMITTED)
    staff = StaffFactory(is_active=False)
    with pytest.raises(PermissionDenied):
        workflow.transition(world.project, "start_review", actor=staff)


def test_stamps_are_not_set_by_rows_without_one():
    world = cast(S.IN_REVIEW)
    project = workflow.transition(
        world.project, "request_changes", actor=world["coordinator"], comment="More."
    )
    assert project.decided_at is None
    assert project.submitted_at <= timezone.now()
