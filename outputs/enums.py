"""Choices of the outputs app."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# --- glossary ---


class TermStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    AGREED = "agreed", _("Agreed")
    SUPERSEDED = "superseded", _("Superseded")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: States anyone may see a term in: agreed, and superseded (shown with its successor).
PUBLIC_TERM_STATUSES = (TermStatus.AGREED, TermStatus.SUPERSEDED)
