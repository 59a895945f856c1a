"""The people around one guide, and the media directory of the guide tests."""

import copy
from dataclasses import dataclass, field

import pytest
from django.test import override_settings

from capabilities.enums import MemberRole
from tests.collaborations.factories import TechnicalWorkingAreaFactory, member
from tests.factories import (
    GuideFactory,
    GuideVersionFactory,
    InstituteFactory,
    MembershipFactory,
    StaffFactory,
    UserFactory,
)

#: Everyone the guide rules ask about, from nobody to portal staff.
GUIDE_ROLES = (
    "anonymous",
    "plain user",
    "member of another institute",
    "colleague",
    "author",
    "conflicted coordinator",
    "coordinator",
    "staff",
)


@pytest.fixture(scope="module", autouse=True)
def guide_media(tmp_path_factory):
    """Uploaded files of a test module go to a directory of their own."""
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@dataclass
class GuideWorld:
    people: dict = field(default_factory=dict)
    guide: object = None
    version: object = None

    def __getitem__(self, role):
        return self.people.get(role)

    def copy(self):
        return copy.deepcopy(self)


def guide_world(state="draft") -> GuideWorld:
    """A guide of one institute ("PTB") in a working area coordinated by a member of another
    ("NIST") and by one of PTB's, with one version in ``state`` written by a PTB editor; PTB's
    administrator (the colleague) is not its author."""
    ptb = InstituteFactory(name="Physikalisch-Technische Bundesanstalt")
    nist = InstituteFactory(economy="US")
    coordinator = member(nist, user=UserFactory(name="Cora Coordinator"))
    conflicted = member(ptb, user=UserFactory(name="Conrad Conflicted"))
    twa = TechnicalWorkingAreaFactory(coordinators=[coordinator, conflicted])
    author = member(ptb, user=UserFactory(name="Anna Author"))
    people = {
        "anonymous": None,
        "plain user": UserFactory(),
        "member of another institute": MembershipFactory(role=MemberRole.ADMIN).user,
        "colleague": member(ptb, role=MemberRole.ADMIN),
        "author": author,
        "conflicted coordinator": conflicted,
        "coordinator": coordinator,
        "staff": StaffFactory(),
    }
    guide = GuideFactory(twa=twa, institute=ptb, author=author)
    version = GuideVersionFactory(
        guide=guide, author=author, reviewer=coordinator, state=state, number="1.0.0"
    )
    return GuideWorld(people=people, guide=guide, version=version)
