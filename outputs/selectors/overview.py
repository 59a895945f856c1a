"""What the home page says about the outputs: how many of each kind anyone may read."""

from django.db.models import Count, Q

from ..enums import TermStatus
from ..models import BenchmarkResult, Comparison, Guide, Term


def published_counts() -> dict[str, int]:
    """Public guides, published comparisons and results, and agreed terms (small counts)."""
    return {
        "guides": Guide.objects.public().count(),
        "comparisons": Comparison.objects.public().count(),
        "results": BenchmarkResult.objects.public().count(),
        "terms": Term.objects.public().aggregate(n=Count("pk", filter=Q(status=TermStatus.AGREED)))[
            "n"
        ],
    }
