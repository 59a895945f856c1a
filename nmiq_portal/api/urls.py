"""/api/v1/: the shared router, after each installed app's api.urls has registered on it."""

from django.urls import include, path
from django.utils.module_loading import autodiscover_modules

from .routers import router

autodiscover_modules("api.urls")

urlpatterns = [path("", include(router.urls))]
