"""Evidence: what supports a testbed or service ("how we know")."""

import uuid

import pghistory
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nmiq_portal.core.history import history_field

from ..enums import EvidenceKind
from .records import Service, Testbed

DOI = RegexValidator(r"^10\.\d{4,9}/\S+$", _("A DOI looks like 10.1088/1681-7575/ab1234."))


class EvidenceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Evidence of the testbeds and services ``user`` may open: it shows where they do."""
        return self.filter(
            Q(testbed__in=Testbed.objects.visible_to(user))
            | Q(service__in=Service.objects.visible_to(user))
        )


#: Removal is tracked too: what once supported a record stays on file after it is withdrawn.
@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    obj_field=history_field(),
)
class Evidence(models.Model):
    """What supports a testbed or service: a comparison, a benchmark, a guide, a paper."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    testbed = models.ForeignKey(
        Testbed, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EvidenceKind.choices)
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("web address"), max_length=500, blank=True)
    doi = models.CharField(
        _("DOI"),
        max_length=200,
        blank=True,
        validators=[DOI],
        help_text=_("Without https://doi.org/, e.g. 10.1088/0026-1394/51/1A/01001."),
    )
    reference = models.CharField(
        _("reference"),
        max_length=100,
        blank=True,
        help_text=_("e.g. the comparison's KCDB identifier: CCQM-K30, EURAMET.EM.BIPM-K10.a."),
    )
    year = models.PositiveSmallIntegerField(
        _("year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["kind", "-year", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(testbed__isnull=False, service__isnull=True)
                | Q(testbed__isnull=True, service__isnull=False),
                name="evidence_one_record",
            ),
            models.CheckConstraint(
                condition=~Q(url="", doi="", reference=""),
                name="evidence_has_a_source",
                violation_error_message=_("Give a web address, a DOI or a reference."),
            ),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1900, year__lte=2100),
                name="evidence_year_plausible",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.record.get_absolute_url() + "#how-we-know"

    def clean(self):
        if not (self.url or self.doi or self.reference):
            message = _("Give a web address, a DOI or a reference.")
            raise ValidationError({"url": message, "doi": message, "reference": message})

    @property
    def record(self):
        return self.testbed or self.service

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""


def has_evidence(model) -> Exists:
    """True where a testbed or service (``model`` is either) has at least one piece of evidence."""
    return Exists(Evidence.objects.filter(**{model._meta.model_name: OuterRef("pk")}))
