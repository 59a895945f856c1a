"""Registers the outputs endpoints on the API's shared router."""

from nmiq_portal.api.routers import router

# --- guides ---
from .guides import GuideViewSet

router.register("guides", GuideViewSet, basename="guide")
