"""The notifications of the outputs app, and who gets each one, one block per kind."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nmiq_portal.notifications.registry import NotificationType, register
from nmiq_portal.notifications.services import notify

# --- comparisons ---
# Submitted: the coordinators of the working area who may decide (staff when none may); a
# decision or withdrawal: the lead institute's members. Never the actor, never anyone who may
# not see the comparison.


def _comparison_type(key, title, body=""):
    return register(NotificationType(key=f"outputs.comparison_{key}", title=title, body=body))


COMPARISON_TYPES = {
    "submit": _comparison_type(
        "submitted",
        _("%(actor)s submitted the results of %(comparison)s for review"),
        _("Open the comparison to publish it or send it back."),
    ),
    "publish": _comparison_type("published", _("The results of %(comparison)s are published")),
    "send_back": _comparison_type(
        "sent_back", _("The results of %(comparison)s are sent back"), "%(comparison_comment)s"
    ),
    "withdraw": _comparison_type(
        "withdrawn", _("The results of %(comparison)s are withdrawn"), "%(comparison_comment)s"
    ),
}


def _comparison_reviewers(comparison):
    people = get_user_model().objects.filter(is_active=True).order_by("pk")
    coordinators = [
        person
        for person in people.filter(coordinated_twas=comparison.project.twa_id)
        if person.has_perm("outputs.review_comparison", comparison)
    ]
    if coordinators:
        return Q(pk__in=[person.pk for person in coordinators])
    staff = [
        person
        for person in people.filter(is_staff=True)
        if person.has_perm("outputs.review_comparison", comparison)
    ]
    return Q(pk__in=[person.pk for person in staff])


def _comparison_lead(comparison):
    return Q(memberships__institute_id=comparison.project.lead_institute_id)


COMPARISON_AUDIENCES = {
    "create": (),
    "submit": (_comparison_reviewers,),
    "publish": (_comparison_lead,),
    "send_back": (_comparison_lead,),
    "withdraw": (_comparison_lead, _comparison_reviewers),
}


def comparison_moved(*, event, obj, transition) -> None:
    """Notify the people concerned by a comparison's move (the workflow's notify hook)."""
    comparison = obj
    parts = [make(comparison) for make in COMPARISON_AUDIENCES.get(event.action, ())]
    if not parts:
        return
    audience = Q(pk__in=[])
    for part in parts:
        audience |= part
    people = (
        get_user_model()
        .objects.filter(audience, is_active=True)
        .exclude(pk=getattr(event.actor, "pk", None))
        .distinct()
        .order_by("pk")
    )
    ntype = COMPARISON_TYPES[event.action]
    data = {
        "comparison": comparison.identifier,
        "actor": str(event.actor) if event.actor else "",
        "comparison_comment": event.comment,
    }
    for person in people:
        if person.has_perm("outputs.view_comparison", comparison):
            notify(
                recipient=person,
                verb=ntype.key,
                actor=event.actor,
                target=comparison,
                data=data,
                url=comparison.get_absolute_url(),
            )
