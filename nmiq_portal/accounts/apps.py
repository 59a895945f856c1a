from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "nmiq_portal.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from . import data, permissions  # noqa: F401 - register
