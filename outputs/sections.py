"""What the outputs add to the site's shared pages: the home page leads to them."""

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
