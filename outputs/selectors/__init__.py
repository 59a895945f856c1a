"""The outputs selectors, one module per kind; the names callers import."""

# --- guides ---
from .guides import (
    guide_for_page,
    guide_list,
    guide_review_queue,
    guide_versions,
    guides_for_api,
    latest_published,
    published_versions_for_feed,
    version_timeline,
)
