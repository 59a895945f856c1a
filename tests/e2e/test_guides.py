"""A guide's new version in two browsers: its author uploads and submits it, a coordinator of the
working area publishes it, and the public then sees the previous version as superseded; axe-core
finds nothing serious on the guide pages."""

import pytest

from outputs.enums import GuideVersionStatus
from outputs.models import GuideVersion
from outputs.pdf import text_pdf
from tests.collaborations.factories import TechnicalWorkingAreaFactory, member
from tests.e2e.conftest import AXE, assert_accessible
from tests.factories import (
    PASSWORD,
    GuideFactory,
    GuideVersionFactory,
    InstituteFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ptb = InstituteFactory(acronym="PTB", name="Physikalisch-Technische Bundesanstalt")
    coordinator = member(
        InstituteFactory(acronym="NIST", economy="US"),
        user=UserFactory(name="Cora Coordinator", email="cora@nist.example"),
    )
    twa = TechnicalWorkingAreaFactory(
        number=2, title="Quantum photonics", coordinators=[coordinator]
    )
    author = member(ptb, user=UserFactory(name="Anna Author", email="anna@ptb.example"))
    guide = GuideFactory(
        title="Detection efficiency of single-photon detectors",
        twa=twa,
        institute=ptb,
        author=author,
    )
    GuideVersionFactory(
        guide=guide, author=author, reviewer=coordinator, state="published", number="1.0.0"
    )
    return {"author": author, "coordinator": coordinator, "guide": guide}


@pytest.fixture
def open_as(browser, live_server):
    contexts = []

    def open_as(user):
        context = browser.new_context(base_url=live_server.url, locale="en-GB")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.add_init_script(path=str(AXE))
        if user is not None:
            page.goto("/accounts/login/")
            page.get_by_label("Email").fill(user.email)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign In").click()
            page.get_by_role("button", name=user.get_short_name()).wait_for()
        return page

    yield open_as
    for context in contexts:
        context.close()


def test_an_author_uploads_a_version_a_coordinator_publishes_it_and_it_supersedes(open_as, people):
    guide = people["guide"]
    author = open_as(people["author"])
    author.get_by_role("button", name="Outputs").click()
    author.get_by_role("link", name="Guides", exact=True).click()
    author.wait_for_url("**/guides/")
    assert_accessible(author)
    author.get_by_role("link", name=guide.title).click()
    author.wait_for_url(f"**/guides/{guide.slug}/")
    assert_accessible(author)
    author.get_by_role("link", name="Upload a version").click()
    author.wait_for_url("**/upload/")
    assert_accessible(author)
    author.get_by_label("Version").fill("1.1.0")
    author.get_by_label("Change notes").fill("Adds the uncertainty of the attenuators.")
    author.get_by_label("PDF file").set_input_files(
        files=[
            {
                "name": "detection-efficiency-1.1.pdf",
                "mimeType": "application/pdf",
                "buffer": text_pdf([guide.title, "Version 1.1.0"]),
            }
        ]
    )
    author.get_by_role("button", name="Save and submit for review").click()
    author.wait_for_url("**/v/1.1.0/")
    assert GuideVersion.objects.get(number="1.1.0").status == GuideVersionStatus.IN_REVIEW

    coordinator = open_as(people["coordinator"])
    coordinator.goto("/guides/")
    coordinator.get_by_role("link", name=f"{guide.title} 1.1.0").click()
    coordinator.wait_for_url("**/v/1.1.0/")
    assert_accessible(coordinator)
    coordinator.get_by_role("button", name="Publish", exact=True).click()
    coordinator.get_by_text("Version 1.1.0 is now “Published”.").wait_for()

    public = open_as(None)
    public.goto(f"/guides/{guide.slug}/")
    history = public.locator("table.guide-versions")
    assert history.locator("tr", has_text="1.1.0").get_by_text("Published").is_visible()
    assert history.locator("tr", has_text="1.0.0").get_by_text("Superseded").is_visible()
    public.get_by_role("link", name="1.0.0", exact=True).click()
    public.wait_for_url("**/v/1.0.0/")
    public.get_by_text("This version is superseded by version 1.1.0.").wait_for()
    assert_accessible(public)
