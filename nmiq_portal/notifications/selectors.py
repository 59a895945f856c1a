"""Reads of the notification system."""

from .models import Notification


def inbox(*, user, unread_only: bool = False):
    """A person's notifications, newest first, with what the inbox shows loaded."""
    notifications = Notification.objects.filter(recipient=user).select_related("actor")
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications


def unread_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
