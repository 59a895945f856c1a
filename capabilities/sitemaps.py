"""The directory's pages in the sitemap: verified institutes, public testbeds and services."""

from nmiq_portal.core.sitemaps import PublicSitemap, register

from .models import Institute, Service, Testbed


@register("institutes")
class InstituteSitemap(PublicSitemap):
    model = Institute


@register("testbeds")
class TestbedSitemap(PublicSitemap):
    model = Testbed


@register("services")
class ServiceSitemap(PublicSitemap):
    model = Service
