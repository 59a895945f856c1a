"""Sections that apps contribute to the site's shared pages (home, profile).

The core names no app: an app registers a section (a template and the context it needs) for a
page, and the page renders whatever is registered, in order.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    # "home_lead" (first on the home page, above all else), "home", "work" (the signed-in
    # person's "my work" page), "profile", "review" (a coordinator's queue), "institute"
    # (context also takes ``institute``) or "record" (a testbed's or service's page; context
    # takes ``record``)
    page: str
    key: str
    template: str
    context: Callable  # (request, **objects of the page) -> dict
    order: int = 100


_sections: dict[tuple[str, str], Section] = {}


def register(section: Section) -> Section:
    _sections[(section.page, section.key)] = section
    return section


def render_context(page: str, request, **objects) -> list[dict]:
    """[{"template": ..., **context}] for each section of ``page``, in order; ``objects`` are
    what the page is about (e.g. ``institute=``), passed on to each section's context."""
    chosen = sorted(
        (section for section in _sections.values() if section.page == page),
        key=lambda section: (section.order, section.key),
    )
    return [
        {"template": section.template, **section.context(request, **objects)} for section in chosen
    ]
