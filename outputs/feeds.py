"""Atom feeds of the outputs, built from ``.public()`` only; one block per kind."""

from django.contrib.syndication.views import Feed
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from . import selectors

# --- comparisons ---


class ComparisonFeed(Feed):
    """The newest published interlaboratory comparisons."""

    feed_type = Atom1Feed
    title = _("NMI-Q Portal: published interlaboratory comparisons")
    subtitle = _("Reference values and degrees of equivalence of comparisons published here.")
    link = reverse_lazy("outputs:comparison_list")

    def items(self):
        return selectors.comparisons_for_feed()[:50]

    def item_title(self, comparison):
        return f"{comparison.identifier}: {comparison.measurand}"

    def item_description(self, comparison):
        return comparison.project.summary

    def item_link(self, comparison):
        return reverse("outputs:comparison_detail", kwargs={"slug": comparison.slug})

    def item_guid(self, comparison):
        return f"urn:uuid:{comparison.uuid}"

    item_guid_is_permalink = False

    def item_pubdate(self, comparison):
        return comparison.published_at

    def item_updateddate(self, comparison):
        return comparison.updated_at
