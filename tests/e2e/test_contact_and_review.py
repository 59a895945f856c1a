"""In a browser at a desktop's and a phone's size: writing to a testbed's contact, the thread of
an access request, a draft proposal's task list, and the review of a proposal by two
coordinators; axe-core finds no serious violation on any of those pages."""

import pytest

from capabilities import services as capabilities_services
from capabilities.enums import MemberRole
from collaborations.enums import ProjectStatus
from collaborations.models import Project, ProjectReview
from nmiq_portal.notifications.models import OutgoingEmail
from tests.collaborations.factories import (
    ProjectFactory,
    TechnicalWorkingAreaFactory,
    member,
)
from tests.e2e.conftest import assert_accessible
from tests.factories import (
    ContactFactory,
    InstituteFactory,
    MembershipFactory,
    TestbedFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": (1366, 900), "phone": (390, 844)}


def sized(page, size):
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    return page


def fits(page) -> bool:
    """No wider than the screen."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("size", list(SIZES))
def test_a_visitor_writes_to_a_testbeds_contact(page, size):
    institute = InstituteFactory(acronym="PTB")
    contact = ContactFactory(institute=institute, name="Ada Lab", email="ada@ptb.example")
    testbed = TestbedFactory(institute=institute, name="Dilution fridge", contacts=[contact])
    sized(page, size)
    page.goto(testbed.get_absolute_url())
    page.get_by_role("link", name="Write to the contact").click()
    page.get_by_role("heading", name="Write to the contact of Dilution fridge").wait_for()
    assert "ada@ptb.example" not in page.content()
    assert_accessible(page)
    assert fits(page)
    page.get_by_label("Your name").fill("Grace Industry")
    page.get_by_label("Your e-mail address").fill("grace@qubits.example")
    page.get_by_label("Message").fill("Could you measure our TWPA at 20 mK?")
    page.get_by_role("button", name="Send the message").click()
    page.get_by_text("Your message was sent.").wait_for()
    (email,) = OutgoingEmail.objects.filter(to="ada@ptb.example")
    assert "TWPA at 20 mK" in email.body
    assert page.console_problems == []


@pytest.mark.parametrize("size", list(SIZES))
def test_requester_and_institute_talk_on_the_request_thread(open_as, size):
    institute = InstituteFactory(acronym="PTB")
    answerer = MembershipFactory(
        institute=institute,
        role=MemberRole.EDITOR,
        user=UserFactory(name="Ada Answerer", email="ada@ptb.example"),
    ).user
    ContactFactory(institute=institute, name="Ada Answerer", email="ada@ptb.example")
    testbed = TestbedFactory(institute=institute, name="Dilution fridge")
    requester = UserFactory(name="Grace Industry", email="grace@qubits.example")
    access_request = capabilities_services.access_request_create(
        actor=requester, target=testbed, organisation="Qubit Devices Ltd", purpose="T1 at 10 mK."
    )

    grace = sized(open_as(requester), size)
    grace.goto(testbed.get_absolute_url() + "request-access/")
    grace.get_by_text("You already have an open request").wait_for()
    grace.get_by_role("link", name="Follow your request").click()
    grace.get_by_label("Your message").fill("Can we bring our own sample holder?")
    grace.get_by_role("button", name="Add to the thread").click()
    grace.get_by_text("Your message was added to the thread.").wait_for()
    assert_accessible(grace)
    assert fits(grace)

    ada = sized(open_as(answerer), size)
    ada.goto(institute.get_absolute_url())
    ada.get_by_role("heading", name="Requests to PTB").wait_for()
    ada.locator(".received-requests").get_by_role("link", name="Dilution fridge").click()
    ada.get_by_text("Can we bring our own sample holder?").wait_for()
    ada.get_by_label("Your message").fill("Yes, an OFHC copper one.")
    ada.get_by_role("button", name="Add to the thread").click()
    ada.get_by_text("Your message was added to the thread.").wait_for()
    assert_accessible(ada)

    grace.reload()
    grace.get_by_text("Yes, an OFHC copper one.").wait_for()
    grace.get_by_text("Withdraw this request").click()
    grace.get_by_role("button", name="Withdraw the request").click()
    grace.get_by_text("Your request is withdrawn").wait_for()
    access_request.refresh_from_db()
    assert access_request.status == "withdrawn"
    assert grace.console_problems == []
    assert ada.console_problems == []


@pytest.mark.parametrize("size", list(SIZES))
def test_a_draft_proposal_shows_its_next_steps(open_as, size):
    lead = InstituteFactory(acronym="PTB")
    InstituteFactory(acronym="LNE", name="Laboratoire national de métrologie", economy="FR")
    proposer = member(lead, user=UserFactory(name="Paula Proposer"))
    project = ProjectFactory(
        twa=TechnicalWorkingAreaFactory(), lead_institute=lead, proposer=proposer, partners=0
    )
    paula = sized(open_as(proposer), size)
    paula.goto(project.get_absolute_url())
    tasks = paula.locator(".proposal-tasks")
    tasks.get_by_text("Invite partners: 0 of 1 accepted").wait_for()
    assert paula.get_by_text("Not ready yet:").count() == 1
    assert tasks.get_by_role("button", name="Withdraw the proposal").is_visible()
    assert_accessible(paula)
    assert fits(paula)
    tasks.locator("#invite_institute").select_option(
        label="LNE — Laboratoire national de métrologie"
    )
    tasks.get_by_role("button", name="Invite", exact=True).click()
    paula.get_by_text("LNE is invited.").wait_for()
    assert paula.console_problems == []


@pytest.mark.parametrize("size", list(SIZES))
def test_two_coordinators_review_then_one_decides(open_as, size):
    first = UserFactory(name="Cora First", email="cora@nist.example")
    second = UserFactory(name="Sam Second", email="sam@npl.example")
    twa = TechnicalWorkingAreaFactory(coordinators=[first, second], reviews_required=2)
    project = ProjectFactory(twa=twa, state=ProjectStatus.IN_REVIEW)

    cora = sized(open_as(first), size)
    cora.goto(project.get_absolute_url())
    cora.get_by_role("heading", name="Record your review").wait_for()
    assert_accessible(cora)
    assert fits(cora)
    cora.get_by_label("4").check()
    cora.get_by_label("Your review").fill("A sound protocol.")
    cora.get_by_role("button", name="Record the review").click()
    cora.get_by_text("Your review is recorded.").wait_for()

    sam = sized(open_as(second), size)
    sam.goto(project.get_absolute_url())
    sam.get_by_text("once you have recorded your own").wait_for()
    assert sam.get_by_text("A sound protocol.").count() == 0
    sam.get_by_label("5").check()
    sam.get_by_label("Your review").fill("Ready to go.")
    sam.get_by_role("button", name="Record the review").click()
    sam.get_by_text("Your review is recorded.").wait_for()
    sam.get_by_text("A sound protocol.").wait_for()
    assert_accessible(sam)
    sam.get_by_label("Comment", exact=True).fill("Two reviews agree; welcome.")
    sam.get_by_role("button", name="Approve").click()
    sam.get_by_text("is now “Approved”").wait_for()
    assert Project.objects.get().status == ProjectStatus.APPROVED
    assert ProjectReview.objects.count() == 2
    assert cora.console_problems == []
    assert sam.console_problems == []
