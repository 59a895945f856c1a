"""Readiness assessments through their doors: only coordinators of the working area (and
staff) record one, on the page and through the service; a draft reaches nobody else through
the page, the API, the change feed or the snapshot; the endpoint's queries do not grow."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from capabilities.models import ReadinessLevel, TechnologyArea
from outputs import services
from outputs.enums import AssessmentStatus
from outputs.models import ReadinessAssessment
from tests.changes.support import read_feed, read_snapshot
from tests.collaborations.factories import TechnicalWorkingAreaFactory, member
from tests.factories import AssessmentFactory, InstituteFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

ASSESSMENTS = "/api/v1/assessments/"
NEW = "/landscape/assessments/new/"


def _fields(twa):
    return {
        "technology_area": TechnologyArea.objects.get(slug="single-photon-detectors"),
        "twa": twa,
        "level": ReadinessLevel.objects.get(scale__slug="srl", level=2),
        "assessed_on": datetime.date(2026, 6, 1),
        "rationale": "Terms agreed; no guide yet.",
    }


def _people(twa):
    """A person per role towards recording an assessment for ``twa``."""
    coordinator = member(InstituteFactory())
    twa.coordinators.add(coordinator)
    elsewhere = member(InstituteFactory())
    TechnicalWorkingAreaFactory(coordinators=[elsewhere])
    return {
        "anonymous": AnonymousUser(),
        "plain user": UserFactory(),
        "NMI editor": member(InstituteFactory()),
        "coordinator of another working area": elsewhere,
        "coordinator": coordinator,
        "staff": StaffFactory(),
    }


ASSESSORS = {"coordinator", "staff"}
ROLES = [
    "anonymous",
    "plain user",
    "NMI editor",
    "coordinator of another working area",
    "coordinator",
    "staff",
]


@pytest.mark.parametrize("role", ROLES)
def test_only_the_working_areas_coordinators_and_staff_record_an_assessment(role):
    twa = TechnicalWorkingAreaFactory()
    actor = _people(twa)[role]
    if role in ASSESSORS:
        assessment = services.assessment_create(actor=actor, **_fields(twa))
        assert (assessment.status, assessment.author) == (AssessmentStatus.DRAFT, actor)
    else:
        with pytest.raises(PermissionDenied):
            services.assessment_create(actor=actor, **_fields(twa))
        assert not ReadinessAssessment.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_only_coordinators_and_staff_open_the_form_and_for_their_own_working_areas(client, role):
    twa = TechnicalWorkingAreaFactory()
    actor = _people(twa)[role]
    if actor.is_authenticated:
        client.force_login(actor)
    response = client.get(NEW)
    if role == "anonymous":
        assert response.status_code == 302
        return
    may_open = {*ASSESSORS, "coordinator of another working area"}
    assert response.status_code == (200 if role in may_open else 403), role
    fields = _fields(twa)
    data = {
        **{name: getattr(value, "pk", value) for name, value in fields.items()},
        "institute": getattr(actor.memberships.first(), "institute_id", ""),
    }
    response = client.post(NEW, data)
    assert ReadinessAssessment.objects.exists() == (role in ASSESSORS), role
    if role == "coordinator of another working area":
        assert "twa" in response.context["form"].errors


@pytest.fixture
def pair():
    """A published assessment and a draft of another working area beside it."""
    published = AssessmentFactory(state=AssessmentStatus.PUBLISHED)
    draft = AssessmentFactory(rationale="A draft nobody else reads.")
    return published, draft


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("anonymous", False),
        ("NMI editor", False),
        ("coordinator of another working area", False),
        ("author", True),
        ("staff", True),
    ],
)
def test_a_draft_is_shown_on_its_page_and_in_the_api_to_its_author_and_staff_only(
    client, api, pair, role, sees
):
    published, draft = pair
    viewer = {
        "anonymous": None,
        "NMI editor": member(InstituteFactory()),
        "coordinator of another working area": published.author,
        "author": draft.author,
        "staff": StaffFactory(),
    }[role]
    if viewer is not None:
        client.force_login(viewer)
        api.force_authenticate(viewer)
    assert client.get(published.get_absolute_url()).status_code == 200
    assert client.get(draft.get_absolute_url()).status_code == (200 if sees else 404)
    listed = {item["uuid"] for item in api.get(ASSESSMENTS).json()["results"]}
    assert str(published.uuid) in listed
    assert (str(draft.uuid) in listed) == sees
    assert api.get(f"{ASSESSMENTS}{draft.uuid}/").status_code == (200 if sees else 404)


def test_the_api_filters_by_area_with_its_sub_areas_and_by_scale(api, pair):
    published, _draft = pair
    for params, found in (
        ({"area": "communication"}, [str(published.uuid)]),
        ({"area": "single-photon-detectors", "scale": "srl"}, [str(published.uuid)]),
        ({"area": "single-photon-sources"}, []),
        ({"scale": "trl"}, []),
    ):
        results = api.get(ASSESSMENTS, params).json()["results"]
        assert [item["uuid"] for item in results] == found, params
    (shown,) = api.get(ASSESSMENTS).json()["results"]
    assert shown["level"] == {"scale": "srl", "level": 3, "name": published.level.name}
    assert shown["rationale_html"].startswith("<p>Detection efficiency")


@pytest.mark.django_db(transaction=True)
def test_the_change_feed_and_the_snapshot_carry_published_assessments_only(api):
    published = AssessmentFactory(state=AssessmentStatus.PUBLISHED)
    draft = AssessmentFactory(state=AssessmentStatus.IN_REVIEW)
    events, _cursor = read_feed(api)
    assessments = {event["uuid"] for event in events if event["type"] == "assessment"}
    assert assessments == {str(published.uuid)}
    assert str(draft.uuid) not in str(events)
    lines, _cursor = read_snapshot(api, types="assessment")
    assert [line["uuid"] for line in lines] == [str(published.uuid)]
    listed = [item["uuid"] for item in api.get(ASSESSMENTS).json()["results"]]
    assert listed == [str(published.uuid)]


def test_the_endpoint_queries_do_not_grow_with_assessments(client, django_assert_num_queries):
    AssessmentFactory(state=AssessmentStatus.PUBLISHED)
    with CaptureQueriesContext(connection) as small:
        assert client.get(ASSESSMENTS).status_code == 200
    for _ in range(3):
        AssessmentFactory(state=AssessmentStatus.PUBLISHED)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(ASSESSMENTS)
    assert len(response.json()["results"]) == 4
