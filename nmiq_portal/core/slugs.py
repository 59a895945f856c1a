"""Slugs for pages: readable, and unique among the rows of one model."""

from django.db import models
from django.utils.text import slugify


def unique_slug(
    queryset: models.QuerySet, text: str, *, max_length: int, fallback: str, exclude=None
) -> str:
    """``slugify(text)`` (or ``fallback``), with ``-2``, ``-3``… when a row of ``queryset``
    already has it; ``exclude`` is the row being renamed, whose own slug is free to keep."""
    base = slugify(text)[:max_length] or fallback
    taken = set(
        queryset.filter(slug__startswith=base)
        .exclude(pk=getattr(exclude, "pk", None))
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug
