"""Atom feeds of the outputs, built from public data only."""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

# --- guides ---
from .selectors.guides import published_versions_for_feed


class GuideVersionFeed(Feed):
    """Versions of good-practice guides, the most recently published first."""

    feed_type = Atom1Feed
    title = _("NMI-Q good-practice guides: new versions")
    subtitle = _("Versions of good-practice guides as they are published on the NMI-Q Portal.")
    link = reverse_lazy("outputs:guide_list")

    def items(self):
        return published_versions_for_feed()

    def item_title(self, item):
        return _("%(guide)s, version %(number)s") % {
            "guide": item.guide.title,
            "number": item.number,
        }

    def item_description(self, item):
        return item.change_notes or item.guide.summary

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return f"urn:uuid:{item.uuid}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at

    def item_author_name(self, item):
        return ", ".join(i.acronym for i in item.guide.institutes.all())
