"""Fixtures of the change-feed tests."""

import pytest

from tests.factories import StaffFactory


@pytest.fixture
def staff():
    return StaffFactory()
