"""Guides, comparisons, benchmarks, their results and glossary terms in the sitemap (only what
anyone may read)."""

from nmiq_portal.core.sitemaps import PublicSitemap, register

from .models import Benchmark, BenchmarkResult, Comparison, Guide, Term


@register("guides")
class GuideSitemap(PublicSitemap):
    model = Guide


@register("comparisons")
class ComparisonSitemap(PublicSitemap):
    model = Comparison


@register("glossary")
class TermSitemap(PublicSitemap):
    model = Term


@register("benchmarks")
class BenchmarkSitemap(PublicSitemap):
    model = Benchmark


@register("benchmark-results")
class BenchmarkResultSitemap(PublicSitemap):
    """A result's page is under its benchmark's slug (a result has none of its own)."""

    model = BenchmarkResult

    def items(self):
        return (
            BenchmarkResult.objects.public()
            .select_related("benchmark")
            .only("pk", "uuid", "updated_at", "benchmark__slug")
            .order_by("-updated_at", "pk")
        )
