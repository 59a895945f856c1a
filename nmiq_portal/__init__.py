"""The NMI-Q Portal site: settings, URLs, the Celery app and the pieces every app uses."""

from .celery import app as celery_app

__all__ = ["celery_app"]
