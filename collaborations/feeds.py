"""An Atom feed of newly approved projects (public ones only)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nmiq_portal.core.feeds import FEED_LENGTH, PublicFeed

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
