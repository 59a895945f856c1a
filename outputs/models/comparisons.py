"""Interlaboratory comparisons of a comparison project and the results of their participants.

Visibility (``ComparisonQuerySet``), the rule of collaborations' projects mirrored: anyone sees a
published comparison of a public project. Signed in, members of the project's lead institute and
of any institute with a participation in the project (in any state) also see it in every state;
the coordinators of the project's working area see it once submitted (in review, published,
withdrawn); staff see all. Nobody else sees a draft, in review or withdrawn comparison: not its
page, chart, CSV, API entry, feed entry, Atom entry or the section on a testbed's page.
"""

import math
import uuid

import pghistory
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_fsm import FSMField

from capabilities.models import Institute, Membership, Service, Testbed
from capabilities.units import parse_unit
from collaborations.enums import PUBLIC_PROJECT_STATUSES
from collaborations.models import Participation, Project, TechnicalWorkingArea
from nmiq_portal.core.history import history_field
from nmiq_portal.workflow.models import WorkflowModel

from .. import comparisons_math
from ..enums import ComparisonStatus, ReferenceMethod, UncertaintyKind


def _finite(errors: dict, name: str, value, *, positive=False) -> None:
    """Note in ``errors`` why ``value`` (a float or None) is refused, if it is."""
    if value is None or name in errors:
        return
    if not math.isfinite(value):
        errors[name] = _("Enter a finite number.")
    elif positive and value <= 0:
        errors[name] = _("Must be greater than zero.")


class ComparisonQuerySet(models.QuerySet):
    def public(self):
        """Published comparisons of public projects."""
        return self.filter(
            status=ComparisonStatus.PUBLISHED, project__status__in=PUBLIC_PROJECT_STATUSES
        )

    def visible_to(self, user):
        """Public ones; for members of the lead or a participating institute every state; for
        the working area's coordinators every state past the draft; staff all."""
        if not user.is_authenticated:
            return self.public()
        if user.is_staff:
            return self.all()
        institutes = Membership.objects.filter(user=user.pk).values("institute_id")
        coordinated = TechnicalWorkingArea.coordinators.through.objects.filter(user=user.pk).values(
            "technicalworkingarea_id"
        )
        return self.filter(
            Q(status=ComparisonStatus.PUBLISHED, project__status__in=PUBLIC_PROJECT_STATUSES)
            | Q(project__lead_institute__in=institutes)
            | Exists(
                Participation.objects.filter(project=OuterRef("project"), institute__in=institutes)
            )
            | (Q(project__twa__in=coordinated) & ~Q(status=ComparisonStatus.DRAFT))
        )


