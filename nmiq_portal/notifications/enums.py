"""Choices of the notification system."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Delivery(models.TextChoices):
    """How a person wants notifications by e-mail."""

    IMMEDIATE = "immediate", _("One e-mail per notification")
    DAILY = "daily", _("A daily digest")
    OFF = "off", _("No e-mail (inbox only)")


class EmailState(models.TextChoices):
    """Where an e-mail of the outbox stands."""

    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class NotificationEmail(models.TextChoices):
    """What becomes of a notification by e-mail."""

    QUEUED = "queued", _("Sent on its own")
    DIGEST = "digest", _("Waiting for the daily digest")
    DIGESTED = "digested", _("Sent in a digest")
    NONE = "none", _("Not sent by e-mail")
