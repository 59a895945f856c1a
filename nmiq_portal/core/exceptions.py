"""Errors every app's services raise and every door (page, API) knows how to show."""


class StaleEdit(Exception):
    """An edit was made on a copy someone else has changed since; nothing was saved.

    ``changes`` lists what changed in between as (field label, value then, value now).
    """

    def __init__(self, *, current, changes: list[tuple[str, object, object]]):
        super().__init__(f"{current!r} changed since version the edit started from")
        self.current = current
        self.changes = changes
