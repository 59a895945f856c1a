"""What every page's frame asks of the signed-in person (how many notices they have not read,
whether they review proposals), read in one query however many apps ask.

An app registers a fact as an expression on the person's row (``OuterRef("pk")`` is the
person); the first fact asked for in a request reads them all and keeps them on the user object,
which lives as long as the request. A write that changes a fact for the person making it calls
``forget``.
"""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db.models import Expression

_facts: dict[str, Callable[[], Expression]] = {}
_KEPT = "_user_facts"


def register(name: str, expression: Callable[[], Expression]) -> None:
    _facts[name] = expression


def get(user, name: str):
    """The fact ``name`` of the signed-in ``user``."""
    facts = getattr(user, _KEPT, None)  # through request.user's lazy wrapper
    if facts is None:
        expressions = {key: make() for key, make in _facts.items()}
        facts = get_user_model()._base_manager.filter(pk=user.pk).values(**expressions).get()
        setattr(user, _KEPT, facts)
    return facts[name]


def forget(user) -> None:
    if getattr(user, _KEPT, None) is not None:
        setattr(user, _KEPT, None)
