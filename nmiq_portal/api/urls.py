"""/api/v1/: the shared router, after each installed app's api.urls has registered on it."""

from django.urls import include, path
from django.utils.module_loading import autodiscover_modules

from nmiq_portal.changes.views import ChangesView, SnapshotView

from .routers import router

autodiscover_modules("api.urls")

urlpatterns = [
    path("changes/", ChangesView.as_view(), name="changes-list"),
    path("snapshot/", SnapshotView.as_view(), name="snapshot"),
    path("", include(router.urls)),
]
