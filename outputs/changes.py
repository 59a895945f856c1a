"""The outputs in the change feed and the snapshot, as the anonymous API shows them: only
public records are ever written there, so a draft or a proposal never enters the feed."""

from nmiq_portal.changes import register

# --- glossary ---
# Agreed and superseded terms only: a proposal's edits record nothing, and a rejected or
# withdrawn proposal never appears. A term shows its technology area, its working area and its
# successor, so a change of any of them records the term too.
from . import selectors
from .api.glossary import TermSerializer
from .models import Term

register(
    "term",
    Term,
    queryset=selectors.terms_for_api,
    serializer_class=TermSerializer,
    public=Term.objects.public,
    depends=("technology_area", "twa", "superseded_by"),
    watch={"technology_area": ("slug", "name"), "twa": ("number", "slug", "title")},
)
