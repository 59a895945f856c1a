"""Benchmarks (what is measured, in which unit) and the results institutes publish for them.

Visibility (``BenchmarkResultQuerySet``), the rule of guide versions mirrored: anyone sees a
published result. Signed in, the members of the result's institute (its authors) see it in every
state; the coordinators of the benchmark's working area see it while it is in review, unless
their own institute made it; staff see all. Nobody else sees a draft, in review or withdrawn
result: not its page, chart point, API entry, feed entry or Atom entry.
"""

import math
import uuid

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from capabilities.models import Institute, Membership, TechnologyArea
from capabilities.units import parse_unit
from collaborations.models import Project, TechnicalWorkingArea
from nmiq_portal.core.history import history_field
from nmiq_portal.workflow.models import WorkflowModel

from ..enums import ResultStatus, UncertaintyKind


class BenchmarkQuerySet(models.QuerySet):
    def public(self):
        """Every benchmark: what is measured is public; its results have their own rule."""
        return self.all()

    def visible_to(self, user):
        return self.public()


@pghistory.track(exclude=["updated_at"], obj_field=history_field())
class Benchmark(models.Model):
    """What is measured and how it is read: metric, unit, direction, protocol."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    metric = models.CharField(
        _("metric"), max_length=200, help_text=_("What a value is, e.g. T1 relaxation time.")
    )
    unit = models.CharField(
        _("unit"),
        max_length=40,
        help_text=_("Of every value and uncertainty, e.g. µs; “dimensionless” for a score."),
    )
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    technology_area = models.ForeignKey(
        TechnologyArea,
        on_delete=models.PROTECT,
        related_name="benchmarks",
        verbose_name=_("technology area"),
    )
    twa = models.ForeignKey(
        TechnicalWorkingArea,
        on_delete=models.PROTECT,
        related_name="benchmarks",
        verbose_name=_("technical working area"),
        help_text=_("Its coordinators review the results."),
    )
    protocol = models.CharField(
        _("protocol reference"),
        max_length=500,
        help_text=_("The protocol the results follow (document, standard, DOI or address)."),
    )
    description = models.TextField(_("description"), blank=True, max_length=5000)
    metriq_job_type = models.CharField(
        _("Metriq job type"),
        max_length=100,
        blank=True,
        help_text=_("With the Metriq metric: the results a Metriq import brings here."),
    )
    metriq_metric = models.CharField(_("Metriq metric"), max_length=100, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = BenchmarkQuerySet.as_manager()

    class Meta:
        verbose_name = _("benchmark")
        verbose_name_plural = _("benchmarks")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["metriq_job_type", "metriq_metric"],
                condition=~Q(metriq_job_type=""),
                name="benchmark_metriq_unique",
                violation_error_message=_("Another benchmark imports this Metriq metric."),
            ),
            models.CheckConstraint(
                condition=Q(metriq_job_type="", metriq_metric="")
                | (~Q(metriq_job_type="") & ~Q(metriq_metric="")),
                name="benchmark_metriq_pair",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("outputs:benchmark_detail", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        if self.unit:
            try:
                parse_unit(self.unit)
            except ValidationError as error:
                errors["unit"] = error.messages
        if bool(self.metriq_job_type) != bool(self.metriq_metric):
            errors["metriq_metric"] = _("Give both the Metriq job type and metric, or neither.")
        if errors:
            raise ValidationError(errors)


def _institutes_of(user):
    return Membership.objects.filter(user=user).values("institute_id")


class BenchmarkResultQuerySet(models.QuerySet):
    def public(self):
        """Published results."""
        return self.filter(status=ResultStatus.PUBLISHED)

    def visible_to(self, user):
        """Published ones; for members of the result's institute every state; for the
        coordinators of the benchmark's working area those in review of other institutes;
        staff all."""
        if not user.is_authenticated:
            return self.public()
        if user.is_staff:
            return self.all()
        mine = _institutes_of(user)
        coordinated = TechnicalWorkingArea.coordinators.through.objects.filter(
            user=user, technicalworkingarea=OuterRef("benchmark__twa")
        )
        return self.filter(
            Q(status=ResultStatus.PUBLISHED)
            | Q(institute__in=mine)
            | (Q(status=ResultStatus.IN_REVIEW) & Exists(coordinated))
        )


def _finite(errors: dict, name: str, value, *, positive=False) -> None:
    if value is None or name in errors:
        return
    if not math.isfinite(value):
        errors[name] = _("Enter a finite number.")
    elif positive and value <= 0:
        errors[name] = _("Must be greater than zero.")


@pghistory.track(exclude=["updated_at"], obj_field=history_field())
class BenchmarkResult(WorkflowModel):
    """One institute's value of a benchmark on a platform, with its uncertainty and samples."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    benchmark = models.ForeignKey(
        Benchmark, on_delete=models.PROTECT, related_name="results", verbose_name=_("benchmark")
    )
    institute = models.ForeignKey(
        Institute,
        on_delete=models.PROTECT,
        related_name="benchmark_results",
        verbose_name=_("institute"),
    )
    provider = models.CharField(
        _("platform provider"), max_length=100, help_text=_("e.g. ibm, quantinuum, a laboratory.")
    )
    device = models.CharField(_("device"), max_length=200, help_text=_("e.g. ibm_boston."))
    qubit_count = models.PositiveIntegerField(_("qubits"), null=True, blank=True)
    value = models.FloatField(_("value"), help_text=_("In the benchmark's unit."))
    value_as_given = models.CharField(_("value as given"), max_length=80, editable=False)
    uncertainty_kind = models.CharField(
        _("uncertainty given as"),
        max_length=10,
        choices=UncertaintyKind.choices,
        default=UncertaintyKind.STANDARD,
    )
    uncertainty = models.FloatField(
        _("uncertainty"),
        null=True,
        blank=True,
        help_text=_("u or U as given, in the benchmark's unit; empty when not stated."),
    )
    uncertainty_as_given = models.CharField(
        _("uncertainty as given"), max_length=80, blank=True, editable=False
    )
    coverage_factor = models.FloatField(
        _("coverage factor k"), null=True, blank=True, help_text=_("With an expanded U.")
    )
    standard_uncertainty = models.FloatField(
        _("standard uncertainty u"), null=True, blank=True, editable=False
    )
    measured_on = models.DateField(_("date"))
    conditions = models.JSONField(
        _("conditions"), default=list, blank=True, help_text=_("Name and value pairs.")
    )
    method = models.CharField(_("method"), max_length=300, blank=True)
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="benchmark_results",
        verbose_name=_("project"),
    )
    samples = ArrayField(
        models.FloatField(), default=list, blank=True, editable=False, verbose_name=_("samples")
    )
    sample_times = ArrayField(
        models.FloatField(),
        default=list,
        blank=True,
        editable=False,
        verbose_name=_("sample times (s)"),
    )
    source = models.CharField(
        _("source"),
        max_length=300,
        blank=True,
        editable=False,
        help_text=_("The file and metric an import read it from."),
    )
    status = FSMField(
        _("status"),
        max_length=20,
        choices=ResultStatus.choices,
        default=ResultStatus.DRAFT,
        protected=True,
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    withdrawal_reason = models.TextField(
        _("reason for withdrawal"), blank=True, max_length=4000, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = BenchmarkResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("benchmark result")
        verbose_name_plural = _("benchmark results")
        ordering = ["benchmark", "measured_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ResultStatus.values), name="benchmark_result_status_known"
            ),
            models.CheckConstraint(
                condition=Q(uncertainty__isnull=True, standard_uncertainty__isnull=True)
                | Q(uncertainty__gt=0, standard_uncertainty__gt=0),
                name="benchmark_result_uncertainty_positive_or_not_stated",
            ),
            models.CheckConstraint(
                condition=Q(uncertainty_kind=UncertaintyKind.STANDARD, coverage_factor__isnull=True)
                | Q(uncertainty_kind=UncertaintyKind.EXPANDED, coverage_factor__gt=0),
                name="benchmark_result_k_with_expanded",
            ),
            models.UniqueConstraint(
                fields=["benchmark", "institute", "source"],
                condition=~Q(source=""),
                name="benchmark_result_source_unique",
                violation_error_message=_("This institute imported this result already."),
            ),
        ]

    def __str__(self):
        return f"{self.benchmark}: {self.provider} {self.device}, {self.measured_on}"

    def get_absolute_url(self):
        return reverse(
            "outputs:benchmark_result_detail",
            kwargs={"slug": self.benchmark.slug, "uuid": self.uuid},
        )

    def clean(self):
        errors = {}
        _finite(errors, "value", self.value)
        _finite(errors, "uncertainty", self.uncertainty)
        if self.uncertainty is not None and "uncertainty" not in errors:
            if self.uncertainty < 0:
                errors["uncertainty"] = _("An uncertainty is never negative.")
            elif self.uncertainty == 0:
                errors["uncertainty"] = _("No result is exact: leave it empty when not stated.")
        if self.uncertainty_kind == UncertaintyKind.EXPANDED:
            if self.coverage_factor is None:
                errors["coverage_factor"] = _(
                    "An expanded uncertainty needs its coverage factor k."
                )
            _finite(errors, "coverage_factor", self.coverage_factor, positive=True)
        elif self.coverage_factor is not None:
            errors["coverage_factor"] = _(
                "A standard uncertainty has no coverage factor; clear it."
            )
        if len(self.sample_times) not in (0, len(self.samples)):
            errors["samples"] = _("Every sample needs its time, or none does.")
        if self.institute_id is not None and not self.institute.verified:
            errors["institute"] = _("Results are published for institutes staff verified.")
        if (
            self.project_id is not None
            and self.benchmark_id is not None
            and self.project.twa_id != self.benchmark.twa_id
        ):
            errors["project"] = _("Choose a project of the benchmark's working area.")
        if errors:
            raise ValidationError(errors)

    @property
    def uncertainty_stated(self) -> bool:
        return self.standard_uncertainty is not None

    @property
    def platform(self) -> str:
        return f"{self.provider} {self.device}"


class ResultImport(models.Model):
    """A checked Metriq file for one institute: the results it would add, and the lines it
    skips with why; applied once, as drafts of the institute."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    institute = models.ForeignKey(
        Institute, on_delete=models.CASCADE, related_name="result_imports"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filename = models.CharField(max_length=255)
    rows = models.JSONField(default=list, help_text="The results to add, checked.")
    skipped = models.JSONField(default=list, help_text="Lines left out, each with why.")
    created_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(
        null=True, blank=True, help_text="When its results were added (once only)."
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.filename} → {self.institute.acronym}"

    def get_absolute_url(self):
        return reverse("outputs:result_import_detail", kwargs={"uuid": self.uuid})
