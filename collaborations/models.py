"""Technical working areas, the projects proposed in them, and the institutes taking part."""

import uuid

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from capabilities.models import (
    CapabilityRecord,
    Institute,
    Membership,
    Service,
    TechnologyArea,
    Testbed,
)
from nmiq_portal.core.history import history_field
from nmiq_portal.workflow.models import WorkflowModel

from .enums import (
    PUBLIC_PROJECT_STATUSES,
    AnswerKind,
    AnswerStatus,
    NeedStatus,
    NeedUrgency,
    NeedVisibility,
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
    technology_areas = models.ManyToManyField(
        TechnologyArea,
        blank=True,
        related_name="twas",
        verbose_name=_("technology areas"),
        help_text=_(
            "The areas this working area looks after (and those below them): its coordinators "
            "hear of industry needs there."
        ),
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
    review_scale_max = models.PositiveSmallIntegerField(
        _("top of the review scale"),
        default=5,
        validators=[MinValueValidator(2), MaxValueValidator(10)],
        help_text=_("Coordinators score a proposal from 1 to this number."),
    )
    reviews_required = models.PositiveSmallIntegerField(
        _("reviews before a decision"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Coordinators who must have reviewed a proposal before it is decided; the one who "
            "decides counts as a reviewer."
        ),
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


class ProjectReview(models.Model):
    """A coordinator's score and comment on a proposal, for one review round (submission)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="project_reviews"
    )
    round_submitted_at = models.DateTimeField(
        editable=False, help_text=_("The submission this review is about.")
    )
    score = models.PositiveSmallIntegerField(_("score"), validators=[MinValueValidator(1)])
    comment = models.TextField(_("comment"), max_length=4000)
    created_at = models.DateTimeField(_("written"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("proposal review")
        verbose_name_plural = _("proposal reviews")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "reviewer", "round_submitted_at"],
                name="project_review_one_per_round",
            ),
            models.CheckConstraint(condition=Q(score__gte=1), name="project_review_score_positive"),
        ]

    def __str__(self):
        return f"{self.reviewer} on {self.project_id}: {self.score}"


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


# --- industry needs ---


def paths_up(area: TechnologyArea) -> list[str]:
    """The paths of ``area`` and of every area above it in the tree."""
    parts = area.path.split("/")
    return ["/".join(parts[: n + 1]) for n in range(len(parts))]


def _peer(user) -> Exists:
    """``user`` belongs to a verified institute: an NMI-Q member, who sees members-only needs."""
    return Exists(Membership.objects.filter(user=user.pk, institute__verified=True))


class IndustryNeedQuerySet(models.QuerySet):
    def public(self):
        """Open needs anyone may see (what the landscape counts and the public feeds carry)."""
        return self.filter(visibility=NeedVisibility.PUBLIC, status=NeedStatus.OPEN)

    def shown_publicly(self):
        """Needs anyone may read, in every state (met and closed ones stay on the board)."""
        return self.filter(visibility=NeedVisibility.PUBLIC)

    def visible_to(self, user):
        """Public needs in every state; members-only ones for people of verified institutes;
        the poster's own; staff see all."""
        if not user.is_authenticated:
            return self.shown_publicly()
        if user.is_staff:
            return self.all()
        return self.filter(
            Q(visibility=NeedVisibility.PUBLIC)
            | (Q(visibility=NeedVisibility.MEMBERS) & _peer(user))
            | Q(posted_by=user.pk)
        )


@pghistory.track(exclude=["updated_at"], obj_field=history_field())
class IndustryNeed(WorkflowModel):
    """A measurement industry needs, posted by someone of an industry consortium; NMI-Q's
    institutes answer it with their capabilities, a comment or a project proposal."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("slug"), max_length=90, unique=True)
    title = models.CharField(
        _("what must be measured"),
        max_length=200,
        help_text=_("e.g. Detection efficiency of single-photon detectors at 1550 nm."),
    )
    description = models.TextField(
        _("description"),
        max_length=10000,
        help_text=_("Markdown: the device, the conditions, the uncertainty you need."),
    )
    technology_area = models.ForeignKey(
        TechnologyArea,
        on_delete=models.PROTECT,
        related_name="industry_needs",
        verbose_name=_("technology area"),
    )
    institute = models.ForeignKey(
        Institute,
        on_delete=models.PROTECT,
        related_name="industry_needs",
        verbose_name=_("posted for"),
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="industry_needs",
        verbose_name=_("posted by"),
    )
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=NeedUrgency.choices, default=NeedUrgency.MEDIUM
    )
    needed_by = models.DateField(_("needed by"), null=True, blank=True)
    visibility = models.CharField(
        _("who may see it"),
        max_length=10,
        choices=NeedVisibility.choices,
        default=NeedVisibility.PUBLIC,
    )
    temperature_min_k = models.FloatField(_("lowest temperature (K)"), null=True, blank=True)
    temperature_max_k = models.FloatField(_("highest temperature (K)"), null=True, blank=True)
    frequency_min_hz = models.FloatField(_("lowest frequency (Hz)"), null=True, blank=True)
    frequency_max_hz = models.FloatField(_("highest frequency (Hz)"), null=True, blank=True)
    wavelength_min_nm = models.FloatField(_("shortest wavelength (nm)"), null=True, blank=True)
    wavelength_max_nm = models.FloatField(_("longest wavelength (nm)"), null=True, blank=True)
    status = FSMField(
        _("status"),
        max_length=10,
        choices=NeedStatus.choices,
        default=NeedStatus.OPEN,
        protected=True,
    )
    met_by = models.ForeignKey(
        "NeedAnswer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("met by"),
    )
    decided_at = models.DateTimeField(_("met or closed"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("posted"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = IndustryNeedQuerySet.as_manager()

    RANGE_FIELDS = CapabilityRecord.RANGE_FIELDS

    class Meta:
        verbose_name = _("industry need")
        verbose_name_plural = _("industry needs")
        ordering = ["-created_at", "pk"]
        indexes = [
            models.Index(fields=["status", "visibility", "technology_area"], name="need_listed")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=NeedStatus.values), name="need_status_known"
            ),
            *CapabilityRecord.range_constraints("need"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("collaborations:need_detail", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        for low, high in self.RANGE_FIELDS.values():
            lo, hi = getattr(self, low), getattr(self, high)
            if lo is not None and lo < 0:
                errors[low] = _("A range starts at zero or above.")
            if lo is not None and hi is not None and lo > hi:
                errors[high] = _("The upper end must not be below the lower end.")
        if errors:
            raise ValidationError(errors)

    def ranges(self) -> dict[str, tuple[float, float]]:
        """{dimension: (low, high)} of the ranges given; one end given stands for both."""
        given = {}
        for dimension, (low, high) in self.RANGE_FIELDS.items():
            lo, hi = getattr(self, low), getattr(self, high)
            if lo is not None or hi is not None:
                given[dimension] = (lo if lo is not None else hi, hi if hi is not None else lo)
        return given


class NeedAnswer(WorkflowModel):
    """An institute's answer to a need: one of its capabilities, a comment, or a proposal."""

    need = models.ForeignKey(IndustryNeed, on_delete=models.CASCADE, related_name="answers")
    institute = models.ForeignKey(
        Institute,
        on_delete=models.PROTECT,
        related_name="need_answers",
        verbose_name=_("institute"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="need_answers",
        verbose_name=_("author"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=AnswerKind.choices)
    testbed = models.ForeignKey(
        Testbed,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="need_answers",
        verbose_name=_("testbed"),
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="need_answers",
        verbose_name=_("service"),
    )
    project = models.OneToOneField(
        Project,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="need_answer",
        verbose_name=_("project"),
    )
    comment = models.TextField(_("comment"), max_length=4000, blank=True)
    status = FSMField(
        _("status"),
        max_length=10,
        choices=AnswerStatus.choices,
        default=AnswerStatus.POSTED,
        protected=True,
    )
    created_at = models.DateTimeField(_("answered"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("answer to a need")
        verbose_name_plural = _("answers to needs")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=AnswerKind.CAPABILITY, project__isnull=True)
                    & (
                        Q(testbed__isnull=False, service__isnull=True)
                        | Q(testbed__isnull=True, service__isnull=False)
                    )
                )
                | Q(
                    kind=AnswerKind.COMMENT,
                    testbed__isnull=True,
                    service__isnull=True,
                    project__isnull=True,
                )
                & ~Q(comment="")
                | Q(
                    kind=AnswerKind.PROPOSAL,
                    testbed__isnull=True,
                    service__isnull=True,
                    project__isnull=False,
                ),
                name="need_answer_links_what_its_kind_says",
            ),
            models.CheckConstraint(
                condition=Q(status__in=AnswerStatus.values), name="need_answer_status_known"
            ),
        ]

    def __str__(self):
        return f"{self.institute.acronym} on {self.need}"

    @property
    def capability(self):
        return self.testbed or self.service


class NeedSubscription(models.Model):
    """Someone of an institute listing capabilities in an area hears of every new need there."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="need_subscriptions"
    )
    technology_area = models.ForeignKey(
        TechnologyArea,
        on_delete=models.CASCADE,
        related_name="need_subscriptions",
        verbose_name=_("technology area"),
    )
    created_at = models.DateTimeField(_("since"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("subscription to industry needs")
        verbose_name_plural = _("subscriptions to industry needs")
        ordering = ["technology_area__path", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "technology_area"], name="need_subscription_once"
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.technology_area}"
