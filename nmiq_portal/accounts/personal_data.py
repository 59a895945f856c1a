"""What the portal holds about a person, gathered from every part that keeps some.

A part of the portal that stores personal data registers how to export it and, where the data
is the person's own rather than an institute's record, how to erase it when they delete their
account::

    register(PersonalData("saved_searches", export=..., erase=...))

``export(user)`` returns JSON-ready data (lists of dicts); ``erase(user)`` runs inside the
account deletion's transaction. Records that belong to an institute (testbeds, proposals,
histories) are not erased: they stay, attributed to the removed user.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PersonalData:
    key: str
    export: Callable
    erase: Callable | None = None


_REGISTRY: dict[str, PersonalData] = {}


def register(item: PersonalData) -> PersonalData:
    _REGISTRY[item.key] = item
    return item


def registered() -> list[PersonalData]:
    return sorted(_REGISTRY.values(), key=lambda item: item.key)
