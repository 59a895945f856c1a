"""Atom feeds of newly published testbeds and services (what an anonymous visitor sees)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nmiq_portal.core.feeds import FEED_LENGTH, PublicFeed

from . import selectors
from .models import Service, Testbed


class _RecordFeed(PublicFeed):
    model = None

    def link(self):
        return reverse("capabilities:directory") + f"?type={self.model._meta.model_name}"

    def items(self):
        return selectors.newly_published(self.model, limit=FEED_LENGTH)

    def item_title(self, record):
        return f"{record.institute.acronym}: {record.name}"

    def item_description(self, record):
        return record.summary

    def item_pubdate(self, record):
        return record.published_at

    def item_updateddate(self, record):
        return record.updated_at

    def item_author_name(self, record):
        return record.institute.name


class NewTestbedsFeed(_RecordFeed):
    model = Testbed
    title = _("NMI-Q Portal: new testbeds")
    subtitle = _("Testbeds of the National Metrology Institutes, newest first.")


class NewServicesFeed(_RecordFeed):
    model = Service
    title = _("NMI-Q Portal: new services")
    subtitle = _("Measurement and calibration services of the institutes, newest first.")
