"""Staff keep the search's synonym groups; a change reaches the next search at once."""

from django.core.exceptions import ValidationError
from django.db import transaction

from nmiq_portal.core.permissions import require

from .. import synonyms
from ..models import SearchSynonym


def _forget() -> None:
    # Now, so this process's next search reads the change; after the commit, so a search
    # run meanwhile elsewhere cannot keep the old groups in the cache.
    synonyms.forget()
    transaction.on_commit(synonyms.forget)


@transaction.atomic
def search_synonym_save(*, actor, synonym: SearchSynonym) -> SearchSynonym:
    """Add or change a group of terms a search treats as one (at least two, each once)."""
    require(actor, "capabilities.change_searchsynonym", synonym)
    try:
        synonym.terms = synonyms.cleaned_terms(synonym.terms)
    except ValidationError as error:
        raise ValidationError({"terms": error.messages}) from error
    synonym.full_clean()
    synonym.save()
    _forget()
    return synonym


@transaction.atomic
def search_synonym_delete(*, actor, synonym: SearchSynonym) -> None:
    require(actor, "capabilities.change_searchsynonym", synonym)
    synonym.delete()
    _forget()
