"""The site's URLs: pages, accounts, the API and its documentation, health."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from nmiq_portal.api.docs import ApiDocsView
from nmiq_portal.core import sitemaps
from nmiq_portal.core import views as core_views

admin.site.site_header = "NMI-Q Portal"
admin.site.site_title = "NMI-Q Portal"

urlpatterns = [
    path("", core_views.home_page, name="home"),
    path("work/", core_views.my_work, name="my_work"),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("robots.txt", sitemaps.robots, name="robots"),
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.section, name="sitemap-section"),
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("nmiq_portal.accounts.urls")),
    path("notifications/", include("nmiq_portal.notifications.urls")),
    path("api/v1/", include("nmiq_portal.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        # Swagger UI sets inline styles; scripts stay 'self' only.
        csp_update({"style-src": [UNSAFE_INLINE]})(ApiDocsView.as_view()),
        name="api-docs",
    ),
    path("admin/", admin.site.urls),
    path("", include("capabilities.urls")),
    path("", include("collaborations.urls")),
    path("", include("outputs.urls")),
]

handler400 = core_views.bad_request
handler404 = core_views.not_found
handler500 = core_views.error
