"""The taxonomy: technology areas (a tree) and readiness scales with their levels."""

import uuid

from django.db import models, transaction
from django.db.models import Value
from django.db.models.functions import Concat, Lower, Substr
from django.utils.translation import gettext_lazy as _

from nmiq_portal import changes
from nmiq_portal.core.i18n import translated


class TechnologyArea(models.Model):
    """A node of the technology taxonomy (computing > superconducting > cryogenics)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=100)
    name_fr = models.CharField(_("name in French"), max_length=100, blank=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    path = models.CharField(
        _("path"),
        max_length=400,
        unique=True,
        editable=False,
        help_text=_("Slugs from the root, joined by '/': a subtree is a prefix."),
    )
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("technology area")
        verbose_name_plural = _("technology areas")
        ordering = ["path"]

    def __str__(self):
        return self.label

    def save(self, *args, **kwargs):
        """Keep the materialised path in step with the parent and the slug, and the paths of
        the sub-areas below it when it moves or changes its slug."""
        before = (
            TechnologyArea.objects.filter(pk=self.pk).values_list("path", flat=True).first()
            if self.pk
            else None
        )
        self.path = f"{self.parent.path}/{self.slug}" if self.parent_id else self.slug
        with transaction.atomic():
            super().save(*args, **kwargs)
            if before is not None and before != self.path:
                below = TechnologyArea.objects.filter(path__startswith=f"{before}/")
                moved = list(below.values_list("pk", flat=True))
                below.update(path=Concat(Value(self.path), Substr("path", len(before) + 1)))
                changes.touch(TechnologyArea, moved)

    @property
    def label(self) -> str:
        """The name in the reader's language."""
        return translated(self, "name")

    @property
    def depth(self) -> int:
        return self.path.count("/")


class ReadinessScale(models.Model):
    """A readiness scale (TRL 1-9, standardisation readiness levels); data, not code."""

    name = models.CharField(_("name"), max_length=100)
    name_fr = models.CharField(_("name in French"), max_length=100, blank=True)
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("readiness scale")
        verbose_name_plural = _("readiness scales")
        ordering = ["name"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return translated(self, "name")


class ReadinessLevel(models.Model):
    """One level of a readiness scale."""

    scale = models.ForeignKey(ReadinessScale, on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField(_("level"))
    name = models.CharField(_("name"), max_length=200)
    name_fr = models.CharField(_("name in French"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("readiness level")
        verbose_name_plural = _("readiness levels")
        ordering = ["scale", "level"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "level"], name="readiness_level_unique"),
        ]

    def __str__(self):
        return f"{self.scale.slug.upper()} {self.level} — {self.label}"

    @property
    def label(self) -> str:
        return translated(self, "name")


class KcdbLabel(models.Model):
    """A name of the KCDB's service taxonomy (a branch, a service) with its translations: the
    KCDB writes them in English only, and services store them as the KCDB wrote them (matched
    whatever the case)."""

    class Level(models.TextChoices):
        BRANCH = "branch", _("branch")
        SERVICE = "service", _("service")

    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    name = models.CharField(_("name"), max_length=200)
    name_fr = models.CharField(_("name in French"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("KCDB taxonomy label")
        verbose_name_plural = _("KCDB taxonomy labels")
        ordering = ["level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["level", "name"], name="kcdb_label_unique"),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return translated(self, "name")

    @classmethod
    def labels(cls, level: str, names) -> dict[str, str]:
        """{name: label in the reader's language} for ``names`` of one ``level``; a name with no
        row is its own label."""
        names = list(names)
        rows = cls.objects.annotate(key=Lower("name")).filter(
            level=level, key__in=[name.lower() for name in names]
        )
        labels = {row.key: row.label for row in rows}
        return {name: labels.get(name.lower(), name) for name in names}
