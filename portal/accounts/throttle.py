"""Rate limits per address (or any key) in Django's cache: anti-automation without locking an office out."""

from django.core.cache import cache


def throttle_hit(*, scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt of `scope` by `key`; True while the attempts in the window stay within `limit`.

    The window starts at the first attempt and is fixed (not sliding): simple, and bounded in storage.
    """
    cache_key = f"throttle:{scope}:{key}"
    if cache.add(cache_key, 1, timeout=window_seconds):
        return True
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=window_seconds)
        return True
    return count <= limit


def throttle_count(*, scope: str, key: str) -> int:
    """How many attempts of `scope` by `key` the current window holds (0 when none)."""
    return cache.get(f"throttle:{scope}:{key}", 0)


def throttle_reset(*, scope: str, key: str) -> None:
    cache.delete(f"throttle:{scope}:{key}")
