"""Helpers shared by the test modules: people in a role towards an institute."""

from capabilities.enums import MemberRole
from tests.factories import MembershipFactory, StaffFactory, UserFactory

#: Everyone the capabilities' permission matrices ask about, from nobody to portal staff.
ROLES = (
    "anonymous",
    "plain user",
    "member of another institute",
    MemberRole.EDITOR,
    MemberRole.ADMIN,
    "staff",
)


def person(role, institute):
    """A new person in ``role`` (one of ROLES) towards ``institute``; None for anonymous.

    A member of another institute is its administrator: the strongest role there, which still
    gives nothing here.
    """
    if role == "anonymous":
        return None
    if role == "plain user":
        return UserFactory()
    if role == "member of another institute":
        return MembershipFactory(role=MemberRole.ADMIN).user
    if role == "staff":
        return StaffFactory()
    return MembershipFactory(institute=institute, role=role).user
