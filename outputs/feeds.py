"""Atom feeds of the outputs, built from ``.public()`` only (see nmiq_portal/core/feeds.py)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nmiq_portal.core.feeds import FEED_LENGTH, PublicFeed
from nmiq_portal.core.markdown import render_markdown

from . import selectors


class AgreedTermsFeed(PublicFeed):
    """The newest agreed terms of the glossary."""

    title = _("NMI-Q Portal glossary: agreed terms")
    subtitle = _("Terms newly agreed by the coordinators of the technical working areas.")

    def link(self):
        return reverse("outputs:term_list")

    def items(self):
        return selectors.agreed_terms_for_feed(limit=FEED_LENGTH)

    def item_title(self, term):
        return term.term

    def item_description(self, term):
        return render_markdown(term.definition)

    def item_pubdate(self, term):
        return term.agreed_at

    def item_updateddate(self, term):
        return term.updated_at

    def item_categories(self, term):
        return [term.technology_area.name] if term.technology_area_id else []


class ComparisonFeed(PublicFeed):
    """The newest published interlaboratory comparisons."""

    title = _("NMI-Q Portal: published interlaboratory comparisons")
    subtitle = _("Reference values and degrees of equivalence of comparisons published here.")

    def link(self):
        return reverse("outputs:comparison_list")

    def items(self):
        return selectors.comparisons_for_feed()[:FEED_LENGTH]

    def item_title(self, comparison):
        return f"{comparison.identifier}: {comparison.measurand}"

    def item_description(self, comparison):
        return comparison.project.summary

    def item_pubdate(self, comparison):
        return comparison.published_at

    def item_updateddate(self, comparison):
        return comparison.updated_at
