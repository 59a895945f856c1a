"""Technical working areas, the projects proposed in them, and the institutes taking part."""

import uuid

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from capabilities.models import Institute, Membership
from nmiq_portal.core.history import history_field
from nmiq_portal.workflow.models import WorkflowModel

from .enums import (
    PUBLIC_PROJECT_STATUSES,
    ParticipationRole,
    ParticipationStatus,
    ProjectKind,
    ProjectStatus,
)


class TechnicalWorkingAreaQuerySet(models.QuerySet):
    def public(self):
        """Working areas shown on the site: the active ones."""
        return self.filter(active=True)

    def visible_to(self, user):
        """Every working area is public data; staff also see the inactive ones."""
        return self.all() if user.is_authenticated and user.is_staff else self.public()


class TechnicalWorkingArea(models.Model):
    """A technical working area (as in VAMAS): a field of joint work with its coordinators."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    scope = models.TextField(_("scope"), blank=True, help_text=_("Markdown."))
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="coordinated_twas",
        verbose_name=_("coordinators"),
    )
    active = models.BooleanField(_("active"), default=True)
    min_institutes = models.PositiveSmallIntegerField(
        _("minimum institutes"),
        default=2,
        help_text=_("Institutes (the lead included) that must have accepted before submission."),
    )
    min_economies = models.PositiveSmallIntegerField(
        _("minimum economies"),
        default=2,
        help_text=_("Economies those institutes must come from before submission."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TechnicalWorkingAreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("technical working area")
        verbose_name_plural = _("technical working areas")
        ordering = ["number"]

    def __str__(self):
        return f"TWA {self.number} — {self.title}"

    def get_absolute_url(self):
        return reverse("collaborations:twa_detail", kwargs={"slug": self.slug})


def _member_institutes(user):
    return Membership.objects.filter(user=user).values("institute_id")


class ProjectQuerySet(models.QuerySet):
    def public(self):
        """Projects anyone may see: approved, active or completed."""
        return self.filter(status__in=PUBLIC_PROJECT_STATUSES)

    def visible_to(self, user):
        """Public projects, plus those ``user`` takes part in or coordinates (staff see all).

        Members of the lead institute and of any institute with a participation (in any state)
        see the project; coordinators of its working area see it once it left the draft state.
        """
        if not user.is_authenticated:
            return self.public()
        if user.is_staff:
            return self.all()
        institutes = _member_institutes(user)
        coordinated = TechnicalWorkingArea.coordinators.through.objects.filter(user=user).values(
            "technicalworkingarea_id"
        )
        return self.filter(
            Q(status__in=PUBLIC_PROJECT_STATUSES)
            | Q(lead_institute__in=institutes)
            | Exists(Participation.objects.filter(project=OuterRef("pk"), institute__in=institutes))
            | (Q(twa__in=coordinated) & ~Q(status=ProjectStatus.DRAFT))
        )


@pghistory.track(exclude=["updated_at"], obj_field=history_field())
class Project(WorkflowModel):
    """A collaborative project proposed in a working area; its status moves only by workflow."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    twa = models.ForeignKey(
        TechnicalWorkingArea,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("technical working area"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ProjectKind.choices)
    title = models.CharField(_("title"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=30)
    summary = models.TextField(_("summary"), max_length=2000)
    objectives = models.TextField(_("objectives"), blank=True, help_text=_("Markdown."))
    work_plan = models.TextField(_("work plan"), blank=True, help_text=_("Markdown."))
    expected_outputs = models.TextField(_("expected outputs"), blank=True, help_text=_("Markdown."))
    lead_institute = models.ForeignKey(
        Institute,
        on_delete=models.PROTECT,
        related_name="led_projects",
        verbose_name=_("lead institute"),
    )
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="proposed_projects",
        verbose_name=_("proposer"),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    final_report_url = models.URLField(_("final report"), blank=True)
    status = FSMField(
        _("status"),
        max_length=20,
        choices=ProjectStatus.choices,
        default=ProjectStatus.DRAFT,
        protected=True,
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at", "pk"]
        indexes = [models.Index(fields=["status", "submitted_at"], name="project_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ProjectStatus.values), name="project_status_known"
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(start_date__lte=models.F("end_date")),
                name="project_dates_ordered",
                violation_error_message=_("The project cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.acronym} — {self.title}"

    def get_absolute_url(self):
        return reverse("collaborations:project_detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The project cannot end before it starts.")})


class Deliverable(models.Model):
    """Something a project promises to deliver, and by when."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="deliverables")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    due_date = models.DateField(_("due date"))
    done = models.BooleanField(_("done"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")
        ordering = ["due_date", "position", "pk"]

    def __str__(self):
        return self.title


class Participation(WorkflowModel):
    """An institute's part in a project: requested or invited, then accepted or declined."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="participations")
    institute = models.ForeignKey(
        Institute,
        on_delete=models.PROTECT,
        related_name="participations",
        verbose_name=_("institute"),
    )
    role = models.CharField(
        _("role"),
        max_length=16,
        choices=ParticipationRole.choices,
        default=ParticipationRole.PARTICIPANT,
    )
    status = FSMField(
        _("status"),
        max_length=16,
        choices=ParticipationStatus.choices,
        default=ParticipationStatus.REQUESTED,
        protected=True,
    )
    initiated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("initiated by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "institute"], name="participation_once_per_institute"
            ),
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(role=ParticipationRole.LEAD),
                name="participation_one_lead",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ParticipationStatus.values),
                name="participation_status_known",
            ),
        ]

    def __str__(self):
        return f"{self.institute.acronym} in {self.project.acronym}"


class Reminder(models.Model):
    """A reminder or digest already sent, by what it was for, so a job run twice sends it once."""

    key = models.CharField(_("for"), max_length=120, unique=True)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-sent_at", "pk"]

    def __str__(self):
        return self.key
