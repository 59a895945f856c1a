"""Collaborations: technical working areas, project proposals and their review, participation."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollaborationsConfig(AppConfig):
    name = "collaborations"
    verbose_name = _("Collaborations")

    def ready(self):
        from . import (  # noqa: F401 - register
            changes,
            notifications,
            permissions,
            personal_data,
            search,
            sections,
            sitemaps,
            workflows,
        )
