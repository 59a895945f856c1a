"""The people around one benchmark result, from nobody to portal staff."""

import copy
from dataclasses import dataclass, field

from capabilities.enums import MemberRole
from tests.collaborations.factories import TechnicalWorkingAreaFactory, member
from tests.factories import (
    BenchmarkFactory,
    BenchmarkResultFactory,
    InstituteFactory,
    MembershipFactory,
    StaffFactory,
    UserFactory,
)

#: Everyone the result rules ask about.
RESULT_ROLES = (
    "anonymous",
    "plain user",
    "member of another institute",
    "coordinator of another area",
    "colleague",
    "author",
    "conflicted coordinator",
    "coordinator",
    "staff",
)
#: The roles that are the result's authors: the members of its institute.
AUTHORS = {"author", "colleague", "conflicted coordinator"}
REVIEWERS = {"coordinator", "staff"}


@dataclass
class ResultWorld:
    people: dict = field(default_factory=dict)
    benchmark: object = None
    result: object = None

    def __getitem__(self, role):
        return self.people.get(role)

    def copy(self):
        return copy.deepcopy(self)


def result_world(state="draft", **result_fields) -> ResultWorld:
    """A benchmark of a working area coordinated by a member of NIST and by one of PTB's, and a
    result of PTB's in ``state`` entered by a PTB editor (its colleague is PTB's admin)."""
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
        "coordinator of another area": TechnicalWorkingAreaFactory(
            coordinators=[UserFactory()]
        ).coordinators.get(),
        "colleague": member(ptb, role=MemberRole.ADMIN),
        "author": author,
        "conflicted coordinator": conflicted,
        "coordinator": coordinator,
        "staff": StaffFactory(),
    }
    benchmark = BenchmarkFactory(twa=twa, coordinator=coordinator)
    result = BenchmarkResultFactory(
        benchmark=benchmark,
        institute=ptb,
        author=author,
        reviewer=coordinator,
        state=state,
        **result_fields,
    )
    return ResultWorld(people=people, benchmark=benchmark, result=result)
