"""Slugs for pages: readable, unique among the rows of one model, and no oracle of hidden rows.

A row that its model registers here (``register``) gets a provisional slug while nobody but its
own people may see it: the slugified text, ``--`` and a random token, chosen without looking at
other rows. The first time the change feed finds it public (``changes.became_public``) it takes
the readable slug of its text, unique among the rows that have one: rows hidden from someone
hold only provisional slugs, so what that readable slug is (``-2`` or not) says nothing of them.
The provisional slug it had keeps answering, with a redirect (``FormerSlugRedirectMiddleware``).
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils.text import slugify

from nmiq_portal import changes

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
    it is tells its owner nothing of the rows hidden from them."""
    token = secrets.token_hex(3)
    base = slugify(text)[: max_length - len(PROVISIONAL) - len(token)] or fallback
    return f"{base}{PROVISIONAL}{token}"


def is_provisional(slug: str) -> bool:
    return PROVISIONAL in slug


@dataclass(frozen=True)
class Policy:
    """How one model's rows are named: ``text(row)`` is what the slug is made of."""

    model: type[models.Model]
    text: Callable[[models.Model], str]
    fallback: str
    #: Slugs the model's own URLs use (``new``): a readable slug that would be one takes
    #: ``"<text> <fallback>"`` instead.
    reserved: frozenset

    @property
    def max_length(self) -> int:
        return self.model._meta.get_field("slug").max_length

    def provisional(self, row) -> str:
        return provisional_slug(self.text(row), max_length=self.max_length, fallback=self.fallback)

    def readable(self, row) -> str:
        text = self.text(row)
        if (slugify(text)[: self.max_length] or self.fallback) in self.reserved:
            text = f"{text} {self.fallback}"
        return unique_slug(
            self.model._base_manager,
            text,
            max_length=self.max_length,
            fallback=self.fallback,
            exclude=row,
        )


_policies: dict[type[models.Model], Policy] = {}


def register(model, *, text: Callable, fallback: str, reserved=()) -> None:
    """Name ``model``'s rows with provisional slugs until they are public. The model must be on
    the change feed (which says when a row becomes public) and have a unique ``slug``."""
    _policies[model] = Policy(model, text, fallback, frozenset(reserved))
    changes.became_public.connect(_settle, sender=model, dispatch_uid=f"slugs:{model._meta.label}")


def name(row, *, hidden: bool = True) -> str:
    """The slug a new row starts with: provisional while ``hidden`` (it becomes readable once
    public, in the same save if it is public at once)."""
    policy = _policies[type(row)]
    return policy.provisional(row) if hidden else policy.readable(row)


def rename(row) -> None:
    """Give ``row`` the readable slug of its changed text if it has one (only a public row has
    had one). A hidden row keeps its provisional slug, and its draft address stays what it was:
    a new one would tell whoever holds the old link what the row is called now."""
    if not is_provisional(row.slug):
        row.slug = _policies[type(row)].readable(row)


def _settle(sender, pks, instances, **kwargs) -> None:
    """``changes.became_public``: a row that is public now gives up its provisional slug, which
    leads to the readable one from then on."""
    from .models import FormerSlug

    policy = _policies[sender]
    rows = [row for pk in pks if (row := instances.get(pk)) is not None]
    unknown = [pk for pk in pks if pk not in instances]
    if unknown:
        rows += list(sender._base_manager.filter(pk__in=unknown, slug__contains=PROVISIONAL))
    given_up = []
    for row in rows:
        if not is_provisional(row.slug):
            continue
        former, row.slug = row.slug, policy.readable(row)
        # One row at a time: the next row's readable slug must see this one's.
        sender._base_manager.filter(pk=row.pk).update(slug=row.slug)
        given_up.append(FormerSlug(model=sender._meta.label_lower, former=former, slug=row.slug))
    FormerSlug.objects.bulk_create(given_up)


def former(slug: str):
    """The slug that ``slug``, a provisional one given up, became (``None`` if none)."""
    from .models import FormerSlug

    if not is_provisional(slug):
        return None
    return FormerSlug.objects.filter(former=slug).values_list("slug", flat=True).first()
