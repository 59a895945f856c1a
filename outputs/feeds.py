"""Atom feeds of the outputs, built from public records only."""

from django.contrib.syndication.views import Feed
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from nmiq_portal.core.markdown import render_markdown

# --- glossary ---
from .selectors import agreed_terms_for_feed


class AgreedTermsFeed(Feed):
    """The newest agreed terms of the glossary."""

    feed_type = Atom1Feed
    title = _("NMI-Q Portal glossary: agreed terms")
    subtitle = _("Terms newly agreed by the coordinators of the technical working areas.")
    link = reverse_lazy("outputs:term_list")

    def feed_url(self):
        return reverse("outputs:term_feed")

    def items(self):
        return agreed_terms_for_feed()

    def item_title(self, term):
        return term.term

    def item_description(self, term):
        return render_markdown(term.definition)

    def item_link(self, term):
        return term.get_absolute_url()

    def item_guid(self, term):
        return f"urn:uuid:{term.uuid}"

    item_guid_is_permalink = False

    def item_pubdate(self, term):
        return term.agreed_at

    def item_updateddate(self, term):
        return term.updated_at

    def item_categories(self, term):
        return [term.technology_area.name] if term.technology_area_id else []
