"""No slug is an oracle of hidden rows (issue 14, item 15): a row nobody else may see holds a
provisional slug chosen without looking at other rows, and takes its readable slug once public,
when only public rows (or once-public ones) hold readable slugs; its draft address redirects."""

import pytest
from django.urls import reverse

from capabilities.models import Testbed
from capabilities.services import record_create
from collaborations import services as collaborations
from collaborations.enums import NeedVisibility, ProjectStatus
from nmiq_portal.core import slugs
from outputs.enums import ComparisonStatus, GuideVersionStatus, TermStatus
from tests.collaborations.factories import (
    ProjectFactory,
    industry_member,
    member,
    move_to,
    need_posted,
)
from tests.factories import (
    GuideFactory,
    GuideVersionFactory,
    InstituteFactory,
    TermFactory,
    TestbedFactory,
)
from tests.outputs.factories import comparison_world

pytestmark = pytest.mark.django_db


def _project(hidden: bool):
    state = ProjectStatus.DRAFT if hidden else ProjectStatus.APPROVED
    return ProjectFactory(acronym="QUBIT", state=state)


def _need(hidden: bool):
    visibility = NeedVisibility.MEMBERS if hidden else NeedVisibility.PUBLIC
    return need_posted(title="Detector jitter below 3 ps", visibility=visibility)


def _term(hidden: bool):
    return TermFactory(
        term="coherence time", state=TermStatus.PROPOSED if hidden else TermStatus.AGREED
    )


def _guide(hidden: bool):
    guide = GuideFactory(title="Calibrating SNSPDs")
    state = GuideVersionStatus.IN_REVIEW if hidden else GuideVersionStatus.PUBLISHED
    GuideVersionFactory(guide=guide, state=state)
    guide.refresh_from_db()
    return guide


def _comparison(hidden: bool):
    state = ComparisonStatus.DRAFT if hidden else ComparisonStatus.PUBLISHED
    return comparison_world(state, identifier="CCQM-K30").comparison


SPACES = {
    "project": (_project, "qubit"),
    "need": (_need, "detector-jitter-below-3-ps"),
    "term": (_term, "coherence-time"),
    "guide": (_guide, "calibrating-snspds"),
    "comparison": (_comparison, "ccqm-k30"),
}


@pytest.mark.parametrize("space", SPACES)
def test_a_hidden_namesake_leaves_the_readable_slug_free(space):
    make, readable = SPACES[space]
    hidden = make(hidden=True)
    assert slugs.is_provisional(hidden.slug)
    assert hidden.slug.startswith(f"{readable}--")
    # What the next one is called says nothing of the hidden one: the slug it would have had.
    assert make(hidden=False).slug == readable


@pytest.mark.parametrize("space", SPACES)
def test_the_second_public_namesake_is_numbered(space):
    make, readable = SPACES[space]
    make(hidden=False)
    assert make(hidden=False).slug == f"{readable}-2"


def test_a_hidden_row_is_named_without_reading_any_other(django_assert_num_queries):
    project = ProjectFactory.build(acronym="QUBIT")
    with django_assert_num_queries(0):
        slug = slugs.name(project)
    assert slugs.is_provisional(slug)


def test_the_draft_address_redirects_to_the_readable_one(client):
    project = ProjectFactory(acronym="ENTANGLE")
    draft_url = project.get_absolute_url()
    collaborations.project_update(
        actor=project.proposer, project=project, version=project.version, acronym="ENTANGLE2"
    )
    project.refresh_from_db()
    # Renamed while hidden, it keeps its draft address: a new one would tell whoever holds the
    # old link what it is called now.
    assert project.get_absolute_url() == draft_url
    project = move_to(project, ProjectStatus.APPROVED, lead_user=project.proposer)
    project.refresh_from_db()
    assert project.slug == "entangle2"
    response = client.get(draft_url, {"tab": "timeline"})
    assert response.status_code == 301
    assert response["Location"] == f"{project.get_absolute_url()}?tab=timeline"
    assert client.get(project.get_absolute_url()).status_code == 200


def test_an_unknown_provisional_slug_is_still_not_found(client):
    url = reverse("collaborations:project_detail", kwargs={"slug": "qubit--abc123"})
    assert client.get(url).status_code == 404


def test_a_draft_that_was_never_public_does_not_redirect(client):
    """The redirect exists only once the row is public: a draft's address answers 404 to a
    stranger, as an unknown one does."""
    project = ProjectFactory(acronym="SECRET")
    assert client.get(project.get_absolute_url()).status_code == 404


def test_a_reserved_path_is_never_a_readable_slug():
    assert need_posted(title="New").slug == "new-need"


def test_an_unverified_institute_and_its_testbeds_hold_provisional_slugs():
    """An unverified institute may share a verified one's acronym: what its testbeds are called
    must not tell it which names the verified one's hidden testbeds have."""
    verified = InstituteFactory(acronym="NPL")
    draft = record_create(
        actor=member(verified), model=Testbed, institute=verified, name="Cryogenic lab"
    )
    assert draft.slug == "npl-cryogenic-lab"
    impostor = InstituteFactory(acronym="NPL", verified=False, slug="npl--c0ffee")
    theirs = record_create(
        actor=member(impostor), model=Testbed, institute=impostor, name="Cryogenic lab"
    )
    assert theirs.slug.startswith("npl-cryogenic-lab--")


def test_an_institute_takes_its_readable_slug_when_verified(admin_user):
    from capabilities.services import institute_register, institute_set_verified

    person = industry_member()
    institute = institute_register(
        actor=person,
        name="Quantum Start-up Ltd",
        acronym="QSTART",
        kind="industry_consortium",
        economy="GB",
    )
    assert slugs.is_provisional(institute.slug)
    institute = institute_set_verified(actor=admin_user, institute=institute, verified=True)
    assert institute.slug == "qstart"


def test_verifying_an_institute_records_the_slugs_its_records_gave_up_together(admin_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from capabilities.services import institute_set_verified
    from nmiq_portal.core.models import FormerSlug

    institute = InstituteFactory(acronym="QONE", verified=False)
    for n in range(4):
        TestbedFactory(institute=institute, name=f"Lab {n}")
    with CaptureQueriesContext(connection) as queries:
        institute_set_verified(actor=admin_user, institute=institute, verified=True)
    slugs_now = Testbed.objects.filter(institute=institute).values_list("slug", flat=True)
    assert sorted(slugs_now) == [f"qone-lab-{n}" for n in range(4)]
    table = FormerSlug._meta.db_table
    inserts = [q for q in queries.captured_queries if q["sql"].startswith(f'INSERT INTO "{table}"')]
    assert len(inserts) == 1, "the four records' in one statement"
