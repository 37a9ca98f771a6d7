"""Values of a page's shell kept in the cache that every app process shares (settings
``TASE_SHARED_CACHE``, on with ``REDIS_URL``): read there instead of asking the database on
every page, and forgotten when the rows they come from change, after that change commits.

Without a shared cache each value is computed every time: a per-process cache would keep
showing one process what another has changed (a notification read, a service break
published)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

_MISSING = object()
# Seconds a value is kept at most: the bound on staleness when a forget loses a race (a reader
# that read the rows just before a change committed and stores its value just after the forget).
TIMEOUT = 120


def enabled() -> bool:
    """Whether a shared cache is configured (what is not kept need not be forgotten)."""
    return bool(settings.TASE_SHARED_CACHE)


def remember[T](key: str, compute: Callable[[], T], timeout: int = TIMEOUT) -> T:
    """The value under ``key``, computed and kept when the cache does not hold it."""
    if not settings.TASE_SHARED_CACHE:
        return compute()
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, timeout)
    return value


def forget(*keys: str) -> None:
    """Drop ``keys`` once the current transaction commits (at once outside one), so that no
    process reads the old value again, nor caches it anew before the change is visible."""
    if settings.TASE_SHARED_CACHE and keys:
        transaction.on_commit(lambda: cache.delete_many(list(keys)))


def at_most_every(key: str, seconds: int) -> bool:
    """Whether a chore that every process may do (a sweep) is due: True for the first caller
    in each ``seconds`` across the processes sharing the cache (an atomic add); always True
    without a shared cache, where each process does the chore every time, as before."""
    if not settings.TASE_SHARED_CACHE:
        return True
    return cache.add(key, True, seconds)
