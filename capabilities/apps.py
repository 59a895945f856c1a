from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CapabilitiesConfig(AppConfig):
    name = "capabilities"
    verbose_name = _("Capabilities")

    def ready(self):
        from . import (  # noqa: F401 - register
            changes,
            notifications,
            permissions,
            personal_data,
            sections,
            signals,
            sitemaps,
            workflows,
        )
