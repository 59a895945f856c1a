"""The industry needs board in two browsers: an industry user posts a need at 1550 nm, typed in
micrometres; an NMI editor finds their testbed suggested, answers with it, then proposes a
project filled in from the need; the board and the need's page pass axe at desktop and phone
widths."""

import pytest

from capabilities.enums import InstituteKind
from capabilities.models import TechnologyArea
from collaborations.enums import AnswerKind, NeedStatus
from collaborations.models import IndustryNeed, Project
from tests.collaborations.factories import TechnicalWorkingAreaFactory, member, need_posted
from tests.e2e.conftest import assert_accessible
from tests.factories import InstituteFactory, TestbedFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people():
    detectors = TechnologyArea.objects.get(slug="single-photon-detectors")
    TechnicalWorkingAreaFactory(number=2, title="Quantum photonics").technology_areas.set(
        [detectors]
    )
    inrim = InstituteFactory(acronym="INRiM", economy="IT")
    testbed = TestbedFactory(
        institute=inrim,
        name="Single-photon detector characterisation",
        wavelength_min_nm=710.0,
        wavelength_max_nm=1550.0,
    )
    testbed.technology_areas.set([detectors])
    qedc = InstituteFactory(
        acronym="QED-C",
        name="Quantum Economic Development Consortium",
        kind=InstituteKind.INDUSTRY_CONSORTIUM,
        rmo="",
        economy="US",
    )
    return {
        "industry": member(qedc, user=UserFactory(name="Quinn Industry", email="q@qedc.example")),
        "editor": member(inrim, user=UserFactory(name="Ivo Editor", email="ivo@inrim.example")),
        "area": detectors,
        "testbed": testbed,
    }


def test_an_industry_need_is_answered_with_a_testbed_then_with_a_proposal(open_as, people):
    industry = open_as(people["industry"])
    industry.goto("/needs/")
    industry.get_by_role("link", name="Post a need").click()
    industry.get_by_label("What must be measured").fill(
        "Detection efficiency of fibre-coupled detectors at 1550 nm"
    )
    industry.get_by_label("Technology area").select_option(str(people["area"].pk))
    industry.get_by_label("Description").fill("Traceable, in **single-mode fibre**.")
    industry.get_by_label("Wavelength from").fill("1.55 µm")
    industry.get_by_label("Wavelength to").fill("1550 nm")
    industry.get_by_role("button", name="Post the need").click()
    industry.get_by_text("Your need is posted.").wait_for()
    need = IndustryNeed.objects.get()
    assert need.status == NeedStatus.OPEN

    editor = open_as(people["editor"])
    editor.goto(need.get_absolute_url())
    suggestions = editor.locator(".need-suggestions")
    suggestions.get_by_role("link", name=people["testbed"].name).wait_for()
    assert "covers 1550\u00a0nm" in suggestions.inner_text()
    editor.get_by_label("Testbed or service").select_option(f"testbed:{people['testbed'].pk}")
    editor.get_by_role("button", name="Point to this capability").click()
    editor.get_by_text("Your answer is posted").wait_for()

    editor.get_by_role("link", name="Propose a project from this need").click()
    assert editor.get_by_label("Title").input_value() == need.title
    editor.get_by_role("button", name="Save as draft").click()
    editor.get_by_text("is saved as a draft").wait_for()
    project = Project.objects.get()
    assert project.need_answer.need == need
    assert [a.kind for a in need.answers.all()] == [AnswerKind.CAPABILITY, AnswerKind.PROPOSAL]

    industry.goto(need.get_absolute_url())
    answers = industry.locator(".need-answers")
    answers.get_by_role("link", name=people["testbed"].name).wait_for()
    assert industry.console_problems == []
    assert editor.console_problems == []


@pytest.mark.parametrize("width", [1366, 390])
def test_the_board_and_a_need_pass_axe_at_desktop_and_phone_widths(page, people, width):
    need = need_posted(poster=people["industry"], wavelength_min_nm=1550.0)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/needs/")
    page.get_by_role("link", name=need.title).wait_for()
    assert_accessible(page)
    page.goto(need.get_absolute_url())
    page.get_by_role("heading", name=need.title).wait_for()
    assert_accessible(page)
    assert page.console_problems == []
