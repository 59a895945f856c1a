"""Writes of the glossary: proposing a term, revising it, and moving it through its workflow."""

import unicodedata

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from capabilities.search import weighted_vector
from nmiq_portal import workflow
from nmiq_portal.core import slugs
from nmiq_portal.core.locking import lock_version
from nmiq_portal.core.permissions import require

from ..enums import TermStatus
from ..models import Term
from ..models.glossary import OTHER_LETTER

#: What a proposer writes; the slug and the letter follow from the term.
TERM_FIELDS = (
    "term",
    "definition",
    "source",
    "clause",
    "source_url",
    "synonyms",
    "abbreviation",
    "technology_area",
    "twa",
    "note",
)


#: Letters that Unicode does not decompose into a base letter and an accent, folded as
#: PostgreSQL's unaccent (which the search uses) folds them.
_UNDECOMPOSED = str.maketrans(
    {"Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "Ø": "O", "ø": "o", "Ł": "L", "ł": "l",
     "Đ": "D", "đ": "d", "ß": "ss", "Þ": "TH", "þ": "th"}
)  # fmt: skip


def fold(text: str) -> str:
    """``text`` without its accents ("Étalon" → "Etalon"), as the A to Z lists it."""
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(_UNDECOMPOSED))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def letter_of(term: str) -> str:
    """The letter ``term`` is listed under: its first letter, accents folded, or "#"."""
    first = fold(term.strip())[:1].upper()
    return first if "A" <= first <= "Z" else OTHER_LETTER


def _clean_synonyms(synonyms) -> list[str]:
    seen, cleaned = set(), []
    for synonym in synonyms or ():
        synonym = " ".join(str(synonym).split())
        if synonym and synonym.casefold() not in seen:
            seen.add(synonym.casefold())
            cleaned.append(synonym)
    return cleaned


def _check_fields(changes: dict) -> None:
    unknown = set(changes) - set(TERM_FIELDS)
    if unknown:
        raise TypeError(f"Not a field of a term: {', '.join(sorted(unknown))}")


def _save(term: Term) -> None:
    term.term = " ".join((term.term or "").split())
    term.synonyms = _clean_synonyms(term.synonyms)
    term.letter = letter_of(term.term)
    term.full_clean(exclude=["slug", "letter"] if term._state.adding else None)


def _index(term: Term) -> None:
    """Rebuild the term's full-text vector: the names weigh most, then the definition."""
    vector = weighted_vector(
        {
            "A": [term.term, term.abbreviation, *term.synonyms],
            "B": [term.definition],
            "C": [term.note, term.source],
        }
    )
    Term.objects.filter(pk=term.pk).update(search_vector=vector)


@transaction.atomic
def term_propose(*, actor, institute=None, **fields) -> Term:
    """A member of ``institute`` (or staff, for no institute) proposes a term."""
    _check_fields(fields)
    term = Term(proposed_by_institute=institute, **fields)
    require(actor, "outputs.add_term", term)
    if institute is None and not actor.is_staff:
        raise ValidationError({"institute": _("Propose the term for one of your institutes.")})
    term.proposed_by = actor
    _save(term)
    term.slug = slugs.name(term)
    workflow.create(term, "create", actor=actor)
    _index(term)
    return term


@transaction.atomic
def term_update(*, actor, entry: Term, version: int | None, **changes) -> Term:
    """The proposer revises their proposal; staff correct any term. ``entry`` is the term
    changed (``term`` is one of its fields). The slug never changes, so a term's address stays
    what others cite."""
    _check_fields(changes)
    require(actor, "outputs.change_term", entry)
    locked = lock_version(entry, version, fields=TERM_FIELDS)
    require(actor, "outputs.change_term", locked)
    for name, value in changes.items():
        setattr(locked, name, value)
    _save(locked)
    locked.version += 1
    locked.save()
    _index(locked)
    return locked


def term_transition(*, actor, term: Term, action: str, comment: str = "") -> Term:
    """Agree, reject or withdraw a proposal (``supersede`` names its successor: term_supersede)."""
    if action == "supersede":
        raise ValidationError(_("Name the term that supersedes this one."))
    return workflow.transition(term, action, actor=actor, comment=comment)


@transaction.atomic
def term_supersede(*, actor, term: Term, successor: Term, comment: str = "") -> Term:
    """Mark an agreed term superseded by another agreed term, which its page then links to."""
    require(actor, "outputs.review_term", term)
    locked = lock_version(term, None, fields=TERM_FIELDS)
    if successor.pk == locked.pk or successor.status != TermStatus.AGREED:
        raise ValidationError({"successor": _("The successor is another agreed term.")})
    locked.superseded_by = successor
    locked.save(update_fields=["superseded_by", "updated_at"])
    return workflow.transition(locked, "supersede", actor=actor, comment=comment)
