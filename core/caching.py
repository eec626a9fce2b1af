"""Values computed from programmes' data, kept in the fragments cache (settings.CACHES) under the
programmes' data versions."""

import hashlib
from collections.abc import Callable, Iterable
from typing import TypeVar, cast

from django.core.cache import caches
from django.utils import timezone, translation

# Entries are never stale (a write gives its programme a new data version, so a new key); the
# timeout only frees memory.
TIMEOUT_SECONDS = 3600
T = TypeVar("T")


def cached_for_programmes(kind: str, versions: Iterable[tuple[int, int]], build: Callable[[], T], *parts: object) -> T:
    """``build()`` from the fragments cache (settings.CACHES), keyed by the (programme id, data
    version) pairs it reads, the language, today's date (deadline states change at midnight) and
    ``parts``: a write to one of those programmes gives a new key, and nothing else does."""
    material = repr((sorted(versions), translation.get_language(), timezone.localdate(), parts))
    key = f"{kind}:" + hashlib.sha256(material.encode()).hexdigest()
    return cast(T, caches["fragments"].get_or_set(key, build, TIMEOUT_SECONDS))
