"""The taxonomy: technology areas (a tree) and readiness scales with their levels."""

import uuid

from django.db import models, transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from nmiq_portal import changes


class TechnologyArea(models.Model):
    """A node of the technology taxonomy (computing > superconducting > cryogenics)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=100)
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
        return self.name

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
    def depth(self) -> int:
        return self.path.count("/")


class ReadinessScale(models.Model):
    """A readiness scale (TRL 1-9, standardisation readiness levels); data, not code."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("readiness scale")
        verbose_name_plural = _("readiness scales")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ReadinessLevel(models.Model):
    """One level of a readiness scale."""

    scale = models.ForeignKey(ReadinessScale, on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField(_("level"))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("readiness level")
        verbose_name_plural = _("readiness levels")
        ordering = ["scale", "level"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "level"], name="readiness_level_unique"),
        ]

    def __str__(self):
        return f"{self.scale.slug.upper()} {self.level} — {self.name}"
