"""Change history of the directory's models (django-pghistory)."""

import pghistory


def history_field():
    """Every change to an institute, testbed, service, contact or evidence is a row in its
    history (database triggers, so no write can skip it); ``record.history`` reads it."""
    return pghistory.ObjForeignKey(related_name="history", related_query_name="history")
