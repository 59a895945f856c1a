"""Working areas and public projects in the sitemap."""

from nmiq_portal.core.sitemaps import PublicSitemap, register

from .models import Project, TechnicalWorkingArea


@register("working-areas")
class WorkingAreaSitemap(PublicSitemap):
    model = TechnicalWorkingArea


@register("projects")
class ProjectSitemap(PublicSitemap):
    model = Project
