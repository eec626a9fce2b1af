"""The shared Redis cache (CACHE_URL), for which a Redis that does not answer is a cache that holds
nothing: what it keeps are copies, so pages are built from the database instead of failing.

Reads miss and writes keep nothing while Redis fails. Adding and counting (``add``, ``incr``),
whose answers decide something (a claim on a previewed upload, a limit), raise CacheUnavailable
instead, for the caller to choose the safe way. After a failure the process leaves Redis alone for
RETRY_SECONDS, so that a Redis out of reach costs one request its socket timeout, not every request;
the failure is logged once a minute at most.
"""

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class CacheUnavailable(Exception):
    """The shared cache did not answer: nothing was added or counted."""


class _Outage:
    """When this process last found Redis failing (shared by its threads, each with its own client;
    two threads failing at once may both log, which is harmless)."""

    until = 0.0  # Redis is left alone until then (time.monotonic())
    reported = float("-inf")


class TolerantRedisCache(RedisCache):
    """Django's RedisCache, whose failures read as misses (see the module's docstring)."""

    RETRY_SECONDS = 5.0
    REPORT_EVERY_SECONDS = 60.0

    def _call(self, operation: Callable[[], Any]) -> Any:
        """``operation``'s answer; CacheUnavailable when Redis fails or failed a moment ago."""
        if time.monotonic() < _Outage.until:
            raise CacheUnavailable
        try:
            return operation()
        except RedisError as error:
            now = time.monotonic()
            _Outage.until = now + self.RETRY_SECONDS
            if now - _Outage.reported >= self.REPORT_EVERY_SECONDS:
                _Outage.reported = now
                logger.error("The shared cache (CACHE_URL) does not answer (%s: %s): pages are built from the "
                             "database, and limits and claims that need it refuse until it answers again.",
                             type(error).__name__, error)
            raise CacheUnavailable from error

    def _missing(self, operation: Callable[[], Any], fallback: Any) -> Any:
        try:
            return self._call(operation)
        except CacheUnavailable:
            return fallback

    def reachable(self) -> bool:
        """Whether Redis answers now (the health check asks)."""
        try:
            super().has_key("healthz")
        except RedisError:
            return False
        return True

    # Reads: a miss.
    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        return self._missing(lambda: super(TolerantRedisCache, self).get(key, default, version), default)

    def get_many(self, keys: Iterable[str], version: int | None = None) -> dict[str, Any]:
        keys = list(keys)
        return self._missing(lambda: super(TolerantRedisCache, self).get_many(keys, version), {})

    def has_key(self, key: str, version: int | None = None) -> bool:
        return self._missing(lambda: super(TolerantRedisCache, self).has_key(key, version), False)

    # Writes: nothing kept.
    def set(self, key: str, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._missing(lambda: super(TolerantRedisCache, self).set(key, value, timeout, version), None)

    def set_many(self, data: dict[str, Any], timeout: float | None = DEFAULT_TIMEOUT,
                 version: int | None = None) -> list[str]:
        return self._missing(lambda: super(TolerantRedisCache, self).set_many(data, timeout, version), list(data))

    def touch(self, key: str, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._missing(lambda: super(TolerantRedisCache, self).touch(key, timeout, version), False)

    def delete(self, key: str, version: int | None = None) -> bool:
        return self._missing(lambda: super(TolerantRedisCache, self).delete(key, version), False)

    def delete_many(self, keys: Iterable[str], version: int | None = None) -> None:
        keys = list(keys)
        self._missing(lambda: super(TolerantRedisCache, self).delete_many(keys, version), None)

    def clear(self) -> None:
        self._missing(lambda: super(TolerantRedisCache, self).clear(), None)

    # Adding and counting decide something: the caller is told.
    def add(self, key: str, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._call(lambda: super(TolerantRedisCache, self).add(key, value, timeout, version))

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        return self._call(lambda: super(TolerantRedisCache, self).incr(key, delta, version))

    def get_or_set(self, key: str, default: Any, timeout: float | None = DEFAULT_TIMEOUT,
                   version: int | None = None) -> Any:
        """BaseCache.get_or_set, whose value is built and served when Redis does not answer."""
        value = self.get(key, self._missing_key, version=version)
        if value is self._missing_key:
            value = default() if callable(default) else default
            try:
                self.add(key, value, timeout=timeout, version=version)
            except CacheUnavailable:
                return value
            return self.get(key, value, version=version)  # another process's, should it have been first
        return value
