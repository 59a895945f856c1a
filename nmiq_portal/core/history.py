"""Change history of every app's models (django-pghistory): ``record.history`` is its rows."""

import pghistory


def history_field():
    """The ``obj_field`` of ``pghistory.track``: every change to a tracked model is a row in its
    history (database triggers, so no write can skip it), read as ``obj.history``; the
    optimistic locking (core/locking.py) and the history panels read it there."""
    return pghistory.ObjForeignKey(related_name="history", related_query_name="history")
