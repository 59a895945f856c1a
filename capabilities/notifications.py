"""The notifications the capabilities app sends."""

from django.utils.translation import gettext_lazy as _

from nmiq_portal.notifications.registry import NotificationType, register

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
