"""The words "did you mean" suggests from: those of the public records' indexed text only."""

from collections import Counter

from django.db import transaction

from ..models import Institute, SearchWord, Service, Testbed
from ..synonyms import words_of
from .records import search_parts


def _public_records():
    yield from Institute.objects.public().iterator(chunk_size=500)
    for model in (Testbed, Service):
        records = (
            model.objects.public()
            .select_related("institute", *(("readiness",) if model is Testbed else ()))
            .prefetch_related("technology_areas")
        )
        yield from records.iterator(chunk_size=500)


@transaction.atomic
def search_words_refresh() -> int:
    """Read the words of every public testbed, service and institute again (a record's draft,
    hidden or unverified text never reaches a suggestion); the number of words."""
    counts: Counter[str] = Counter()
    for record in _public_records():
        text = " ".join(t for texts in search_parts(record).values() for t in texts if t)
        counts.update(words_of(text))
    SearchWord.objects.all().delete()
    SearchWord.objects.bulk_create(
        (SearchWord(word=word, records=n) for word, n in counts.items()), batch_size=2000
    )
    return len(counts)
