"""Choices of the outputs app, one block per kind."""

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

# --- comparisons ---


class ReferenceMethod(models.TextChoices):
    """How a comparison's reference value is obtained (values of comparisons_math.Method)."""

    WEIGHTED_MEAN = "weighted_mean", _("Weighted mean")
    ARITHMETIC_MEAN = "arithmetic_mean", _("Arithmetic mean")
    MEDIAN = "median", _("Median")
    FIXED = "fixed", _("Fixed or pilot reference")


class ComparisonStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class UncertaintyKind(models.TextChoices):
    STANDARD = "standard", _("Standard uncertainty u")
    EXPANDED = "expanded", _("Expanded uncertainty U with its coverage factor k")


#: States in which the lead institute enters and changes the comparison and its results.
EDITABLE_COMPARISON_STATUSES = (ComparisonStatus.DRAFT,)


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


# --- benchmarks ---


class ResultStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# --- readiness ---


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    RETURNED = "returned", _("Returned for changes")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: States in which the author revises an assessment.
EDITABLE_ASSESSMENT_STATUSES = (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED)


class Trend(models.TextChoices):
    """How an area's latest published level compares with the one before on the same scale."""

    RISING = "rising", _("Rising")
    STEADY = "steady", _("Steady")
    FALLING = "falling", _("Falling")
    FIRST = "first", _("First assessment")
