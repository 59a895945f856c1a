"""Load the demo data of every app (its ``demo.seed(stdout)``, in INSTALLED_APPS order, so an app
seeds after the apps it builds on) in one transaction; safe to run again."""

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string, module_has_submodule


def demo_seeders() -> list:
    """The ``seed`` function of each installed app that has a ``demo`` module."""
    return [
        import_string(f"{config.name}.demo.seed")
        for config in apps.get_app_configs()
        if module_has_submodule(config.module, "demo")
    ]


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even with DEBUG off (the demo accounts have a published password).",
        )

    @transaction.atomic
    def handle(self, *args, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "Refusing to create demo accounts with a published password while DEBUG is off; "
                "pass --allow-production if this really is a demo site."
            )
        for seed in demo_seeders():
            seed(self.stdout)
