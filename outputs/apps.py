from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutputsConfig(AppConfig):
    name = "outputs"
    verbose_name = _("Outputs")

    def ready(self):
        from . import (  # noqa: F401 - register
            changes,
            comparisons_sections,
            evidence,
            notifications,
            permissions,
            search,
            sections,
            sitemaps,
            workflows,
        )
