"""The notifications of the outputs app, and who gets each one (never the actor, never anyone
who may not see what the notification is about)."""

from django.utils.translation import gettext_lazy as _

from nmiq_portal.notifications.registry import NotificationType, register
from nmiq_portal.notifications.services import notify

# --- glossary ---


def _term_type(key, title, body=""):
    return register(NotificationType(key=f"outputs.{key}", title=title, body=body))


TERM_TYPES = {
    "create": _term_type(
        "term_proposed",
        _("%(actor)s proposed the term “%(term)s” for the glossary"),
        _("Open the term to agree it or reject it."),
    ),
    "agree": _term_type("term_agreed", _("The term “%(term)s” is agreed")),
    "reject": _term_type("term_rejected", _("The term “%(term)s” is rejected"), "%(comment)s"),
    "supersede": _term_type(
        "term_superseded", _("The term “%(term)s” is superseded by “%(successor)s”")
    ),
}


def _term_audience(term, action):
    from .permissions import term_deciders

    if action == "create":
        return term_deciders(term)
    if action in ("agree", "reject", "supersede"):
        return [term.proposed_by]
    return []


def term_moved(*, event, obj, transition) -> None:
    """Proposals reach those who may decide on them; decisions reach the proposer."""
    term = obj
    ntype = TERM_TYPES.get(event.action)
    if ntype is None:
        return
    data = {
        "term": term.term,
        "actor": str(event.actor) if event.actor else "",
        "comment": event.comment,
        "successor": term.superseded_by.term if term.superseded_by_id else "",
    }
    for person in _term_audience(term, event.action):
        if person.pk == getattr(event.actor, "pk", None) or not person.is_active:
            continue
        if not person.has_perm("outputs.view_term", term):
            continue
        notify(
            recipient=person,
            verb=ntype.key,
            actor=event.actor,
            target=term,
            data=data,
            url=term.get_absolute_url(),
        )
