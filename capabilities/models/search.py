"""What the directory search knows of language beside the records: the synonym groups staff
keep, and the words the public records use."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchSynonym(models.Model):
    """Words and phrases a search treats as one: an abbreviation and what it stands for, or
    spellings the rules do not know (aluminium, aluminum)."""

    terms = ArrayField(
        models.CharField(max_length=200),
        verbose_name=_("terms"),
        help_text=_(
            "Each term on its own, separated by commas: SPD, single-photon detector. A search "
            "for any of them finds every one."
        ),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("search synonym group")
        verbose_name_plural = _("search synonym groups")
        ordering = ["id"]

    def __str__(self):
        return ", ".join(self.terms)


class SearchWord(models.Model):
    """A word of the public records' indexed text, with how many records use it: what "did
    you mean" suggests from (never a word of a draft or hidden record)."""

    word = models.CharField(max_length=100, primary_key=True)
    records = models.PositiveIntegerField()

    class Meta:
        indexes = [GinIndex(OpClass("word", name="gin_trgm_ops"), name="search_word_trgm")]

    def __str__(self):
        return self.word
