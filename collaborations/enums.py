"""Choices of the collaborations app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectKind(models.TextChoices):
    RESEARCH = "research", _("Research project")
    COMPARISON = "comparison", _("Interlaboratory comparison / round robin")
    EXCHANGE = "exchange", _("Personnel exchange")
    TRAINING = "training", _("Training / school")
    TESTBED = "testbed", _("Testbed development")


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: States anyone may see a project in.
PUBLIC_PROJECT_STATUSES = (ProjectStatus.APPROVED, ProjectStatus.ACTIVE, ProjectStatus.COMPLETED)
#: States in which the lead institute still edits the proposal.
EDITABLE_PROJECT_STATUSES = (ProjectStatus.DRAFT, ProjectStatus.CHANGES_REQUESTED)
#: States a proposal waits in for its TWA's coordinators.
AWAITING_REVIEW_STATUSES = (ProjectStatus.SUBMITTED, ProjectStatus.IN_REVIEW)
#: States from which nothing moves any more.
CLOSED_PROJECT_STATUSES = (
    ProjectStatus.REJECTED,
    ProjectStatus.COMPLETED,
    ProjectStatus.WITHDRAWN,
)


class ParticipationRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    PARTICIPANT = "participant", _("Participant")
    OBSERVER = "observer", _("Observer")


class ParticipationStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    LEFT = "left", _("Left")


#: Participations that tie an institute to a project (and so make a coordinator conflicted).
ENGAGED_PARTICIPATION_STATUSES = (
    ParticipationStatus.REQUESTED,
    ParticipationStatus.INVITED,
    ParticipationStatus.ACCEPTED,
)


# --- industry needs ---


class NeedUrgency(models.TextChoices):
    LOW = "low", _("Low: within a year or two")
    MEDIUM = "medium", _("Medium: within months")
    HIGH = "high", _("High: within weeks")


class NeedVisibility(models.TextChoices):
    """Who sees a need: anyone, or people of NMI-Q's verified institutes."""

    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("NMI-Q members only")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MET = "met", _("Met")
    CLOSED = "closed", _("Closed")


class AnswerKind(models.TextChoices):
    CAPABILITY = "capability", _("A testbed or service")
    COMMENT = "comment", _("A comment")
    PROPOSAL = "proposal", _("A project proposal")


class AnswerStatus(models.TextChoices):
    POSTED = "posted", _("Posted")
