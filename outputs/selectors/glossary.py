"""Reads of the glossary: the terms each person may see, the A to Z, the review list, timelines."""

from django.db.models.functions import Lower

from capabilities.search import Unaccent
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
