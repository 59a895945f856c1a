"""Reads of the notification system."""

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from nmiq_portal.core import user_facts

from .models import Notification


def inbox(*, user, unread_only: bool = False):
    """A person's notifications, newest first, with what the inbox shows loaded."""
    notifications = Notification.objects.filter(recipient=user).select_related("actor")
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications


def _unread():
    counted = (
        Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def register_facts() -> None:
    """The frame's unread count (``user_facts``): how many notices the person has not read."""
    user_facts.register("unread_notifications", _unread)
