"""Evidence: what supports a testbed or service ("how we know").

An item points outward (a web address, a DOI, a reference) or at an output of the portal itself:
a published guide version, benchmark result or comparison. Capabilities knows no output model;
an app registers the kinds of its own that may be cited (``register_output``), and an item whose
output is not public now (a comparison taken back to draft, say) is not shown through any door:
the default manager leaves it out, so every page, export, API response and feed that reads a
record's evidence reads the same filtered set.
"""

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pghistory
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nmiq_portal.core.history import history_field

from ..enums import EvidenceKind
from .records import Service, Testbed

DOI = RegexValidator(r"^10\.\d{4,9}/\S+$", _("A DOI looks like 10.1088/1681-7575/ab1234."))


@dataclass(frozen=True)
class CitableOutput:
    """A kind of portal output that may be cited as evidence, as its app registered it."""

    model: type[models.Model]
    kind: str
    #: The institutes whose testbeds and services may cite an output: those that made it.
    institutes: Callable[[models.Model], Iterable]
    #: What a citation's link needs fetched with the output (e.g. a guide version's guide).
    related: tuple[str, ...] = ()
    #: The title a citation carries (the output's ``str`` unless the app says otherwise).
    title: Callable[[models.Model], str] = str


_CITABLE: dict[type[models.Model], CitableOutput] = {}


def register_output(model, *, kind: str, institutes, related=(), title=str) -> None:
    """Let published ``model`` objects be cited as evidence; ``model.objects.public()`` must
    exist and is what decides whether a citation shows."""
    _CITABLE[model] = CitableOutput(model, kind, institutes, related, title)


def citable(output: models.Model) -> CitableOutput | None:
    return _CITABLE.get(type(output))


def _shown() -> Q:
    """Items that point outward, or at an output that is public now."""
    shown = Q(output_type__isnull=True)
    for model in _CITABLE:
        shown |= Q(  # by name, so building the queryset reads nothing from the database
            output_type__app_label=model._meta.app_label,
            output_type__model=model._meta.model_name,
            output_id__in=model.objects.public().values("pk"),
        )
    return shown


class EvidenceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Evidence of the testbeds and services ``user`` may open: it shows where they do."""
        return self.filter(
            Q(testbed__in=Testbed.objects.visible_to(user))
            | Q(service__in=Service.objects.visible_to(user))
        )


class ShownEvidenceManager(models.Manager.from_queryset(EvidenceQuerySet)):
    """The default manager, ``record.evidence.all()`` too: hidden outputs' citations left out."""

    def get_queryset(self):
        return super().get_queryset().filter(_shown())


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
    output_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, editable=False
    )
    output_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    output = GenericForeignKey("output_type", "output_id")
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    #: Bumped by every edit, so an edit made on a stale copy is refused (``lock_version``).
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ShownEvidenceManager()
    all_objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["kind", "-year", "title", "pk"]
        base_manager_name = "all_objects"
        constraints = [
            models.CheckConstraint(
                condition=Q(testbed__isnull=False, service__isnull=True)
                | Q(testbed__isnull=True, service__isnull=False),
                name="evidence_one_record",
            ),
            models.CheckConstraint(
                condition=Q(output_type__isnull=True, output_id__isnull=True)
                | Q(output_type__isnull=False, output_id__isnull=False),
                name="evidence_output_whole",
            ),
            models.UniqueConstraint(
                fields=["testbed", "output_type", "output_id"],
                condition=Q(output_id__isnull=False),
                name="evidence_output_once_per_testbed",
                violation_error_message=_("This record already cites that output."),
            ),
            models.UniqueConstraint(
                fields=["service", "output_type", "output_id"],
                condition=Q(output_id__isnull=False),
                name="evidence_output_once_per_service",
                violation_error_message=_("This record already cites that output."),
            ),
            models.CheckConstraint(
                condition=~Q(url="", doi="", reference="") | Q(output_id__isnull=False),
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
        if not (self.url or self.doi or self.reference or self.output_id):
            message = _("Give a web address, a DOI or a reference.")
            raise ValidationError({"url": message, "doi": message, "reference": message})

    @property
    def record(self):
        return self.testbed or self.service

    @property
    def link(self) -> str:
        """Where the item's title leads: the portal output's page, else its address or DOI."""
        if self.output_id:
            return self.output.get_absolute_url()
        return self.url or self.doi_url

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""


def evidence_prefetch(lookup: str = "evidence", *, to_attr: str | None = None) -> Prefetch:
    """A record's evidence with the portal outputs it cites, one query per kind of output (as a
    list in ``to_attr`` when given)."""
    queryset = Evidence.objects.all()
    if _CITABLE:
        outputs = [c.model.objects.select_related(*c.related) for c in _CITABLE.values()]
        queryset = queryset.prefetch_related(GenericPrefetch("output", outputs))
    return Prefetch(lookup, queryset=queryset, to_attr=to_attr)


def has_evidence(model) -> Exists:
    """True where a testbed or service (``model`` is either) has at least one piece of evidence."""
    return Exists(Evidence.objects.filter(**{model._meta.model_name: OuterRef("pk")}))
