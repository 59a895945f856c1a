"""Multi-reviewer review of proposals: who records a review, who reads whose, how many a
decision needs, and the proposal's task list before submission."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from collaborations import services
from collaborations.enums import ProjectStatus
from collaborations.models import ProjectReview
from collaborations.reviews import review_record, reviews_for
from nmiq_portal import workflow
from nmiq_portal.notifications.models import Notification, OutgoingEmail
from tests.collaborations.factories import (
    ROLES,
    ProjectFactory,
    TechnicalWorkingAreaFactory,
    cast,
    member,
    move_to,
)
from tests.factories import InstituteFactory, UserFactory

pytestmark = pytest.mark.django_db

S = ProjectStatus


@pytest.fixture
def world():
    """A proposal in review, its TWA with a second unconflicted coordinator."""
    world = cast(S.IN_REVIEW)
    second = UserFactory(name="Second Coordinator")
    world.project.twa.coordinators.add(second)
    world.people["second_coordinator"] = second
    return world


def review(world, role, score=4, comment="Sound plan."):
    return review_record(actor=world[role], project=world.project, score=score, comment=comment)


# --- Who hears of a review ---------------------------------------------------------------------

REVIEWED = ("collaborations.project_reviewed", "collaborations.project_review_recorded")


def told(world) -> dict:
    """{role: verb of the review notification they got} (roles that got none left out)."""
    by_person = dict(
        Notification.objects.filter(verb__in=REVIEWED).values_list("recipient", "verb")
    )
    return {
        role: by_person[person.pk]
        for role, person in world.people.items()
        if person and person.pk in by_person
    }


def test_a_review_tells_the_other_coordinators_and_the_proposers_and_nobody_else(world):
    Notification.objects.all().delete()
    review(world, "coordinator", comment="Secret opinion.")
    assert told(world) == {
        "second_coordinator": "collaborations.project_reviewed",
        "proposer": "collaborations.project_review_recorded",
        "lead_editor": "collaborations.project_review_recorded",
        # a coordinator too, but one who may not review: told as the proposers are
        "conflicted_coordinator": "collaborations.project_review_recorded",
    }
    for notification in Notification.objects.filter(verb__in=REVIEWED):
        words = f"{notification.title} {notification.data}"
        assert "Secret opinion" not in words, "a review's content stays on the page"
        assert "'score'" not in words
        assert notification.data["count"] == 1
    outbox = OutgoingEmail.objects.filter(to=world["second_coordinator"].email)
    assert outbox.exists()
    assert "Secret opinion" not in outbox.get().body


def test_revising_ones_review_tells_nobody_again(world):
    review(world, "coordinator")
    Notification.objects.all().delete()
    review(world, "coordinator", score=2, comment="Second thoughts.")
    assert not Notification.objects.filter(verb__in=REVIEWED).exists()


# --- Who may review ----------------------------------------------------------------------------

MAY_REVIEW = {"coordinator", "staff"}


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_who_may_record_a_review(world, role):
    if role not in MAY_REVIEW:
        with pytest.raises(PermissionDenied):
            review(world, role)
        assert not ProjectReview.objects.exists()
        return
    recorded = review(world, role)
    assert (recorded.reviewer, recorded.score) == (world[role], 4)
    assert recorded.round_submitted_at == world.project.submitted_at


def test_a_conflicted_coordinator_may_not_review_even_after_leaving(world):
    partner = world.project.participations.exclude(institute=world.project.lead_institute).get()
    services.participation_transition(
        actor=world["partner_member"], participation=partner, action="leave"
    )
    with pytest.raises(PermissionDenied):
        review(world, "conflicted_coordinator")


@pytest.mark.parametrize("state", [S.SUBMITTED, S.APPROVED, S.CHANGES_REQUESTED])
def test_a_review_is_recorded_only_in_review(state):
    world = cast(state)
    with pytest.raises(ValidationError):
        review(world, "coordinator")
    assert not ProjectReview.objects.exists()


@pytest.mark.parametrize(
    ("top", "score", "ok"), [(5, 0, False), (5, 6, False), (5, 5, True), (10, 8, True)]
)
def test_the_score_is_on_the_working_areas_scale(world, top, score, ok):
    world.project.twa.review_scale_max = top
    world.project.twa.save()
    if not ok:
        with pytest.raises(ValidationError) as error:
            review(world, "coordinator", score=score)
        assert "score" in error.value.message_dict
        return
    assert review(world, "coordinator", score=score).score == score


def test_a_review_says_what_it_rests_on(world):
    with pytest.raises(ValidationError) as error:
        review(world, "coordinator", comment="  ")
    assert "comment" in error.value.message_dict


def test_recording_again_revises_the_same_review(world):
    first = review(world, "coordinator", score=2)
    again = review(world, "coordinator", score=5, comment="Convinced now.")
    assert first.pk == again.pk
    assert ProjectReview.objects.get().score == 5


# --- Who reads whose ---------------------------------------------------------------------------


def test_others_reviews_are_shown_once_ones_own_is_written(world):
    review(world, "coordinator", comment="First opinion.")
    before = reviews_for(user=world["second_coordinator"], project=world.project)
    assert before.count == 1
    assert before.others == []
    assert before.others_hidden
    review(world, "second_coordinator")
    after = reviews_for(user=world["second_coordinator"], project=world.project)
    assert [r.comment for r in after.others] == ["First opinion."]
    assert not after.others_hidden


def test_staff_read_every_review_without_writing(world):
    review(world, "coordinator")
    shown = reviews_for(user=world["staff"], project=world.project)
    assert len(shown.others) == 1


@pytest.mark.parametrize(
    "role", ["plain_user", "proposer", "lead_editor", "partner_member", "other_twa_coordinator"]
)
def test_people_outside_the_review_read_no_review(world, role):
    review(world, "coordinator")
    assert reviews_for(user=world[role], project=world.project) is None


def test_the_conflicted_coordinator_reads_no_review(world):
    review(world, "coordinator")
    shown = reviews_for(user=world["conflicted_coordinator"], project=world.project)
    assert shown.others == []
    assert not shown.may_review


@pytest.mark.parametrize("count", [1, 4])
def test_reading_reviews_takes_constant_queries(world, django_assert_num_queries, count):
    for _ in range(count):
        extra = UserFactory()
        world.project.twa.coordinators.add(extra)
        review_record(actor=extra, project=world.project, score=3, comment="Fine.")
    staff = world["staff"]
    project = type(world.project).objects.select_related("twa").get(pk=world.project.pk)
    with django_assert_num_queries(2):  # the conflict check, the reviews with their authors
        shown = reviews_for(user=staff, project=project)
        [str(r.reviewer) for r in shown.others]
    assert len(shown.others) == count


# --- Decisions ---------------------------------------------------------------------------------


def test_with_the_default_one_coordinator_decides_alone(world):
    assert world.project.twa.reviews_required == 1
    decided = workflow.transition(
        world.project, "approve", actor=world["coordinator"], comment="Welcome."
    )
    assert decided.status == S.APPROVED


def test_approving_asks_for_a_comment(world):
    with pytest.raises(ValidationError) as error:
        workflow.transition(world.project, "approve", actor=world["coordinator"])
    assert "comment" in error.value.message_dict


@pytest.mark.parametrize("action", ["approve", "reject", "request_changes"])
def test_a_decision_needs_the_reviews_the_working_area_sets(world, action):
    twa = world.project.twa
    twa.reviews_required = 2
    twa.save()
    with pytest.raises(ValidationError, match="needs 2 reviews"):
        workflow.transition(world.project, action, actor=world["coordinator"], comment="Why.")
    review(world, "second_coordinator")
    decided = workflow.transition(world.project, action, actor=world["coordinator"], comment="Why.")
    assert decided.status != S.IN_REVIEW


def test_a_new_round_counts_only_its_own_reviews(world):
    twa = world.project.twa
    twa.reviews_required = 2
    twa.save()
    review(world, "second_coordinator")
    project = workflow.transition(
        world.project, "request_changes", actor=world["coordinator"], comment="More detail."
    )
    project = move_to(project, S.IN_REVIEW, lead_user=world["proposer"], reviewer=world["staff"])
    with pytest.raises(ValidationError, match="needs 2 reviews"):
        workflow.transition(project, "approve", actor=world["coordinator"], comment="Good.")
    assert reviews_for(user=world["second_coordinator"], project=project).own is None


# --- Pages -------------------------------------------------------------------------------------


def test_the_page_offers_the_review_form_and_hides_others_until_then(client, world):
    review(world, "coordinator", comment="Opinion of the first.")
    client.force_login(world["second_coordinator"])
    page = client.get(world.project.get_absolute_url())
    assert "Record your review" in page.text
    assert "Opinion of the first." not in page.text
    assert "once you have recorded your own" in page.text
    response = client.post(
        reverse("collaborations:project_review", kwargs={"slug": world.project.slug}),
        {"score": "3", "comment": "My view."},
    )
    assert response.status_code == 302
    page = client.get(world.project.get_absolute_url())
    assert "Opinion of the first." in page.text
    assert "Revise your review" in page.text


@pytest.mark.parametrize("role", ["proposer", "partner_member", "other_twa_coordinator"])
def test_outsiders_see_no_review_and_cannot_post_one(client, world, role):
    review(world, "coordinator", comment="Opinion of the first.")
    client.force_login(world[role])
    url = reverse("collaborations:project_review", kwargs={"slug": world.project.slug})
    response = client.post(url, {"score": "3", "comment": "Mine."})
    assert response.status_code in (403, 404)
    assert ProjectReview.objects.count() == 1
    page = client.get(world.project.get_absolute_url())
    assert "Opinion of the first." not in page.text


def test_a_conflicted_coordinator_cannot_post_a_review(client, world):
    client.force_login(world["conflicted_coordinator"])
    url = reverse("collaborations:project_review", kwargs={"slug": world.project.slug})
    client.post(url, {"score": "3", "comment": "Mine."})
    assert not ProjectReview.objects.exists()


# --- The task list before submission -----------------------------------------------------------


@pytest.fixture
def lonely_draft():
    twa = TechnicalWorkingAreaFactory()
    lead = InstituteFactory(economy="DE")
    proposer = member(lead)
    project = ProjectFactory(twa=twa, lead_institute=lead, proposer=proposer, partners=0)
    return project, proposer


def test_the_draft_shows_its_next_steps_and_says_not_ready_once(client, lonely_draft):
    project, proposer = lonely_draft
    client.force_login(proposer)
    page = client.get(project.get_absolute_url()).text
    assert "Invite partners: 0 of 1 accepted" in page
    assert page.count("Not ready yet:") == 1
    assert "You cannot “Submit for review” yet" not in page
    assert "Before submitting" not in page
    tasks = page[page.index('class="card mb-3 proposal-tasks"') :]
    tasks = tasks[: tasks.index("</section>")]
    invite = reverse("collaborations:participation_invite", kwargs={"slug": project.slug})
    assert f'action="{invite}"' in tasks
    assert 'value="withdraw" class="btn btn-link' in tasks


def test_a_ready_draft_offers_submit_in_its_task_list(client):
    project = ProjectFactory()
    proposer = project.proposer
    client.force_login(proposer)
    page = client.get(project.get_absolute_url())
    assert page.context["tasks"]["partners_done"]
    assert page.context["tasks"]["submit"].allowed
    assert "Not ready yet:" not in page.text
    assert [a.name for a in page.context["actions"]] == []