@pghistory.track(exclude=["updated_at"], obj_field=history_field())
class Comparison(WorkflowModel):
    """The comparison run by a comparison project: measurand, unit, reference-value method."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    project = models.OneToOneField(
        Project,
        on_delete=models.PROTECT,
        related_name="comparison",
        verbose_name=_("project"),
    )
    identifier = models.CharField(
        _("identifier"), max_length=60, help_text=_("As published, e.g. CCQM-K30.")
    )
    measurand = models.CharField(_("measurand"), max_length=300)
    unit = models.CharField(
        _("unit"), max_length=40, help_text=_("Of every value and uncertainty, e.g. mg/kg or nV.")
    )
    method = models.CharField(
        _("reference-value method"), max_length=20, choices=ReferenceMethod.choices
    )
    reference_value = models.FloatField(
        _("reference value"),
        null=True,
        blank=True,
        help_text=_("Only for a fixed or pilot reference; otherwise computed from the results."),
    )
    reference_uncertainty = models.FloatField(
        _("standard uncertainty of the reference value"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Only for a fixed or pilot reference (u, not U)."),
    )
    coverage_factor = models.FloatField(
        _("coverage factor of U(dᵢ)"),
        default=2.0,
        validators=[MinValueValidator(0.5)],
        help_text=_("k in U(dᵢ) = k·u(dᵢ)."),
    )
    description = models.TextField(_("description"), blank=True, max_length=5000)
    source = models.CharField(
        _("source"),
        max_length=500,
        blank=True,
        help_text=_("Where the results are published (report, KCDB entry, DOI)."),
    )
    status = FSMField(
        _("status"),
        max_length=20,
        choices=ComparisonStatus.choices,
        default=ComparisonStatus.DRAFT,
        protected=True,
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ComparisonQuerySet.as_manager()

    class Meta:
        verbose_name = _("comparison")
        verbose_name_plural = _("comparisons")
        ordering = ["-published_at", "-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ComparisonStatus.values), name="comparison_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(method=ReferenceMethod.FIXED)
                | Q(reference_value__isnull=False, reference_uncertainty__gte=0),
                name="comparison_fixed_reference_given",
            ),
            models.CheckConstraint(
                condition=Q(coverage_factor__gt=0), name="comparison_coverage_factor_positive"
            ),
        ]

    def __str__(self):
        return self.identifier

    def get_absolute_url(self):
        return reverse("outputs:comparison_detail", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        if self.unit:
            try:
                parse_unit(self.unit)
            except ValidationError as error:
                errors["unit"] = error.messages
        _finite(errors, "reference_value", self.reference_value)
        _finite(errors, "reference_uncertainty", self.reference_uncertainty)
        _finite(errors, "coverage_factor", self.coverage_factor, positive=True)
        if self.method == ReferenceMethod.FIXED:
            if self.reference_value is None:
                errors["reference_value"] = _("A fixed or pilot reference needs its value.")
            if self.reference_uncertainty is None:
                errors["reference_uncertainty"] = _(
                    "A fixed or pilot reference needs its standard uncertainty (0 when the "
                    "published uncertainties of the results already include it)."
                )
        elif self.method:
            # Computed from the results: a typed-in value would be ignored, so it is refused.
            for name in ("reference_value", "reference_uncertainty"):
                if getattr(self, name) is not None:
                    errors[name] = _("Only a fixed or pilot reference is typed in; clear it.")
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def explain(error: ValueError) -> str:
        """Why the results cannot be evaluated, in the reader's language where it is a case
        people meet (the other checks guard stored data, which the fields validate already)."""
        if isinstance(error, comparisons_math.TooFewResults):
            return ngettext(
                "The reference value (%(method)s) needs at least two included results; "
                "%(n)d is included.",
                "The reference value (%(method)s) needs at least two included results; "
                "%(n)d are included.",
                error.n,
            ) % {"method": ReferenceMethod(error.method.value).label.lower(), "n": error.n}
        return str(error)

    def evaluation(self, results=None) -> comparisons_math.Evaluation:
        """Reference value, consistency and degrees of equivalence of ``results`` (by default
        the stored ones, in order); ValueError when they cannot be computed."""
        results = list(self.results.all()) if results is None else results
        return comparisons_math.evaluate(
            [
                comparisons_math.Result(
                    value=r.value,
                    u=r.standard_uncertainty,
                    included=r.included and self.method != comparisons_math.Method.FIXED,
                )
                for r in results
            ],
            self.method,
            fixed_value=self.reference_value,
            fixed_u=self.reference_uncertainty,
            k=self.coverage_factor,
        )


#: Removal is tracked too; a result's edit bumps its comparison's version (the lock of both).
@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    obj_field=history_field(),
)
class ComparisonResult(models.Model):
    """One participant's result: value, uncertainty as given (u, or U with k), method."""

    comparison = models.ForeignKey(
        Comparison, on_delete=models.CASCADE, related_name="results", verbose_name=_("comparison")
    )
    institute = models.ForeignKey(
        Institute,
        on_delete=models.PROTECT,
        related_name="comparison_results",
        verbose_name=_("institute"),
    )
    testbed = models.ForeignKey(
        Testbed,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comparison_results",
        verbose_name=_("testbed"),
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comparison_results",
        verbose_name=_("service"),
    )
    reported_as = models.CharField(
        _("reported as"),
        max_length=40,
        blank=True,
        help_text=_("The laboratory's name in the published table, when it differs (renamed)."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Row in the published table.")
    )
    value = models.FloatField(_("value"))
    uncertainty_kind = models.CharField(
        _("uncertainty given as"),
        max_length=10,
        choices=UncertaintyKind.choices,
        default=UncertaintyKind.EXPANDED,
    )
    uncertainty = models.FloatField(_("uncertainty"), help_text=_("As reported: u or U."))
    coverage_factor = models.FloatField(
        _("coverage factor k"), null=True, blank=True, help_text=_("With an expanded U.")
    )
    method = models.CharField(_("method"), max_length=200, blank=True)
    included = models.BooleanField(
        _("included in the reference value"),
        default=True,
        help_text=_("Ignored for a fixed or pilot reference, which no result enters."),
    )
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("comparison result")
        verbose_name_plural = _("comparison results")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(uncertainty__gt=0), name="comparison_result_uncertainty_positive"
            ),
            models.CheckConstraint(
                condition=Q(uncertainty_kind=UncertaintyKind.STANDARD, coverage_factor__isnull=True)
                | Q(uncertainty_kind=UncertaintyKind.EXPANDED, coverage_factor__gt=0),
                name="comparison_result_k_with_expanded",
            ),
        ]

    def __str__(self):
        return f"{self.institute.acronym} in {self.comparison}"

    def clean(self):
        errors = {}
        _finite(errors, "value", self.value)
        _finite(errors, "uncertainty", self.uncertainty, positive=True)
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
        if self.institute_id is not None:
            if not self.institute.verified:
                errors["institute"] = _("Results are entered for institutes staff verified.")
            for name in ("testbed", "service"):
                record = getattr(self, name)
                if record is not None and record.institute_id != self.institute_id:
                    errors[name] = _("Choose a testbed or service of the result's institute.")
        if errors:
            raise ValidationError(errors)

    @property
    def standard_uncertainty(self) -> float:
        """u: as given, or U/k."""
        if self.uncertainty_kind == UncertaintyKind.EXPANDED:
            return self.uncertainty / self.coverage_factor
        return self.uncertainty
