"""`/sitemap.xml` and `/robots.txt`: the index of what search engines may crawl.

The core names no app: an app registers a ``Sitemap`` per kind of page (``@register("testbeds")``
on a ``PublicSitemap``) whose ``items()`` start from the model's ``.public()``, the one door for
reads of public data, so no draft, members-only or retired record is ever listed. The index at
``/sitemap.xml`` points to one paged sitemap per kind (50,000 URLs a page), so it stays small
whatever the size of the directory. Nothing is cached: a record hidden a moment ago is not
listed a moment later.
"""

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

_sitemaps: dict[str, type[Sitemap]] = {}


def register(key: str):
    """Class decorator: list ``key``'s pages in the sitemap."""

    def add(sitemap: type[Sitemap]) -> type[Sitemap]:
        _sitemaps[key] = sitemap
        return sitemap

    return add


def registered() -> dict[str, type[Sitemap]]:
    return dict(sorted(_sitemaps.items()))


class PublicSitemap(Sitemap):
    """A sitemap of ``model.objects.public()``, newest change first, dated by ``updated_at``."""

    model = None

    def items(self):
        return (
            self.model.objects.public()
            .only("pk", "slug", "updated_at")
            .order_by("-updated_at", "pk")
        )

    def lastmod(self, obj):
        return obj.updated_at


@require_GET
def index(request):
    return sitemap_views.index(request, registered(), sitemap_url_name="sitemap-section")


@require_GET
def section(request, section):
    return sitemap_views.sitemap(request, registered(), section=section)


@require_GET
def robots(request):
    """Crawl the public pages; leave accounts, the admin, the API and per-user pages alone."""
    lines = [
        "User-agent: *",
        "Disallow: /accounts/",
        "Disallow: /admin/",
        "Disallow: /api/",
        "Disallow: /notifications/",
        "Disallow: /review/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
