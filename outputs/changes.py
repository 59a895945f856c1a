"""The outputs' public models in the change feed and the snapshot, as the anonymous API shows
them; one block per kind."""

from nmiq_portal.changes import register

# --- comparisons ---
# Only published comparisons of public projects are written to the feed; a withdrawn one goes
# out as a delete. The representation shows the project and every result with its institute, so
# a change of any of these records the comparison too. A draft's edits record nothing.
from . import selectors
from .api.comparisons import ComparisonSerializer
from .models import Comparison

register(
    "comparison",
    Comparison,
    queryset=selectors.comparisons_for_api,
    serializer_class=ComparisonSerializer,
    public=Comparison.objects.public,
    depends=("project", "results", "results__institute"),
)
