"""Good-practice guides and their versions (a PDF each, reviewed before it is published)."""

import re
import uuid

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from capabilities.models import Institute, Membership, TechnologyArea
from collaborations.models import Project, TechnicalWorkingArea
from nmiq_portal.core.history import history_field
from nmiq_portal.workflow.models import WorkflowModel

from ..enums import PUBLIC_GUIDE_VERSION_STATUSES, GuideVersionStatus

#: MAJOR.MINOR.PATCH as semver.org writes it, without pre-release or build parts.
SEMVER = re.compile(r"^(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})$")


def _institutes_of(user):
    return Membership.objects.filter(user=user).values("institute_id")


def _coordinated_twas(user):
    return TechnicalWorkingArea.coordinators.through.objects.filter(user=user).values(
        "technicalworkingarea_id"
    )


class GuideQuerySet(models.QuerySet):
    def public(self):
        """Guides with at least one version anyone may see."""
        return self.filter(
            Exists(
                GuideVersion.objects.filter(
                    guide=OuterRef("pk"), status__in=PUBLIC_GUIDE_VERSION_STATUSES
                )
            )
        )

    def visible_to(self, user):
        """Public guides, plus those an institute of ``user`` writes and those with a version
        ``user`` may see (staff see all)."""
        if not user.is_authenticated:
            return self.public()
        if user.is_staff:
            return self.all()
        return self.filter(
            Exists(GuideVersion.objects.visible_to(user).filter(guide=OuterRef("pk")))
            | Exists(
                Guide.institutes.through.objects.filter(
                    guide=OuterRef("pk"), institute__in=_institutes_of(user)
                )
            )
        )


@pghistory.track(exclude=["updated_at"], obj_field=history_field())
class Guide(models.Model):
    """A good-practice guide written by institutes in a working area (or a project of one)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=2000)
    twa = models.ForeignKey(
        TechnicalWorkingArea,
        on_delete=models.PROTECT,
        related_name="guides",
        verbose_name=_("technical working area"),
        help_text=_("Its coordinators review the versions."),
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="guides",
        verbose_name=_("project"),
        help_text=_("The project the guide comes from, if any (a public project of the area)."),
    )
    institutes = models.ManyToManyField(
        Institute, related_name="guides", verbose_name=_("authoring institutes")
    )
    technology_areas = models.ManyToManyField(
        TechnologyArea, blank=True, related_name="guides", verbose_name=_("technology areas")
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

    objects = GuideQuerySet.as_manager()

    class Meta:
        verbose_name = _("good-practice guide")
        verbose_name_plural = _("good-practice guides")
        ordering = ["title", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("outputs:guide_detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.project_id and self.twa_id and self.project.twa_id != self.twa_id:
            raise ValidationError(
                {"project": _("The project belongs to another technical working area.")}
            )


def guide_file_name(instance, filename: str) -> str:
    """An unguessable storage name: never the uploader's file name."""
    return f"guides/{uuid.uuid4().hex}.pdf"


class GuideVersionQuerySet(models.QuerySet):
    def public(self):
        """Versions anyone may see: published, superseded or withdrawn."""
        return self.filter(status__in=PUBLIC_GUIDE_VERSION_STATUSES)

    def visible_to(self, user):
        """Public versions, plus drafts and versions in review for their authors, and versions
        in review for the coordinators of the guide's area whose institutes did not write it
        (staff see all). Other members of the authoring institutes do not see a draft."""
        if not user.is_authenticated:
            return self.public()
        if user.is_staff:
            return self.all()
        conflicted = Guide.institutes.through.objects.filter(
            guide=OuterRef("guide_id"), institute__in=_institutes_of(user)
        )
        return self.filter(
            Q(status__in=PUBLIC_GUIDE_VERSION_STATUSES)
            | Exists(
                GuideVersion.authors.through.objects.filter(guideversion=OuterRef("pk"), user=user)
            )
            | (
                Q(status=GuideVersionStatus.IN_REVIEW)
                & Q(guide__twa__in=_coordinated_twas(user))
                & ~Exists(conflicted)
            )
        )


@pghistory.track(exclude=["updated_at"], obj_field=history_field())
class GuideVersion(WorkflowModel):
    """One version of a guide: its PDF, what changed, who wrote it; reviewed, then published."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="versions")
    number = models.CharField(
        _("version"),
        max_length=20,
        validators=[
            RegexValidator(SEMVER, _("Write a semantic version: MAJOR.MINOR.PATCH, e.g. 1.2.0."))
        ],
        help_text=_("Semantic version: MAJOR.MINOR.PATCH, e.g. 1.2.0."),
    )
    major = models.PositiveIntegerField(editable=False, default=0)
    minor = models.PositiveIntegerField(editable=False, default=0)
    patch = models.PositiveIntegerField(editable=False, default=0)
    file = models.FileField(_("PDF file"), upload_to=guide_file_name, max_length=200)
    original_name = models.CharField(_("file name"), max_length=120, editable=False)
    size = models.PositiveBigIntegerField(_("size (bytes)"), editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    page_count = models.PositiveIntegerField(_("pages"), editable=False)
    change_notes = models.TextField(
        _("change notes"), max_length=10000, blank=True, help_text=_("Markdown.")
    )
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="guide_versions", verbose_name=_("authors")
    )
    status = FSMField(
        _("status"),
        max_length=20,
        choices=GuideVersionStatus.choices,
        default=GuideVersionStatus.DRAFT,
        protected=True,
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    withdrawal_reason = models.TextField(
        _("reason for withdrawal"), blank=True, max_length=4000, editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = GuideVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("guide version")
        verbose_name_plural = _("guide versions")
        ordering = ["guide", "-major", "-minor", "-patch"]
        constraints = [
            models.UniqueConstraint(
                fields=["guide", "major", "minor", "patch"],
                name="guide_version_unique",
                violation_error_message=_("This guide already has this version."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=GuideVersionStatus.values),
                name="guide_version_status_known",
            ),
        ]

    def __str__(self):
        return f"{self.guide} {self.number}"

    def get_absolute_url(self):
        return reverse(
            "outputs:guide_version", kwargs={"slug": self.guide.slug, "number": self.number}
        )

    def get_file_url(self):
        return reverse(
            "outputs:guide_version_file", kwargs={"slug": self.guide.slug, "number": self.number}
        )

    @property
    def key(self) -> tuple[int, int, int]:
        return (self.major, self.minor, self.patch)

    def clean_fields(self, exclude=None):
        super().clean_fields(exclude=exclude)
        match = SEMVER.match(self.number or "")
        if match:
            self.major, self.minor, self.patch = (int(part) for part in match.groups())
