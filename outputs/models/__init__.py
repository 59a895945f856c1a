"""The outputs models, one module per kind; the names callers import."""

# --- comparisons ---
from .comparisons import Comparison, ComparisonResult
