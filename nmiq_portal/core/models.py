from django.db import models
from django.utils.translation import gettext_lazy as _


class FormerSlug(models.Model):
    """A provisional slug a row gave up (``core.slugs``): its old links lead to ``slug``."""

    model = models.CharField(_("model"), max_length=100)
    former = models.SlugField(_("former slug"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("former slug")
        verbose_name_plural = _("former slugs")

    def __str__(self):
        return f"{self.former} → {self.slug}"
