"""What the outputs add to the site's shared pages: the home page leads to them, and the review
queue lists what waits for the coordinator beside the proposals."""

from nmiq_portal.core.sections import Section, register

from . import selectors

register(
    Section(
        page="home",
        key="outputs.published",
        template="outputs/_home.html",
        context=lambda request: {"counts": selectors.published_counts()},
        order=20,
    )
)


def _waiting(request) -> dict:
    user = request.user
    return {
        "versions": selectors.guide_review_queue(user=user),
        "comparisons": selectors.comparison_review_queue(user=user),
        "results": selectors.result_review_queue(user=user),
        "terms": selectors.review_list(user=user),
    }


register(
    Section(
        page="review",
        key="outputs.waiting",
        template="outputs/_review.html",
        context=_waiting,
        order=20,
    )
)
