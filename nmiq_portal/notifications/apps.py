from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "nmiq_portal.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from . import data, permissions  # noqa: F401 - register
        from .selectors import register_facts

        register_facts()
