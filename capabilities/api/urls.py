"""Registers the capabilities endpoints on the API's shared router."""

from nmiq_portal.api.routers import router

from .views import InstituteViewSet

router.register("institutes", InstituteViewSet, basename="institute")
