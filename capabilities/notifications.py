"""The notifications the capabilities app sends, and the workflows' hooks that send them."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nmiq_portal.notifications.registry import NotificationType, register
from nmiq_portal.notifications.services import notify

from .enums import AccessRequestStatus, MemberRole


def _role_label(data: dict) -> dict:
    role = data.get("role")
    return {**data, "role": MemberRole(role).label if role in MemberRole.values else role}


INVITATION = register(
    NotificationType(
        key="capabilities.invitation",
        title=_("%(inviter)s invited you to join %(institute)s as %(role)s"),
        body=_("Open the invitation to accept or decline it. It expires on %(expires)s."),
        prepare=_role_label,
    )
)
INVITATION_ACCEPTED = register(
    NotificationType(
        key="capabilities.invitation_accepted",
        title=_("%(member)s accepted your invitation to join %(institute)s"),
    )
)
INVITATION_DECLINED = register(
    NotificationType(
        key="capabilities.invitation_declined",
        title=_("%(email)s declined your invitation to join %(institute)s"),
    )
)
ROLE_CHANGED = register(
    NotificationType(
        key="capabilities.role_changed",
        title=_("Your role at %(institute)s is now %(role)s"),
        prepare=_role_label,
    )
)
INSTITUTE_REGISTERED = register(
    NotificationType(
        key="capabilities.institute_registered",
        title=_("%(person)s registered %(institute)s; it waits for verification"),
    )
)
MEMBERSHIP_ENDED = register(
    NotificationType(
        key="capabilities.membership_ended",
        title=_("You are no longer a member of %(institute)s"),
    )
)


def _access_request_labels(data: dict) -> dict:
    status = data.get("status")
    if status in AccessRequestStatus.values:
        return {**data, "status": AccessRequestStatus(status).label.lower()}
    return data


ACCESS_REQUESTED = register(
    NotificationType(
        key="capabilities.access_requested",
        title=_("%(requester)s (%(organisation)s) asks for access to %(target)s"),
        body=_("Open the request to acknowledge it or to start the discussion."),
    )
)
ACCESS_REQUEST_REMINDER = register(
    NotificationType(
        key="capabilities.access_request_reminder",
        title=_("Still unanswered: %(requester)s asked for access to %(target)s on %(sent)s"),
        body=_("Open the request to acknowledge it or to start the discussion."),
    )
)
ACCESS_REQUEST_ANSWERED = register(
    NotificationType(
        key="capabilities.access_request_answered",
        title=_("Your access request for %(target)s is now %(status)s"),
        body="%(comment)s",
        prepare=_access_request_labels,
    )
)
ACCESS_REQUEST_MESSAGE = register(
    NotificationType(
        key="capabilities.access_request_message",
        title=_("%(author)s wrote on the access request for %(target)s"),
        body="%(body)s",
    )
)
ACCESS_REQUEST_WITHDRAWN = register(
    NotificationType(
        key="capabilities.access_request_withdrawn",
        title=_("%(requester)s withdrew the access request for %(target)s"),
        body="%(comment)s",
    )
)


# --- Hooks of the workflows (capabilities/workflows.py), called as each move is written ------


def invitation_answered(*, event, obj, transition) -> None:
    """Tell whoever invited how the invitation was answered (the workflow's notify hook)."""
    invitation = obj
    if event.action not in ("accept", "decline") or invitation.invited_by is None:
        return
    if invitation.invited_by_id == event.actor_id:
        return
    institute = invitation.institute
    if event.action == "accept":
        verb, data = INVITATION_ACCEPTED, {"member": str(event.actor)}
    else:
        verb, data = INVITATION_DECLINED, {"email": invitation.email}
    notify(
        recipient=invitation.invited_by,
        verb=verb.key,
        actor=event.actor,
        target=institute,
        data={**data, "institute": institute.acronym},
        url=reverse("capabilities:institute_members", kwargs={"slug": institute.slug}),
    )


def access_request_data(access_request) -> dict:
    """What the access-request notifications say of the request."""
    return {
        "requester": str(access_request.requester),
        "organisation": access_request.organisation,
        "target": access_request.target.name,
        "institute": access_request.institute.acronym,
        "sent": access_request.created_at.date().isoformat(),
        "status": access_request.status,
    }


def access_request_answered(*, event, obj, transition) -> None:
    """Tell the requester how the institute moved their request (the workflow's notify hook)."""
    access_request = obj
    if transition.creates or access_request.requester_id == event.actor_id:
        return
    notify(
        recipient=access_request.requester,
        verb=ACCESS_REQUEST_ANSWERED.key,
        actor=event.actor,
        target=access_request,
        data={**access_request_data(access_request), "comment": event.comment},
        url=access_request.get_absolute_url(),
    )
