"""A proposal's whole cycle in four browsers, with no admin help: a proposer drafts it and invites
two partner institutes, each partner accepts, the coordinator asks for changes, the proposer
revises and resubmits, the coordinator approves, and the public then finds the project."""

import re

import pytest

from collaborations.enums import ProjectStatus
from collaborations.models import Project
from tests.collaborations.factories import TechnicalWorkingAreaFactory, member
from tests.e2e.conftest import assert_accessible
from tests.factories import InstituteFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people():
    lead = InstituteFactory(acronym="PTB", name="Physikalisch-Technische Bundesanstalt")
    lne = InstituteFactory(acronym="LNE", name="Laboratoire national de métrologie", economy="FR")
    nmij = InstituteFactory(
        acronym="NMIJ", name="National Metrology Institute of Japan", economy="JP"
    )
    coordinator = UserFactory(name="Cora Coordinator", email="cora@nist.example")
    member(InstituteFactory(acronym="NIST", economy="US"), user=coordinator)
    TechnicalWorkingAreaFactory(
        number=1, title="Superconducting devices", coordinators=[coordinator]
    )
    return {
        "proposer": member(
            lead, user=UserFactory(name="Paula Proposer", email="paula@ptb.example")
        ),
        "lne": member(lne, user=UserFactory(name="Louis Partner", email="louis@lne.example")),
        "nmij": member(nmij, user=UserFactory(name="Naoko Partner", email="naoko@nmij.example")),
        "coordinator": coordinator,
    }


def _state(acronym="QRR") -> str:
    return Project.objects.get(acronym=acronym).status


def test_a_proposal_goes_from_draft_through_changes_requested_to_approved(open_as, people):
    # The proposer drafts the proposal, with a deliverable added by the "Add" button.
    proposer = open_as(people["proposer"])
    proposer.get_by_role("button", name="Collaborations").click()
    proposer.get_by_role("link", name="Projects", exact=True).click()
    proposer.get_by_role("link", name="Propose a project").click()
    proposer.wait_for_url("**/projects/propose/")
    assert_accessible(proposer)
    proposer.get_by_label("Technical working area").select_option(
        label="TWA 1 — Superconducting devices"
    )
    proposer.get_by_label("Kind").select_option(label="Interlaboratory comparison / round robin")
    proposer.get_by_label("Title").fill("Round robin of qubit T1 measurements")
    proposer.get_by_label("Acronym").fill("QRR")
    proposer.get_by_label("Summary").fill("One chip measured in three laboratories.")
    proposer.get_by_label("Work plan").fill("## Phase 1\n\nShip the chip.")
    proposer.locator("#id_deliverables-0-title").fill("Measurement protocol")
    proposer.locator("#id_deliverables-0-due_date").fill("2027-03-31")
    proposer.get_by_role("button", name="Add a deliverable").click()
    proposer.locator("#id_deliverables-2-title").fill("Comparison report")
    proposer.locator("#id_deliverables-2-due_date").fill("2027-11-30")
    proposer.get_by_role("button", name="Save as draft").click()
    proposer.get_by_text("QRR is saved as a draft").wait_for()
    assert _state() == ProjectStatus.DRAFT
    assert list(Project.objects.get().deliverables.values_list("title", flat=True)) == [
        "Measurement protocol",
        "Comparison report",
    ]

    # Submitting alone is refused, with the reason on the page.
    proposer.get_by_text("it has 1 from 1 so far").first.wait_for()
    assert proposer.get_by_role("button", name="Submit for review").count() == 0

    # The proposer invites the two partner institutes.
    project_url = proposer.url
    for acronym, name in (
        ("LNE", "Laboratoire national de métrologie"),
        ("NMIJ", "National Metrology Institute of Japan"),
    ):
        proposer.locator("#invite_institute").select_option(label=f"{acronym} — {name}")
        proposer.get_by_role("button", name="Invite", exact=True).click()
        proposer.get_by_text(f"{acronym} is invited.").wait_for()

    # Each partner accepts in their own browser.
    for who, acronym in (("lne", "LNE"), ("nmij", "NMIJ")):
        partner = open_as(people[who])
        partner.goto(project_url)
        partner.get_by_role("button", name=f"Accept the invitation ({acronym})").click()
        partner.get_by_text(f"{acronym}: accepted.").wait_for()

    # Now the proposer submits.
    proposer.reload()
    proposer.get_by_role("button", name="Submit for review").click()
    proposer.get_by_text("is now “Submitted”").wait_for()
    assert _state() == ProjectStatus.SUBMITTED

    # The coordinator finds it in the review queue, starts the review and asks for changes.
    coordinator = open_as(people["coordinator"])
    coordinator.get_by_role("button", name=people["coordinator"].get_short_name()).click()
    coordinator.get_by_role("link", name="Review queue").click()
    coordinator.wait_for_url("**/review/")
    assert_accessible(coordinator)
    coordinator.get_by_role("link", name="QRR").click()
    coordinator.get_by_role("button", name="Start the review").click()
    coordinator.get_by_text("is now “In review”").wait_for()
    assert_accessible(coordinator)
    coordinator.get_by_role("button", name="Request changes").click()
    coordinator.get_by_text("a comment is required").wait_for()
    assert _state() == ProjectStatus.IN_REVIEW, "no comment, no move"
    coordinator.get_by_label("Comment").fill("Please name the analysis code you will share.")
    coordinator.get_by_role("button", name="Request changes").click()
    coordinator.get_by_text("is now “Changes requested”").wait_for()
    assert _state() == ProjectStatus.CHANGES_REQUESTED

    # The proposer reads the comment in the timeline, revises and resubmits.
    proposer.reload()
    proposer.get_by_text("Please name the analysis code you will share.").wait_for()
    proposer.get_by_role("link", name="Edit the proposal").click()
    proposer.get_by_label("Work plan").fill("## Phase 1\n\nShip the chip; share the analysis code.")
    proposer.get_by_role("button", name="Save and submit for review").click()
    proposer.get_by_text("is submitted: the coordinators of its working area review it").wait_for()
    assert _state() == ProjectStatus.SUBMITTED

    # The coordinator approves.
    coordinator.reload()
    coordinator.get_by_role("button", name="Start the review").click()
    coordinator.get_by_text("is now “In review”").wait_for()
    coordinator.get_by_label("Comment").fill("The analysis code is named; welcome.")
    coordinator.get_by_role("button", name="Approve").click()
    coordinator.get_by_text("is now “Approved”").wait_for()
    assert _state() == ProjectStatus.APPROVED
    assert_accessible(coordinator)

    # The project is public now, with its timeline kept for those who take part.
    visitor = open_as(None)
    visitor.goto("/projects/")
    visitor.get_by_role("link", name="QRR").click()
    visitor.get_by_role(
        "heading", name=re.compile("Round robin of qubit T1 measurements")
    ).wait_for()
    assert visitor.get_by_role("heading", name="Timeline").count() == 0
    proposer.reload()
    timeline = proposer.locator(".project-timeline li")
    assert timeline.count() >= 9  # create, lead, 2 invites, 2 accepts, submit, review, changes …
    for page in (proposer, coordinator, visitor):
        assert page.console_problems == []
