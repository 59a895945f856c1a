"""The one router of /api/v1/; each app registers its viewsets on it in its api/urls.py."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()
