"""The Celery app: configured from Django settings (CELERY_*), tasks from each tasks.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nmiq_portal.settings")

app = Celery("nmiq_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
