"""So many actions per key in a window, counted in the cache.

The cache is Redis, and this process's memory while Redis is down (core/cache.py): the limits
then still hold, counted per process. Use it in a service, after the input was checked and
before anything is written, so a refused action leaves nothing behind.
"""

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
