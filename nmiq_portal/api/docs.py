"""/api/docs/: the portal's own page around Swagger UI, with a quick start for developers."""

from django.conf import settings
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI (from drf-spectacular's sidecar, served as our static files) inside a portal
    page: its language, its menu back to the portal, and a quick start before the reference."""

    template_name = "api/docs.html"
    url_name = "api-schema"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if request.GET.get("script") is None:  # the page, not Swagger UI's start-up script
            rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
            response.data.update(
                api_root=request.build_absolute_uri("/api/v1/"),
                anonymous_rate=rates["anon"],
                token_rate=rates["token"],
                page_size=settings.REST_FRAMEWORK["PAGE_SIZE"],
            )
        return response
