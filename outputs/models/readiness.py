"""Standardisation readiness assessments: a technology area's level on a readiness scale, as a
working area's coordinator assesses it and another coordinator (or staff) publishes it.

Published assessments are never replaced: each stays as a point of the area's history, and the
area's current level is its latest published one.
"""

import uuid

import pghistory
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from capabilities.models import Institute, ReadinessLevel, TechnologyArea
from capabilities.models.evidence import DOI
from collaborations.models import TechnicalWorkingArea
from nmiq_portal.core.history import history_field
from nmiq_portal.workflow.models import WorkflowModel

from ..enums import AssessmentStatus
from .benchmarks import BenchmarkResult
from .comparisons import Comparison
from .guides import GuideVersion


class ReadinessAssessmentQuerySet(models.QuerySet):
    def public(self):
        """Published assessments: the history of every area's level."""
        return self.filter(status=AssessmentStatus.PUBLISHED)

    def visible_to(self, user):
        """Published ones; for their authors every state; for the coordinators of the working
        area those past the draft (they review them); staff all."""
        if not user.is_authenticated:
            return self.public()
        if user.is_staff:
            return self.all()
        coordinated = TechnicalWorkingArea.coordinators.through.objects.filter(user=user).values(
            "technicalworkingarea_id"
        )
        return self.filter(
            Q(status=AssessmentStatus.PUBLISHED)
            | Q(author=user)
            | (Q(twa__in=coordinated) & ~Q(status=AssessmentStatus.DRAFT))
        )


@pghistory.track(exclude=["updated_at"], obj_field=history_field())
class ReadinessAssessment(WorkflowModel):
    """A technology area's level on a readiness scale on a date, with its rationale and
    references (DOIs, standards by number, portal outputs)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    technology_area = models.ForeignKey(
        TechnologyArea,
        on_delete=models.PROTECT,
        related_name="readiness_assessments",
        verbose_name=_("technology area"),
    )
    twa = models.ForeignKey(
        TechnicalWorkingArea,
        on_delete=models.PROTECT,
        related_name="readiness_assessments",
        verbose_name=_("technical working area"),
        help_text=_("Its coordinators assess the area and review each other's assessments."),
    )
    # The level names its scale, so a level of another scale cannot be recorded.
    level = models.ForeignKey(
        ReadinessLevel,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("level"),
    )
    assessed_on = models.DateField(_("assessed on"), default=timezone.localdate)
    rationale = models.TextField(_("rationale"), max_length=10000, help_text=_("Markdown."))
    dois = ArrayField(
        models.CharField(max_length=200, validators=[DOI]),
        verbose_name=_("DOIs"),
        default=list,
        blank=True,
        size=30,
        help_text=_("Without https://doi.org/, e.g. 10.1088/1681-7575/ab1234."),
    )
    standards = ArrayField(
        models.CharField(max_length=80),
        verbose_name=_("standards"),
        default=list,
        blank=True,
        size=30,
        help_text=_("By number, e.g. IEC 62899-202 or ISO/IEC 4879:2024."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="readiness_assessments",
        verbose_name=_("author"),
    )
    author_institute = models.ForeignKey(
        Institute,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="readiness_assessments",
        verbose_name=_("author's institute"),
    )
    status = FSMField(
        _("status"),
        max_length=16,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.DRAFT,
        protected=True,
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ReadinessAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("readiness assessment")
        verbose_name_plural = _("readiness assessments")
        ordering = ["technology_area__path", "-assessed_on", "-pk"]
        indexes = [
            models.Index(
                fields=["technology_area", "status", "assessed_on"], name="assessment_series"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=AssessmentStatus.values), name="assessment_status_known"
            ),
        ]

    def __str__(self):
        return f"{self.technology_area}: {self.level_label} ({self.assessed_on})"

    def get_absolute_url(self):
        return reverse("outputs:assessment_detail", kwargs={"uuid": self.uuid})

    @property
    def scale(self):
        return self.level.scale

    @property
    def level_label(self) -> str:
        """ "SRL 4", as the landscape names a level."""
        return f"{self.level.scale.slug.upper()} {self.level.level}"


#: The portal outputs an assessment may cite: those its testbeds and services cite as evidence.
CITABLE_OUTPUTS = (GuideVersion, BenchmarkResult, Comparison)


def _shown() -> Q:
    shown = Q(pk__in=[])
    for model in CITABLE_OUTPUTS:
        shown |= Q(
            output_type__app_label=model._meta.app_label,
            output_type__model=model._meta.model_name,
            output_id__in=model.objects.public().values("pk"),
        )
    return shown


class CitationQuerySet(models.QuerySet):
    """Citations of assessments (``all_objects``: those of outputs taken back too)."""


class ShownCitationManager(models.Manager.from_queryset(CitationQuerySet)):
    """Citations of outputs that are public now; one taken back is not shown through any door."""

    def get_queryset(self):
        return super().get_queryset().filter(_shown())


class AssessmentCitation(models.Model):
    """A portal output an assessment rests on: a guide version, a benchmark result, a
    comparison."""

    assessment = models.ForeignKey(
        ReadinessAssessment, on_delete=models.CASCADE, related_name="citations"
    )
    output_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    output_id = models.PositiveBigIntegerField()
    output = GenericForeignKey("output_type", "output_id")

    objects = ShownCitationManager()
    all_objects = CitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("cited output")
        verbose_name_plural = _("cited outputs")
        ordering = ["pk"]
        base_manager_name = "all_objects"
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "output_type", "output_id"], name="assessment_cites_once"
            ),
        ]

    def __str__(self):
        return str(self.output)
