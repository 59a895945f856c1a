"""Slugs for pages: readable, and unique among the rows of one model."""

import secrets

from django.db import models
from django.utils.text import slugify

#: What only a provisional slug contains: slugify() never writes two dashes in a row.
PROVISIONAL = "--"


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


def provisional_slug(text: str, *, max_length: int, fallback: str) -> str:
    """A slug for a row nobody else may see yet, chosen without looking at the other rows: what
    it is tells its owner nothing of the rows hidden from them (``unique_slug`` would answer
    ``-2`` beside a hidden namesake). ``unique_slug`` replaces it once the row is public."""
    token = secrets.token_hex(3)
    base = slugify(text)[: max_length - len(PROVISIONAL) - len(token)] or fallback
    return f"{base}{PROVISIONAL}{token}"


def is_provisional(slug: str) -> bool:
    return PROVISIONAL in slug
