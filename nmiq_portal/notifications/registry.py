"""Notification types: each app registers the kinds of notification it sends.

The core never names an app's notifications; an app declares them (usually in its
``notifications.py``, imported from its AppConfig.ready) and sends them with ``notify``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NotificationType:
    """A kind of notification: its key and the sentences shown for it (%-format over its data).

    ``prepare`` turns stored data into display values in the active language (e.g. a role's
    label), so a notification reads in the language of whoever reads it.
    """

    key: str
    title: Any
    body: Any = ""
    prepare: Callable[[dict], dict] | None = None

    def _values(self, data: dict) -> "_Defaulting":
        return _Defaulting(self.prepare(data) if self.prepare else data)

    def render_title(self, data: dict) -> str:
        return str(self.title) % self._values(data)

    def render_body(self, data: dict) -> str:
        return str(self.body) % self._values(data) if self.body else ""


class _Defaulting(dict):
    """Data for a message; a value missing from old rows renders as an ellipsis, not a crash."""

    def __missing__(self, key):
        return "…"


_types: dict[str, NotificationType] = {}

UNKNOWN = NotificationType(key="unknown", title=_("A notification"))


def register(ntype: NotificationType) -> NotificationType:
    existing = _types.get(ntype.key)
    if existing is not None and existing != ntype:
        raise ValueError(f"Notification type {ntype.key!r} is registered twice.")
    _types[ntype.key] = ntype
    return ntype


def notification_type(key: str) -> NotificationType:
    return _types.get(key, UNKNOWN)


def is_registered(key: str) -> bool:
    return key in _types
