"""The outputs selectors, one module per kind; the names callers import."""

# --- comparisons ---
from .comparisons import (
    comparison_for_page,
    comparison_list,
    comparison_rows,
    comparisons_for_api,
    comparisons_for_feed,
    record_equivalences,
)
