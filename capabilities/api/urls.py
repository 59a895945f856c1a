"""Registers the capabilities endpoints on the API's shared router."""

from nmiq_portal.api.routers import router

from .views import (
    ContactViewSet,
    InstituteViewSet,
    ServiceViewSet,
    TechnologyAreaViewSet,
    TestbedViewSet,
)

router.register("institutes", InstituteViewSet, basename="institute")
router.register("testbeds", TestbedViewSet, basename="testbed")
router.register("services", ServiceViewSet, basename="service")
router.register("contacts", ContactViewSet, basename="contact")
router.register("technology-areas", TechnologyAreaViewSet, basename="technology-area")
