"""The personal data notifications keep: a person's inbox and the e-mails waiting for them."""

from nmiq_portal.accounts.personal_data import PersonalData, register

from .enums import EmailState
from .models import Notification, OutgoingEmail


def _inbox(user) -> list[dict]:
    return [
        {
            "verb": item.verb,
            "data": item.data,
            "url": item.url,
            "created_at": item.created_at.isoformat(),
            "read_at": item.read_at.isoformat() if item.read_at else None,
        }
        for item in Notification.objects.filter(recipient=user).order_by("created_at", "pk")
    ]


def _erase(user) -> None:
    Notification.objects.filter(recipient=user).delete()
    OutgoingEmail.objects.filter(to__iexact=user.email).exclude(state=EmailState.SENT).delete()


register(PersonalData("notifications", export=_inbox, erase=_erase))
