"""Registers the outputs endpoints on the API's shared router."""

from nmiq_portal.api.routers import router

# --- comparisons ---
from .comparisons import ComparisonViewSet

router.register("comparisons", ComparisonViewSet, basename="comparison")
