"""So many actions in a window, counted in the cache.

The cache is Redis, and this process's memory while Redis is down (core/cache.py): the limits
then still hold, counted per process, instead of failing the request. Two doors:

- ``count_or_refuse`` counts under a key of the caller's (an institute's invitations): use it in
  a service, after the input was checked and before anything is written, so a refused action
  leaves nothing behind;
- ``consume`` limits a form of the portal's own per client IP and per key, with allauth's recipe
  (the one sign-in uses).
"""

from allauth.core.internal import ratelimit
from django.core.cache import cache
from django.core.exceptions import ValidationError

DAY = 24 * 3600


class RateLimited(ValidationError):
    """Refused because ``key`` reached its limit; a form shows it, the API answers 429."""


def count_or_refuse(key: str, *, limit: int, window: int, message: str) -> None:
    """Count one action under ``key``; raise RateLimited(message) past ``limit`` in ``window``."""
    key = f"ratelimit:{key}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between add and incr: this is its first action
        cache.add(key, 1, timeout=window)
        count = 1
    if count > limit:
        raise RateLimited(message, code="rate_limited")


def consume(request, *, action: str, rates: str, key: str | None = None) -> bool:
    """Count one use of ``action`` by ``request``; False when one of ``rates`` is used up.

    ``rates`` are allauth's ("5/1h/ip,20/1d/key": per client IP, per ``key``). A refused use
    is not counted against the other rates.
    """
    usage = ratelimit.consume(
        request, app="nmiq_portal", action=action, config={action: rates}, key=key
    )
    return usage is not None
