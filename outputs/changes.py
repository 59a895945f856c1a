"""The outputs in the change feed and the snapshot, as the anonymous API shows them."""

from nmiq_portal.changes import register

# --- guides ---
# A guide enters the feed with its first published version and shows only its public versions
# (published, superseded, withdrawn): a draft or a version in review is never in its data. Its
# versions are not a dependency: a draft's every save would then record the guide, and the feed
# would tell when someone works on one. The moves that change its public versions (publish,
# supersede, withdraw) record it instead (services/guides.py). Known gap: an author's new
# name reaches the feed with the guide's next recorded change only.
from .api.guides import GuideSerializer
from .models import Guide
from .selectors.guides import guides_for_api

register(
    "guide",
    Guide,
    queryset=guides_for_api,
    serializer_class=GuideSerializer,
    public=Guide.objects.public,
    depends=("institutes", "technology_areas", "twa", "project"),
)
