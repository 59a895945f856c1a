"""The state tables of access requests and invitations; the workflow engine runs them."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from nmiq_portal.workflow.registry import NEW, Transition, Workflow, register

from . import notifications
from .enums import AccessRequestStatus as A
from .enums import InvitationStatus as I
from .models import AccessRequest, Invitation

OPEN_REQUEST = (A.NEW, A.ACKNOWLEDGED, A.IN_DISCUSSION)
ANSWER = "capabilities.answer_access_request"

ACCESS_REQUEST = register(
    Workflow(
        name="capabilities.access_request",
        model=AccessRequest,
        notify=notifications.access_request_answered,
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
            Transition(
                "withdraw",
                OPEN_REQUEST,
                A.WITHDRAWN,
                "capabilities.withdraw_access_request",
                _("Withdraw the request"),
                stamp="updated_at",
            ),
        ],
    )
)


def invitation_not_expired(invitation, actor):
    if invitation.expires_at <= timezone.now():
        return _("This invitation has expired or was already answered.")
    return None


INVITATION = register(
    Workflow(
        name="capabilities.invitation",
        model=Invitation,
        notify=notifications.invitation_answered,
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
