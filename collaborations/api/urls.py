"""Registers the collaborations endpoints on the API's shared router."""

from nmiq_portal.api.routers import router

from .views import IndustryNeedViewSet, ProjectViewSet, TWAViewSet

router.register("twas", TWAViewSet, basename="twa")
router.register("projects", ProjectViewSet, basename="project")
router.register("needs", IndustryNeedViewSet, basename="need")
