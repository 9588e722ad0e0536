"""A Redis cache that falls back to the database cache while Redis does not answer.

The cache holds rate-limit counters (votes, comments, log-in attempts, the API's
throttle): with plain RedisCache a Redis outage turns every log-in, vote, sign-up and
API request into a 500. Here an unreachable Redis costs one warning, and the site goes
on with the database cache (the "database" alias, Django's DatabaseCache) for
RETRY_AFTER seconds before Redis is tried again, so that requests do not each wait for
a connection timeout meanwhile. Counters restart from zero on the other side of a
switch: limits are briefly looser, never broken.
"""

import logging
import time

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


class FallbackRedisCache(RedisCache):
    """Django's RedisCache; each operation is served by the "database" cache while Redis
    is unreachable."""

    FALLBACK = "database"  # the alias in CACHES, unless the settings say "FALLBACK"
    RETRY_AFTER = 30  # seconds
    # Per process, by Redis address and fallback: Django makes one cache object per
    # thread, and one outage deserves one warning per process, not one per thread.
    _unreachable_until: dict[str, float] = {}

    def __init__(self, server, params):
        super().__init__(server, params)
        self.FALLBACK = params.get("FALLBACK", self.FALLBACK)
        self._state = f"{','.join(self._servers)} {self.FALLBACK}"
        # Keys deleted from Redis when it answers again after an outage: what they held
        # may have changed in the fallback meanwhile (the stored pages' generation).
        self._forget_on_return = list(params.get("FORGET_ON_RETURN", []))

    def _call(self, operation: str, *args, **kwargs):
        until = self._unreachable_until.get(self._state)
        if until is not None and time.monotonic() < until:
            return self._fallback(operation, *args, **kwargs)
        try:
            if until is not None:  # the first try since an outage
                if self._forget_on_return:
                    super().delete_many(self._forget_on_return)
                self._unreachable_until.pop(self._state, None)
            return getattr(super(), operation)(*args, **kwargs)
        except UNREACHABLE as error:
            self._unreachable_until[self._state] = time.monotonic() + self.RETRY_AFTER
            logger.warning(
                "Redis unreachable (%s): cache served by the %r cache for %s s",
                error,
                self.FALLBACK,
                self.RETRY_AFTER,
                extra={"redis_error": type(error).__name__},
            )
            return self._fallback(operation, *args, **kwargs)

    def _fallback(self, operation: str, *args, **kwargs):
        return getattr(caches[self.FALLBACK], operation)(*args, **kwargs)

    # Every operation of RedisCache; BaseCache builds the others (get_or_set, decr,
    # the async ones) on these.
    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def clear(self, *args, **kwargs):
        return self._call("clear", *args, **kwargs)
