"""Who may act on a notification: its recipient only (django-rules)."""

import rules


@rules.predicate
def is_recipient(user, notification) -> bool:
    return notification is not None and notification.recipient_id == user.pk


rules.add_perm("notifications.mark_read", is_recipient)
