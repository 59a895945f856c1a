"""Glossary terms: proposed by members, agreed by the coordinators, superseded by a successor."""

import uuid

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Exists, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from capabilities.models import Institute, TechnologyArea
from collaborations.models import TechnicalWorkingArea
from nmiq_portal.core.history import history_field
from nmiq_portal.workflow.models import WorkflowModel

from ..enums import PUBLIC_TERM_STATUSES, TermStatus

#: The first letter a term is listed under: A to Z once accents are folded, else "#".
OTHER_LETTER = "#"


class TermQuerySet(models.QuerySet):
    def public(self):
        """Terms anyone may read: agreed ones, and superseded ones (shown as such)."""
        return self.filter(status__in=PUBLIC_TERM_STATUSES)

    def visible_to(self, user):
        """Public terms, plus the proposals ``user`` made and those they may decide on.

        A coordinator sees the proposals in their working areas and those of no working area
        (which any coordinator decides); staff see every term.
        """
        if not user.is_authenticated:
            return self.public()
        if user.is_staff:
            return self.all()
        coordinations = TechnicalWorkingArea.coordinators.through.objects.filter(user=user)
        reviewing = Q(status__in=(TermStatus.PROPOSED, TermStatus.REJECTED)) & (
            Q(twa__in=coordinations.values("technicalworkingarea_id"))
            | (Q(twa__isnull=True) & Exists(coordinations))
        )
        return self.filter(Q(status__in=PUBLIC_TERM_STATUSES) | Q(proposed_by=user) | reviewing)


@pghistory.track(exclude=["search_vector", "updated_at"], obj_field=history_field())
class Term(WorkflowModel):
    """A glossary entry: a term, its definition quoted from a cited source, and its status."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, editable=False)
    term = models.CharField(_("term"), max_length=200)
    letter = models.CharField(_("letter"), max_length=1, editable=False, db_index=True)
    definition = models.TextField(
        _("definition"), max_length=5000, help_text=_("Markdown, quoted from the source.")
    )
    source = models.CharField(
        _("source"),
        max_length=300,
        help_text=_("The document the definition is quoted from, e.g. JCGM 200:2012 (VIM 3)."),
    )
    clause = models.CharField(
        _("clause"), max_length=40, blank=True, help_text=_("Its clause or section, e.g. 2.26.")
    )
    source_url = models.URLField(_("source address"), blank=True)
    synonyms = ArrayField(
        models.CharField(max_length=200),
        verbose_name=_("synonyms"),
        default=list,
        blank=True,
        size=20,
    )
    abbreviation = models.CharField(_("abbreviation"), max_length=30, blank=True)
    technology_area = models.ForeignKey(
        TechnologyArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="terms",
        verbose_name=_("technology area"),
    )
    twa = models.ForeignKey(
        TechnicalWorkingArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="terms",
        verbose_name=_("technical working area"),
        help_text=_("Its coordinators decide on the term; without one, any coordinator does."),
    )
    note = models.TextField(_("note"), blank=True, max_length=2000, help_text=_("Markdown."))
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name=_("superseded by"),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="proposed_terms",
        verbose_name=_("proposed by"),
    )
    proposed_by_institute = models.ForeignKey(
        Institute,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposed_terms",
        verbose_name=_("proposing institute"),
    )
    status = FSMField(
        _("status"),
        max_length=16,
        choices=TermStatus.choices,
        default=TermStatus.PROPOSED,
        protected=True,
    )
    agreed_at = models.DateTimeField(_("agreed"), null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TermQuerySet.as_manager()

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["letter", "term", "pk"]
        indexes = [
            GinIndex(fields=["search_vector"], name="term_search"),
            models.Index(fields=["status", "agreed_at"], name="term_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=TermStatus.values), name="term_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(superseded_by=models.F("pk")), name="term_not_its_own_successor"
            ),
        ]

    def __str__(self):
        return self.term

    def get_absolute_url(self):
        return reverse("outputs:term_detail", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_TERM_STATUSES
