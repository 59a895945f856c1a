"""Atom feeds of what anyone may read.

An app's feed subclasses ``PublicFeed`` and returns, from ``items()``, a selector that starts from
``.public()``: a feed is read without a session, so it never shows more than an anonymous visitor
sees. Entries are identified by the object's UUID, so a renamed record is not a new entry.
"""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

#: How many of the newest entries a feed carries.
FEED_LENGTH = 50


class PublicFeed(Feed):
    feed_type = Atom1Feed

    def item_guid(self, item) -> str:
        return f"urn:uuid:{item.uuid}"

    item_guid_is_permalink = False
