"""Outputs: interlaboratory comparisons, good-practice guides, the glossary (and, to come,
benchmarks and their results). Each kind has a module of its own in every layer package:
``models/<kind>.py``, ``services/<kind>.py``, ``selectors/<kind>.py``, ``views/<kind>.py``,
``api/<kind>.py``; the package's ``__init__`` names what callers import."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutputsConfig(AppConfig):
    name = "outputs"
    verbose_name = _("Outputs")

    def ready(self):
        # --- guides ---
        from . import changes, notifications, permissions, workflows  # noqa: F401
