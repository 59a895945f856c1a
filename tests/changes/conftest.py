"""Fixtures of the change-feed tests."""

import pytest

from capabilities.models import Institute
from tests.factories import StaffFactory

from .mirroring import RandomEditor, copy_mirror, limit_rates, populate, run


@pytest.fixture
def staff():
    return StaffFactory()


@pytest.fixture
def portal(live_server, settings):
    """The live portal's base URL, without rate limits (these tests make many requests)."""
    limit_rates(settings, "1000000/min")
    return live_server.url


@pytest.fixture
def editor():
    editor = RandomEditor(seed=0)
    for verified in (True, True, False):
        editor.new_institute(verified=verified)
    return editor


@pytest.fixture
def synced(portal, tmp_path, editor):
    """A mirror made before 8 new public contacts and 20 random edits, and a copy of it."""
    populate(editor, 10)
    db_path = tmp_path / "mirror.sqlite3"
    run(portal, db_path)
    home = Institute.objects.filter(verified=True).order_by("pk").first()
    for _ in range(8):
        editor.new_record(kind="contact", institute=home, published=True)
    for _ in range(20):
        editor.step()
    reference = tmp_path / "reference.sqlite3"
    copy_mirror(db_path, reference)
    return db_path, reference
