"""The state tables of access requests and invitations; the workflow engine runs them."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from nmiq_portal.notifications.services import notify
from nmiq_portal.workflow.registry import NEW, Transition, Workflow, register

from . import notifications
from .enums import AccessRequestStatus as A
from .enums import InvitationStatus as I
from .models import AccessRequest, Invitation


def access_request_answered(*, event, obj, transition) -> None:
    """Tell the requester how the institute moved their request (the workflow's notify hook)."""
    access_request = obj
    if transition.creates or access_request.requester_id == event.actor_id:
        return
    notify(
        recipient=access_request.requester,
        verb=notifications.ACCESS_REQUEST_ANSWERED.key,
        actor=event.actor,
        target=access_request,
        data={
            "requester": str(access_request.requester),
            "organisation": access_request.organisation,
            "target": access_request.target.name,
            "institute": access_request.institute.acronym,
            "sent": access_request.created_at.date().isoformat(),
            "status": access_request.status,
            "comment": event.comment,
        },
        url=access_request.get_absolute_url(),
    )


OPEN_REQUEST = (A.NEW, A.ACKNOWLEDGED, A.IN_DISCUSSION)
ANSWER = "capabilities.answer_access_request"

ACCESS_REQUEST = register(
    Workflow(
        name="capabilities.access_request",
        model=AccessRequest,
        notify=access_request_answered,
        transitions=[
            Transition("create", (NEW,), A.NEW, "capabilities.request_access", _("Send")),
            Transition(
                "acknowledge",
                (A.NEW,),
                A.ACKNOWLEDGED,
                ANSWER,
                _("Acknowledge"),
                stamp="updated_at",
            ),
            Transition(
                "discuss",
                (A.NEW, A.ACKNOWLEDGED),
                A.IN_DISCUSSION,
                ANSWER,
                _("Start the discussion"),
                stamp="updated_at",
            ),
            Transition(
                "close",
                OPEN_REQUEST,
                A.CLOSED,
                ANSWER,
                pgettext_lazy("access request", "Close"),
                stamp="updated_at",
            ),
        ],
    )
)


def invitation_not_expired(invitation, actor):
    if invitation.expires_at <= timezone.now():
        return _("This invitation has expired or was already answered.")
    return None


def invitation_answered(*, event, obj, transition) -> None:
    """Tell whoever invited how the invitation was answered (the workflow's notify hook)."""
    invitation = obj
    if event.action not in ("accept", "decline") or invitation.invited_by is None:
        return
    if invitation.invited_by_id == event.actor_id:
        return
    institute = invitation.institute
    if event.action == "accept":
        verb, data = notifications.INVITATION_ACCEPTED, {"member": str(event.actor)}
    else:
        verb, data = notifications.INVITATION_DECLINED, {"email": invitation.email}
    notify(
        recipient=invitation.invited_by,
        verb=verb.key,
        actor=event.actor,
        target=institute,
        data={**data, "institute": institute.acronym},
        url=reverse("capabilities:institute_members", kwargs={"slug": institute.slug}),
    )


INVITATION = register(
    Workflow(
        name="capabilities.invitation",
        model=Invitation,
        notify=invitation_answered,
        transitions=[
            Transition("send", (NEW,), I.PENDING, "capabilities.send_invitation", _("Invite")),
            Transition(
                "accept",
                (I.PENDING,),
                I.ACCEPTED,
                "capabilities.answer_invitation",
                _("Accept"),
                guards=(invitation_not_expired,),
                stamp="answered_at",
                by="answered_by",
            ),
            Transition(
                "decline",
                (I.PENDING,),
                I.DECLINED,
                "capabilities.answer_invitation",
                _("Decline"),
                guards=(invitation_not_expired,),
                stamp="answered_at",
                by="answered_by",
            ),
            Transition(
                "revoke",
                (I.PENDING,),
                I.REVOKED,
                "capabilities.revoke_invitation",
                _("Withdraw"),
                stamp="answered_at",
                by="answered_by",
            ),
        ],
    )
)
