"""Who may do what with guides and their versions, for every role: each lower role refused."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from capabilities.models import Institute
from outputs import services
from outputs.enums import GuideVersionStatus as S
from outputs.models import Guide, GuideVersion
from tests.factories import guide_pdf_upload
from tests.outputs.guides_world import GUIDE_ROLES, guide_media, guide_world  # noqa: F401
from tests.support import shared_data

pytestmark = pytest.mark.django_db

INSTITUTE = {"author", "colleague", "conflicted coordinator"}
#: (permission, state of the version asked about): the roles that have it.
MATRIX = {
    ("outputs.change_guide", S.DRAFT): INSTITUTE | {"staff"},
    ("outputs.add_guide_version", S.DRAFT): INSTITUTE | {"staff"},
    ("outputs.change_guide_version", S.DRAFT): {"author", "staff"},
    ("outputs.change_guide_version", S.IN_REVIEW): set(),
    ("outputs.view_guide_version", S.DRAFT): {"author", "staff"},
    ("outputs.view_guide_version", S.IN_REVIEW): {"author", "coordinator", "staff"},
    ("outputs.view_guide_version", S.PUBLISHED): set(GUIDE_ROLES),
    ("outputs.download_guide_version", S.DRAFT): {"author", "staff"},
    ("outputs.download_guide_version", S.IN_REVIEW): {"author", "coordinator", "staff"},
    ("outputs.download_guide_version", S.PUBLISHED): set(GUIDE_ROLES),
    ("outputs.download_guide_version", S.WITHDRAWN): {"author", "staff"},
    ("outputs.submit_guide_version", S.DRAFT): {"author", "staff"},
    ("outputs.review_guide_version", S.IN_REVIEW): {"coordinator", "staff"},
    ("outputs.withdraw_guide_version", S.PUBLISHED): INSTITUTE | {"coordinator", "staff"},
}


@pytest.fixture(scope="module")
def worlds(django_db_setup, django_db_blocker, guide_media):  # noqa: F811
    with shared_data(django_db_blocker):
        yield {state: guide_world(state) for state in sorted({state for _p, state in MATRIX})}


def _has(user, perm, obj) -> bool:
    return (user or AnonymousUser()).has_perm(perm, obj)


@pytest.mark.parametrize(("perm", "state"), sorted(MATRIX))
def test_every_role_of_every_guide_permission(worlds, db, perm, state):
    world = worlds[state]
    obj = world.guide if perm == "outputs.change_guide" else world.version
    if perm == "outputs.add_guide_version":
        obj = GuideVersion(guide=world.guide)
    granted = {role for role in GUIDE_ROLES if _has(world[role], perm, obj)}
    assert granted == MATRIX[(perm, state)]


@pytest.mark.parametrize("role", GUIDE_ROLES)
def test_only_institute_members_and_staff_start_a_guide(worlds, db, role):
    world = worlds[S.DRAFT]
    actor = world[role]
    before = Guide.objects.count()
    data = {"title": "Another guide", "summary": "S.", "twa": world.guide.twa}
    if role in INSTITUTE | {"member of another institute", "coordinator", "staff"}:
        theirs = Institute.objects.filter(memberships__user=actor)
        institutes = world.guide.institutes.all() if actor.is_staff else theirs
        assert services.guide_create(actor=actor, institutes=institutes, **data).pk
    else:
        with pytest.raises(PermissionDenied):
            services.guide_create(actor=actor, institutes=world.guide.institutes.all(), **data)
        assert Guide.objects.count() == before


@pytest.mark.parametrize("role", GUIDE_ROLES)
def test_only_an_authoring_institutes_member_or_staff_uploads_a_version(worlds, db, role):
    world = worlds[S.DRAFT]
    before = GuideVersion.objects.count()
    call = {
        "actor": world[role],
        "guide": world.guide,
        "file": guide_pdf_upload("x"),
        "number": "9.0.0",
    }
    if role in INSTITUTE | {"staff"}:
        assert services.guide_version_create(**call).status == S.DRAFT
    else:
        with pytest.raises(PermissionDenied):
            services.guide_version_create(**call)
        assert GuideVersion.objects.count() == before


def test_a_member_cannot_name_only_institutes_not_theirs(worlds, db):
    world = worlds[S.DRAFT]
    outsider = world["member of another institute"]
    with pytest.raises(ValidationError) as refused:
        services.guide_create(
            actor=outsider,
            institutes=world.guide.institutes.all(),
            title="Not mine",
            summary="S.",
            twa=world.guide.twa,
        )
    assert "institutes" in refused.value.message_dict
