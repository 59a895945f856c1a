from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutputsConfig(AppConfig):
    name = "outputs"
    verbose_name = _("Outputs")

    def ready(self):
        # --- glossary ---
        from . import changes, notifications, permissions, workflows  # noqa: F401 - register
