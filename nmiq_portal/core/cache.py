"""The cache: Redis, and this process's memory while Redis cannot be reached.

What the portal keeps in the cache is rate-limit state (the API throttles, allauth's sign-in and
password-reset limits). Losing it for a while is acceptable; a site answering 500 to every API
request and sign-in because Redis is down is not. The choice is a local fallback, not fail-open:
during an outage the limits still hold, counted per process instead of across processes.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

#: Seconds the fallback is used before Redis is tried again: one failed connection per thread
#: in that time, not one per cache call.
RETRY_AFTER = 15.0


class ResilientRedisCache(RedisCache):
    """Django's Redis cache that answers from a local memory cache while Redis is unreachable."""

    def __init__(self, server, params):
        super().__init__(server, params)
        local = {key: params[key] for key in ("TIMEOUT", "KEY_PREFIX", "VERSION") if key in params}
        self._local = LocMemCache(f"redis-fallback:{server}", local)
        self._retry_at = 0.0

    def _call(self, name, *args, **kwargs):
        if time.monotonic() >= self._retry_at:
            try:
                result = getattr(super(), name)(*args, **kwargs)
            except RedisError as exc:
                self._retry_at = time.monotonic() + RETRY_AFTER
                logger.warning(
                    "Redis cache unreachable, using this process's memory for %ss: %s",
                    RETRY_AFTER,
                    exc,
                )
            else:
                if self._retry_at:
                    self._retry_at = 0.0
                    logger.info("Redis cache reachable again")
                return result
        return getattr(self._local, name)(*args, **kwargs)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version)

    def clear(self):
        return self._call("clear")
