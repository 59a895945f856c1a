"""What the home page says about the outputs: how many of each kind anyone may read."""

from django.db.models import Count, Q

from ..enums import TermStatus
from ..models import Comparison, Guide, Term


def published_counts() -> dict[str, int]:
    """Public guides, published comparisons and agreed terms (three small counts)."""
    return {
        "guides": Guide.objects.public().count(),
        "comparisons": Comparison.objects.public().count(),
        "terms": Term.objects.public().aggregate(n=Count("pk", filter=Q(status=TermStatus.AGREED)))[
            "n"
        ],
    }
