"""Reads of the glossary: the terms each person may see, the A to Z, the review list, timelines."""

import re

from django.db.models import F, Q, Value
from django.db.models.functions import Lower

from capabilities import search
from capabilities.search import Unaccent
from nmiq_portal.core.search import SearchResult
from nmiq_portal.workflow import events_for

from ..enums import TermStatus
from ..models import Term
from ..models.glossary import OTHER_LETTER
from ..permissions import coordinates_any, is_term_conflicted

#: The A to Z bar, in order; terms that start with no letter come last.
LETTERS = (*"ABCDEFGHIJKLMNOPQRSTUVWXYZ", OTHER_LETTER)


def _alphabetical(queryset):
    return queryset.order_by("letter", Unaccent(Lower("term")), "pk")


def term_list(*, user):
    """Terms ``user`` may see, with what the glossary page shows, A to Z."""
    return _alphabetical(
        Term.objects.visible_to(user).select_related("technology_area", "superseded_by")
    )


def term_for_page(*, user):
    """Terms ``user`` may open, with what their page shows fetched up front."""
    return Term.objects.visible_to(user).select_related(
        "technology_area",
        "twa",
        "superseded_by",
        "proposed_by",
        "proposed_by_institute",
    )


def letters_in_use(queryset) -> set[str]:
    """The letters under which ``queryset`` has terms (one query)."""
    return set(queryset.order_by().values_list("letter", flat=True).distinct())


def term_supersedes(*, user, term: Term) -> list[Term]:
    """The terms ``user`` may see that ``term`` superseded."""
    return list(_alphabetical(Term.objects.visible_to(user).filter(superseded_by=term)))


def term_timeline(*, term: Term):
    """Every move of ``term``, oldest first, with who made it."""
    return list(events_for(term))


def successor_choices(*, term: Term):
    """The agreed terms that may supersede ``term``."""
    return _alphabetical(Term.objects.filter(status=TermStatus.AGREED).exclude(pk=term.pk))


def review_list(*, user) -> list[Term]:
    """The proposals ``user`` may decide on (never one they or their institute proposed)."""
    if not user.is_authenticated or not (user.is_staff or coordinates_any(user)):
        return []
    proposals = (
        Term.objects.visible_to(user)
        .filter(status=TermStatus.PROPOSED)
        .select_related("proposed_by", "proposed_by_institute", "twa", "technology_area")
        .order_by("created_at", "pk")
    )
    return [term for term in proposals if not is_term_conflicted(user, term)]


def terms_for_api(*, user):
    """The terms ``user`` may see as the API shows them (the change feed and the snapshot call
    it with an anonymous user)."""
    return (
        Term.objects.visible_to(user).select_related("technology_area", "twa", "superseded_by")
    ).order_by("letter", Unaccent(Lower("term")), "pk")


def agreed_terms_for_feed(*, limit: int = 50):
    """The newest agreed terms, for the Atom feed (public by construction)."""
    return (
        Term.objects.public()
        .filter(status=TermStatus.AGREED)
        .select_related("technology_area")
        .order_by("-agreed_at", "-pk")[:limit]
    )


def search_terms(queryset, text: str):
    """Terms whose name, synonyms, abbreviation, definition or note match ``text`` (full-text,
    accents folded, websearch-like syntax, the last word a prefix); one plain word also finds
    the abbreviation it spells exactly, whatever the text search makes of it (a stop word)."""
    text = (text or "").strip()
    if not text:
        return queryset
    raw = search.tsquery(text)
    if raw is None:
        return queryset.none()
    matches = Q(search_vector=search.search_query(raw))
    if search.is_plain(text) and len(re.findall(r"\S+", text)) == 1:
        folded = search.Unaccent(Lower(Value(text)))
        queryset = queryset.alias(folded_abbreviation=search.Unaccent(Lower(F("abbreviation"))))
        matches |= Q(folded_abbreviation=folded)
    return queryset.filter(matches)


def terms_found(text: str, user):
    """Terms ``user`` may see (agreed and superseded ones for anyone), as the glossary's own
    search finds them."""
    terms = Term.objects.visible_to(user).annotate(title=F("term"))
    return search_terms(terms, text).annotate(rank=search.rank("search_vector", text))


def term_results(matches, text: str) -> dict[int, SearchResult]:
    """One page of ``terms_found`` as the search lists it: its source, its state."""
    results = {}
    for term in search.highlighted(matches, "definition", text):
        results[term.pk] = SearchResult(
            title=f"{term.term} ({term.abbreviation})" if term.abbreviation else term.term,
            url=term.get_absolute_url(),
            snippet=search.snippet(getattr(term, "headline", None), term.definition),
            details=f"{term.source} {term.clause}".strip(),
            state="" if term.status == TermStatus.AGREED else term.get_status_display(),
        )
    return results
