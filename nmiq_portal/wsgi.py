"""WSGI entry point, served by gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nmiq_portal.settings")
# A web process: its database sessions get the request time limits (settings.py).
os.environ.setdefault("NMIQ_PROCESS", "web")

application = get_wsgi_application()
