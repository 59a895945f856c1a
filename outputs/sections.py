"""What the outputs add to the site's shared pages (the profile)."""

from nmiq_portal.core.sections import Section, register

# --- guides ---
from .selectors.guides import guide_review_queue

register(
    Section(
        page="profile",
        key="outputs.guide_reviews",
        template="outputs/guides/_profile_reviews.html",
        context=lambda request: {"versions": guide_review_queue(user=request.user)},
        order=40,
    )
)
