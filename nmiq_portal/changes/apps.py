from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ChangesConfig(AppConfig):
    name = "nmiq_portal.changes"
    label = "changes"
    verbose_name = _("Change feed")

    def ready(self):
        from .capture import backfill_after_migrate

        post_migrate.connect(backfill_after_migrate, sender=self, dispatch_uid="changes.backfill")
