"""Registers the outputs endpoints on the API's shared router."""

from nmiq_portal.api.routers import router  # noqa: F401 - each kind registers below
