"""Guides, comparisons and glossary terms in the sitemap (only what anyone may read)."""

from nmiq_portal.core.sitemaps import PublicSitemap, register

from .models import Comparison, Guide, Term


@register("guides")
class GuideSitemap(PublicSitemap):
    model = Guide


@register("comparisons")
class ComparisonSitemap(PublicSitemap):
    model = Comparison


@register("glossary")
class TermSitemap(PublicSitemap):
    model = Term
