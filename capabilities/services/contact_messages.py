"""Messages a visitor writes to a testbed's or service's contact: the address stays hidden."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from nmiq_portal.notifications.services import email_render_enqueue

from ..models import Contact
from ..selectors import contactable_records, record_contact_choices


def contact_message_send(
    *, actor, record, contact: Contact, name: str, email: str, message: str
) -> None:
    """Put the visitor's message to ``contact`` of ``record`` in the outbox.

    Anyone may write, signed in or not, so there is no role to require: the check is that the
    record is one ``actor`` may see and that is open to contact (published, not retired), and
    the contact one of those its page offers.
    """
    model = type(record)
    if not contactable_records(user=actor, model=model).filter(pk=record.pk).exists():
        raise PermissionDenied("capabilities.contact_record")
    if contact.pk not in {choice.pk for choice in record_contact_choices(record=record)}:
        raise ValidationError({"contact": _("Choose one of the contacts listed.")})
    message = message.strip()
    if not message:
        raise ValidationError({"message": _("Write a message first.")})
    email_render_enqueue(
        to=contact.email,
        template="capabilities/email/contact_message",
        context={
            "record": record,
            "contact": contact,
            "sender_name": name.strip(),
            "sender_email": email.strip(),
            "message": message,
            "signed_in": actor.is_authenticated,
        },
        language=settings.LANGUAGE_CODE,
    )
