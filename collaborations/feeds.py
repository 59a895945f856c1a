"""Atom feeds of newly approved projects and of new industry needs (public ones only)."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from capabilities.models import TechnologyArea
from nmiq_portal.core.feeds import FEED_LENGTH, PublicFeed
from nmiq_portal.core.markdown import render_markdown

from . import selectors


class ApprovedProjectsFeed(PublicFeed):
    title = _("NMI-Q Portal: approved projects")
    subtitle = _("Projects of the technical working areas, newest approval first.")

    def link(self):
        return reverse("collaborations:project_list")

    def items(self):
        return selectors.newly_approved(limit=FEED_LENGTH)

    def item_title(self, project):
        return f"{project.acronym}: {project.title}"

    def item_description(self, project):
        return project.summary

    def item_pubdate(self, project):
        return project.decided_at or project.created_at

    def item_updateddate(self, project):
        return project.updated_at

    def item_author_name(self, project):
        return project.lead_institute.name

    def item_categories(self, project):
        return [str(project.twa)]


class NewNeedsFeed(PublicFeed):
    """Open public industry needs, newest first; per technology area (and those below it) when
    the URL names one."""

    def get_object(self, request, area=None):
        return get_object_or_404(TechnologyArea, slug=area) if area else None

    def title(self, area):
        if area is None:
            return _("NMI-Q Portal: industry needs")
        return _("NMI-Q Portal: industry needs in %(area)s") % {"area": area.name}

    def subtitle(self, area):
        return _("Measurements industry needs, newest first.")

    def link(self, area):
        url = reverse("collaborations:need_list")
        return f"{url}?area={area.slug}" if area else url

    def items(self, area):
        return selectors.newly_posted_needs(area=area, limit=FEED_LENGTH)

    def item_title(self, need):
        return need.title

    def item_description(self, need):
        return render_markdown(need.description)

    def item_pubdate(self, need):
        return need.created_at

    def item_updateddate(self, need):
        return need.updated_at

    def item_author_name(self, need):
        return need.institute.name

    def item_categories(self, need):
        return [need.technology_area.name]
