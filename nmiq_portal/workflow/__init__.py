"""The review-workflow engine: ``transition``, ``create``, ``available_actions``, ``events_for``.

Imported lazily (the engine needs the models), so ``from nmiq_portal.workflow import transition``
works from any app once Django has started.
"""

_ENGINE = ("Action", "available_actions", "create", "events_for", "transition")


def __getattr__(name):
    if name in _ENGINE:
        from . import engine

        return getattr(engine, name)
    raise AttributeError(name)
