"""The core's registry of search kinds: one call makes a kind found and counted by the
directory's search, with the visibility its search starts from; no app's code changes."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import F
from django.urls import reverse

from capabilities import search, selectors
from capabilities.models import Contact
from nmiq_portal.core import search as core_search
from nmiq_portal.core.search import SearchKind, SearchResult
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

ANYONE = AnonymousUser()


def _contacts_found(text, user):
    contacts = Contact.objects.visible_to(user).annotate(title=F("name"))
    return search.matching(
        contacts, text, search.columns_vector({"A": ["name"], "B": ["function"]})
    )


def _contact_results(matches, text):
    return {
        contact.pk: SearchResult(
            title=contact.name, url=f"/c/{contact.uuid}/", details=contact.function
        )
        for contact in matches
    }


@pytest.fixture
def contacts(monkeypatch):
    """Contacts registered as a kind of their own, for this test only."""
    monkeypatch.setattr(core_search, "_kinds", dict(core_search._kinds))
    core_search.register(
        SearchKind(
            key="contact",
            label="Contact",
            search=_contacts_found,
            results=_contact_results,
            order=1,
        )
    )
    ContactFactory(name="Adaline Quiller", function="Zeptosecond timing lead")
    ContactFactory(name="Adaline Hidden", published=False)


def test_kinds_are_listed_in_their_order(contacts):
    keys = [kind.key for kind in core_search.registered()]
    assert keys[0] == "contact"
    assert keys == sorted(keys, key=lambda key: (core_search.kind_of(key).order, key))


def test_one_registration_makes_a_kind_found_counted_and_shown(client, contacts):
    search_ = selectors.site_search(user=ANYONE, params={"q": ["adaline"]})
    assert [(row[0], row[2]) for row in search_.rows] == [("contact", "Adaline Quiller")]
    types = next(facet for facet in search_.facets if facet.key == "type")
    assert [(value.value, value.count) for value in types.values] == [("contact", 1)]
    html = client.get(reverse("capabilities:directory"), {"q": "adaline"}).content.decode()
    assert 'data-type="contact"' in html
    assert "Zeptosecond timing lead" in html
    assert "Adaline Hidden" not in html


def test_a_page_leaves_out_what_is_no_longer_found_and_kinds_not_registered(contacts):
    rows = core_search.found_rows(
        core_search.kind_of("contact"), text="adaline quiller", user=ANYONE
    )
    (row,) = rows
    assert row[:3] == ("contact", row[1], "Adaline Quiller")
    Contact.objects.filter(pk=row[1]).update(published=False)
    assert (
        core_search.page_results(
            [row, ("testbed", 1, "x", 0.0, None)], text="adaline quiller", user=ANYONE
        )
        == {}
    )
