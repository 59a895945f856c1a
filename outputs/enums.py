"""Choices of the outputs app."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# --- guides ---


class GuideVersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: States in which a version is listed for anyone (a withdrawn one stays listed, as withdrawn).
PUBLIC_GUIDE_VERSION_STATUSES = (
    GuideVersionStatus.PUBLISHED,
    GuideVersionStatus.SUPERSEDED,
    GuideVersionStatus.WITHDRAWN,
)
#: States in which anyone may download a version's PDF (a withdrawn one is listed, not served).
DOWNLOADABLE_GUIDE_VERSION_STATUSES = (GuideVersionStatus.PUBLISHED, GuideVersionStatus.SUPERSEDED)
