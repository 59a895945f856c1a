"""Registers the outputs endpoints on the API's shared router."""

from nmiq_portal.api.routers import router

# --- glossary ---
from .glossary import TermViewSet

router.register("terms", TermViewSet, basename="term")
