"""Registers the outputs endpoints on the API's shared router."""

from nmiq_portal.api.routers import router

from .comparisons import ComparisonViewSet
from .glossary import TermViewSet
from .guides import GuideViewSet

router.register("terms", TermViewSet, basename="term")
router.register("comparisons", ComparisonViewSet, basename="comparison")
router.register("guides", GuideViewSet, basename="guide")
