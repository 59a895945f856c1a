"""Helpers shared by the test modules: people in a role towards an institute, data built once
for the tests of a module or class that only read it, and where the public reference data are."""

import os
from contextlib import contextmanager
from pathlib import Path

from django.db import transaction

from capabilities.enums import MemberRole
from tests.factories import MembershipFactory, StaffFactory, UserFactory

#: The public reference data (KCDB listings and records, Metriq results; their README says where
#: each file comes from), found from a clone anywhere on the machine. A machine without them
#: fails the tests that read them rather than skipping those tests.
REFERENCE_DATA = Path(os.environ.get("NMIQ_REFERENCE_DATA", "/work/shared/reference/data"))

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


@contextmanager
def shared_data(django_db_blocker):
    """A transaction for data built once and read by many tests, rolled back after the last.

    Each test still runs in a savepoint of its own inside it (pytest-django's ``db``), so what
    a test writes is gone before the next. Use it for module- or class-scoped fixtures of tests
    that are not transactional: a flush inside it would empty the shared data, and a live
    server could not see it. Hand each test a copy of the objects (``copy.deepcopy``, as
    Django's setUpTestData does) when a test may change them in memory.
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        # Marked as django.test.TestCase marks its own, so durable blocks inside still work.
        atomic._from_testcase = True
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
