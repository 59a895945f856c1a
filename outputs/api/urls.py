"""Registers the outputs endpoints on the API's shared router."""

from nmiq_portal.api.routers import router

from .benchmarks import BenchmarkViewSet, ResultViewSet
from .comparisons import ComparisonViewSet
from .glossary import TermViewSet
from .guides import GuideViewSet
from .readiness import AssessmentViewSet, LandscapeViewSet

router.register("terms", TermViewSet, basename="term")
router.register("comparisons", ComparisonViewSet, basename="comparison")
router.register("guides", GuideViewSet, basename="guide")
router.register("benchmarks", BenchmarkViewSet, basename="benchmark")
router.register("results", ResultViewSet, basename="result")
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("landscape", LandscapeViewSet, basename="landscape")
