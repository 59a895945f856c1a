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


# --- guides ---


class GuideVersionFeed(PublicFeed):
    """Versions of good-practice guides, the most recently published first."""

    title = _("NMI-Q good-practice guides: new versions")
    subtitle = _("Versions of good-practice guides as they are published on the NMI-Q Portal.")

    def link(self):
        return reverse("outputs:guide_list")

    def items(self):
        return selectors.published_versions_for_feed(limit=FEED_LENGTH)

    def item_title(self, item):
        return _("%(guide)s, version %(number)s") % {
            "guide": item.guide.title,
            "number": item.number,
        }

    def item_description(self, item):
        return item.change_notes or item.guide.summary

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at

    def item_author_name(self, item):
        return ", ".join(i.acronym for i in item.guide.institutes.all())


# --- benchmarks ---


class BenchmarkResultFeed(PublicFeed):
    """Benchmark results, the most recently published first."""

    title = _("NMI-Q Portal: published benchmark results")
    subtitle = _("Results of benchmarks, each with its uncertainty, as they are published.")

    def link(self):
        return reverse("outputs:benchmark_list")

    def items(self):
        return selectors.published_results_for_feed(limit=FEED_LENGTH)

    def item_title(self, result):
        return _("%(benchmark)s on %(platform)s: %(value)g %(unit)s") % {
            "benchmark": result.benchmark.name,
            "platform": result.platform,
            "value": result.value,
            "unit": result.benchmark.unit,
        }

    def item_description(self, result):
        return _("Measured on %(date)s by %(institute)s. %(method)s") % {
            "date": result.measured_on.isoformat(),
            "institute": result.institute.acronym,
            "method": result.method,
        }

    def item_pubdate(self, result):
        return result.published_at

    def item_updateddate(self, result):
        return result.updated_at

    def item_author_name(self, result):
        return result.institute.acronym
