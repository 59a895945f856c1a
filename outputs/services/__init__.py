"""The outputs services, one module per kind; the names callers import."""

# --- comparisons ---
from .comparisons import (
    comparison_create,
    comparison_transition,
    comparison_update,
    result_add,
    result_remove,
    result_update,
)
