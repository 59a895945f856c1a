"""The outputs in the change feed and the snapshot, as the anonymous API shows them."""

from nmiq_portal.changes import register

# --- guides ---
# A guide enters the feed with its first published version and shows only its public versions
# (published, superseded, withdrawn): a draft or a version in review is never in its data.
from .api.guides import GuideSerializer
from .models import Guide
from .selectors.guides import guides_for_api

register(
    "guide",
    Guide,
    queryset=guides_for_api,
    serializer_class=GuideSerializer,
    public=Guide.objects.public,
    depends=("versions", "institutes", "technology_areas", "twa", "project"),
)
