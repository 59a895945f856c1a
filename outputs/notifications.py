"""The notifications of the outputs app, and who gets each one (never the person who made the
move, never anyone who may not see what it is about)."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nmiq_portal.notifications.registry import NotificationType, register
from nmiq_portal.notifications.services import notify

# --- guides ---
from .permissions import guide_reviewers

_REASON = "%(comment)s"


def _guide_type(key, title, body=""):
    return register(NotificationType(key=f"outputs.{key}", title=title, body=body))


GUIDE_VERSION_TYPES = {
    "submit": _guide_type(
        "guide_version_submitted",
        _("%(actor)s submitted version %(number)s of the guide “%(guide)s” for review"),
        _("Open the version to publish it or send it back."),
    ),
    "publish": _guide_type(
        "guide_version_published", _("Version %(number)s of “%(guide)s” is published")
    ),
    "send_back": _guide_type(
        "guide_version_sent_back",
        _("Version %(number)s of “%(guide)s” is sent back to its authors"),
        _REASON,
    ),
    "withdraw": _guide_type(
        "guide_version_withdrawn", _("Version %(number)s of “%(guide)s” is withdrawn"), _REASON
    ),
}


def _authors(version):
    return Q(guide_versions=version.pk)


def _reviewers(version):
    return Q(pk__in=[person.pk for person in guide_reviewers(version.guide)])


#: Who hears of each move of a guide version (the other moves tell nobody).
GUIDE_VERSION_AUDIENCES = {
    "submit": _reviewers,
    "publish": _authors,
    "send_back": _authors,
    "withdraw": _authors,
}


def guide_version_moved(*, event, obj, transition) -> None:
    """Notify the people concerned by a guide version's move (the workflow's notify hook)."""
    audience = GUIDE_VERSION_AUDIENCES.get(event.action)
    if audience is None:
        return
    version = obj
    people = (
        get_user_model()
        .objects.filter(audience(version), is_active=True)
        .exclude(pk=getattr(event.actor, "pk", None))
        .distinct()
        .order_by("pk")
    )
    ntype = GUIDE_VERSION_TYPES[event.action]
    data = {
        "guide": version.guide.title,
        "number": version.number,
        "actor": str(event.actor) if event.actor else "",
        "comment": event.comment,
    }
    url = version.get_absolute_url()
    for person in people:
        if person.has_perm("outputs.view_guide_version", version):
            notify(
                recipient=person,
                verb=ntype.key,
                actor=event.actor,
                target=version,
                data=data,
                url=url,
            )
