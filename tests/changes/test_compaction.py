"""Compaction deletes the events a later event of the same object supersedes; a client at any
cursor ends with the same copy as before."""

import copy

import pytest
from celery import current_app
from django.conf import settings

from capabilities import services
from nmiq_portal.changes.compaction import compact
from nmiq_portal.changes.models import ChangeEvent
from tests.factories import ContactFactory, InstituteFactory, TestbedFactory

from .support import apply, read_feed

pytestmark = pytest.mark.django_db(transaction=True)


def _edit_history(staff):
    """Steps that edit, unpublish, republish and delete objects, each in a transaction of its
    own."""
    institute = InstituteFactory()
    edited, unpublished, deleted = (TestbedFactory(institute=institute) for _ in range(3))
    ContactFactory(institute=institute)
    return [
        lambda: services.record_update(actor=staff, record=edited, version=None, summary="One."),
        lambda: services.record_unpublish(actor=staff, record=unpublished),
        lambda: services.record_update(actor=staff, record=edited, version=None, summary="Two."),
        lambda: services.record_delete(actor=staff, record=deleted),
        lambda: services.record_publish(actor=staff, record=unpublished),
        lambda: services.institute_update(
            actor=staff, institute=institute, version=None, description="Renamed."
        ),
        lambda: services.record_update(actor=staff, record=edited, version=None, summary="Three."),
    ]


def test_a_client_at_any_cursor_ends_with_the_same_copy_after_compaction(api, staff):
    cursors, mirrors = [], []
    mirror, cursor = {}, None
    for step in [lambda: None, *_edit_history(staff)]:
        step()
        events, cursor = read_feed(api, after=cursor)
        mirror = apply(mirror, events)
        cursors.append(cursor)
        mirrors.append(copy.deepcopy(mirror))
    before = {
        at: apply(copy.deepcopy(seen), read_feed(api, after=at)[0])
        for at, seen in zip(cursors, mirrors, strict=True)
    }
    total = ChangeEvent.objects.count()

    removed = compact(batch=2)  # several batches

    objects = ChangeEvent.objects.values("type_key", "uuid").distinct().count()
    assert removed == total - objects > 0
    assert ChangeEvent.objects.count() == objects  # one event per object is left
    for at, seen in zip(cursors, mirrors, strict=True):
        assert apply(copy.deepcopy(seen), read_feed(api, after=at)[0]) == before[at]
    assert apply({}, read_feed(api)[0]) == mirror
    assert compact() == 0


def test_compaction_runs_every_night_as_a_registered_task(api, staff):
    for step in _edit_history(staff):
        step()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "nmiq_portal.changes.tasks.compact_change_feed" in scheduled
    current_app.loader.import_default_modules()  # what a worker does when it starts
    task = current_app.tasks["nmiq_portal.changes.tasks.compact_change_feed"]
    assert task() > 0
    assert task() == 0
