"""The change feed and the snapshot: an ordered, resumable list of changes to public objects.

Apps join by ``register(type_key, model, ...)`` in their ``AppConfig.ready()``; a write that
bypasses model signals (``QuerySet.update``) calls ``touch(model, pks)`` in its transaction.
``recorded`` tells a cache of those objects that they changed, after the commit;
``became_public`` tells, inside the transaction, which of them anyone may now see for the first
time since the feed last said so.
"""

from .registry import became_public, recorded, register


def touch(model, objects) -> None:
    """Record that the public state of ``objects`` (instances or pks) may have changed."""
    from .capture import touch as _touch  # lazily: it needs the models, loaded after the package

    _touch(model, objects)


__all__ = ["became_public", "recorded", "register", "touch"]
