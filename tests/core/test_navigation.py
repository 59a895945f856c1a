"""Home and navigation: the search first on the home page, a menu that offers each role only
what it can do, and the "my work" page an institute's editor lands on after signing in."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from capabilities.models import ImportJob
from capabilities.services import access_request_create
from collaborations.enums import ProjectStatus
from tests.collaborations.factories import ProjectFactory, TechnicalWorkingAreaFactory, member
from tests.factories import (
    PASSWORD,
    InstituteFactory,
    ServiceFactory,
    StaffFactory,
    TestbedFactory,
    UserFactory,
)
from tests.support import shared_data

pytestmark = pytest.mark.django_db

MENU_ROLES = ("anonymous", "plain user", "editor", "coordinator", "staff")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with shared_data(django_db_blocker):
        home = InstituteFactory(acronym="HOME")
        editor = member(home)
        coordinator = UserFactory()
        twa = TechnicalWorkingAreaFactory(coordinators=[coordinator])
        people = {
            "anonymous": None,
            "plain user": UserFactory(),
            "editor": editor,
            "coordinator": coordinator,
            "staff": StaffFactory(),
        }
        testbed = TestbedFactory(institute=home, name="Home cryostat")
        yield {"people": people, "home": home, "testbed": testbed, "twa": twa}


def _page(world, role, url) -> str:
    client = Client()
    if world["people"][role] is not None:
        client.force_login(world["people"][role])
    response = client.get(url)
    assert response.status_code == 200, (role, url)
    return response.content.decode()


def _menu(html: str) -> str:
    return html[html.index('<nav class="navbar') : html.index("</nav>")]


@pytest.mark.parametrize("role", MENU_ROLES)
def test_the_review_queue_is_in_the_menu_only_of_those_who_review(world, role):
    menu = _menu(_page(world, role, "/"))
    assert ("Review queue" in menu) is (role in ("coordinator", "staff"))


@pytest.mark.parametrize("role", MENU_ROLES)
def test_my_work_is_in_the_menu_of_everyone_signed_in(world, role):
    menu = _menu(_page(world, role, "/"))
    assert (f'href="{reverse("my_work")}"' in menu) is (role != "anonymous")


@pytest.mark.parametrize("role", MENU_ROLES)
def test_propose_is_offered_to_members_of_an_institute_not_to_those_without(world, role):
    """Anonymous visitors see it (it leads to signing in, as an institute's member would)."""
    offered = role in ("anonymous", "editor")
    assert ("Propose a project" in _page(world, role, "/projects/")) is offered
    twa_page = _page(world, role, world["twa"].get_absolute_url())
    assert ("Propose a project here" in twa_page) is offered


@pytest.mark.parametrize("role", MENU_ROLES)
def test_nobody_is_offered_to_request_access_to_their_own_institutes_testbed(world, role):
    html = _page(world, role, world["testbed"].get_absolute_url())
    request_url = reverse("capabilities:testbed_request_access", args=[world["testbed"].slug])
    offered = ("anonymous", "plain user", "coordinator", "staff")  # anonymous: with an account
    assert (f'href="{request_url}"' in html) is (role in offered)
    if role == "anonymous":
        assert "Sign in to request access" in html
    if role == "editor":
        assert "Sign in to request access" not in html


def test_a_member_cannot_request_access_to_their_own_institutes_testbed(world):
    editor, testbed = world["people"]["editor"], world["testbed"]
    with pytest.raises(PermissionDenied):
        access_request_create(actor=editor, target=testbed, organisation="Home", purpose="Me.")
    client = Client()
    client.force_login(editor)
    url = reverse("capabilities:testbed_request_access", args=[testbed.slug])
    assert client.get(url).status_code == 403
    assert client.post(url, {"organisation": "Home", "purpose": "Me."}).status_code == 403


def test_the_search_is_the_first_thing_on_the_home_page(client):
    html = client.get("/").content.decode()
    main = html[html.index('<main id="main"') :]
    main = re.sub(r'<div id="error-summary-slot">\s*</div>', "", main)  # empty: no error
    first = re.search(r"<(form|section|h1|p|div)\b[^>]*>", main[main.index(">") + 1 :])
    assert first[0].startswith('<form method="get" action="/directory/" role="search"'), first[0]


# --- Where sign-in leads --------------------------------------------------------------------


def _sign_in(client, user, **query):
    return client.post(
        reverse("account_login") + ("?" + "&".join(f"{k}={v}" for k, v in query.items())),
        {"login": user.email, "password": PASSWORD},
    )


def test_an_editor_lands_on_my_work_after_signing_in(client, world):
    response = _sign_in(client, world["people"]["editor"])
    assert response.status_code == 302
    assert response["Location"] == reverse("my_work")


@pytest.mark.parametrize("role", ["plain user", "coordinator"])
def test_someone_without_an_institute_lands_on_the_home_page(client, world, role):
    assert _sign_in(client, world["people"][role])["Location"] == "/"


def test_a_next_page_still_wins(client, world):
    response = _sign_in(client, world["people"]["editor"], next="/projects/")
    assert response["Location"] == "/projects/"


def test_my_work_asks_to_sign_in(client):
    response = client.get(reverse("my_work"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- My work ---------------------------------------------------------------------------------


def _work(home, n):
    """``n`` of each thing that waits for an editor of ``home``, and one of each that must not
    show: another institute's draft, a closed-off project, a request to someone else."""
    editor = member(home)
    asker = UserFactory()
    for i in range(n):
        TestbedFactory(institute=home, name=f"Draft testbed {i}", published=False)
        ServiceFactory(institute=home, name=f"Draft service {i}", published=False)
        service = ServiceFactory(institute=home, name=f"Asked service {i}")
        access_request_create(actor=asker, target=service, organisation="Acme", purpose="Chips.")
        ImportJob.objects.create(
            institute=home, created_by=editor, kind="testbed", filename=f"testbeds-{i}.csv"
        )
        ProjectFactory(lead_institute=home, proposer=editor, acronym=f"PR{i}", partners=0)
    TestbedFactory(name="Someone else's draft", published=False)
    ProjectFactory(acronym="DONE", lead_institute=home, proposer=editor,
                   state=ProjectStatus.WITHDRAWN, partners=0)  # fmt: skip
    return editor


def test_my_work_lists_drafts_requests_imports_and_proposals(client):
    home = InstituteFactory(acronym="WORK")
    editor = _work(home, 1)
    client.force_login(editor)
    html = client.get(reverse("my_work")).content.decode()
    for expected in ["Draft testbed 0", "Draft service 0", "Asked service 0", "testbeds-0.csv",
                     "PR0 — "]:  # fmt: skip
        assert expected in html
    assert "Someone else's draft" not in html
    assert "DONE — " not in html
    assert "My work" in _title(html)


def _title(html):
    return re.search(r"<title>(.*?)</title>", html, re.S)[1]


def test_my_work_of_someone_with_nothing_to_do_says_so(client, world):
    client.force_login(world["people"]["plain user"])
    html = client.get(reverse("my_work")).content.decode()
    assert "No draft testbed or service." in html
    assert "No proposal of your institutes is on its way to a decision." in html


def test_my_work_lists_are_short_and_their_queries_constant(client, django_assert_num_queries):
    few = _work(InstituteFactory(acronym="FEW"), 1)
    many = _work(InstituteFactory(acronym="MANY"), 7)
    client.force_login(few)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("my_work"))
    client.force_login(many)
    with django_assert_num_queries(len(one.captured_queries)):
        html = client.get(reverse("my_work")).content.decode()
    assert html.count("Draft testbed") + html.count("Draft service") == 5
    assert html.count("testbeds-") == 5
    assert len(re.findall(r"PR\d — ", html)) == 5
