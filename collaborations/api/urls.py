"""Registers the collaborations endpoints on the API's shared router."""

from nmiq_portal.api.routers import router

from .views import ProjectViewSet, TWAViewSet

router.register("twas", TWAViewSet, basename="twa")
router.register("projects", ProjectViewSet, basename="project")
