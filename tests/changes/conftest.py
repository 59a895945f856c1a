"""Fixtures of the change-feed tests."""

import pytest
from rest_framework.test import APIClient

from tests.factories import StaffFactory


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def staff():
    return StaffFactory()
