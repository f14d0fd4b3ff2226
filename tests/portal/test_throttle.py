from django.core.cache import cache

from portal.accounts.throttle import throttle_count, throttle_hit, throttle_reset


def test_throttle_allows_up_to_limit_then_refuses():
    cache.clear()
    results = [throttle_hit(scope="t", key="1.2.3.4", limit=3, window_seconds=60) for _ in range(5)]
    assert results == [True, True, True, False, False]
    assert throttle_count(scope="t", key="1.2.3.4") == 5


def test_throttle_keys_are_separate_and_reset():
    cache.clear()
    for _ in range(4):
        throttle_hit(scope="t", key="a", limit=3, window_seconds=60)
    assert throttle_hit(scope="t", key="b", limit=3, window_seconds=60)
    throttle_reset(scope="t", key="a")
    assert throttle_hit(scope="t", key="a", limit=3, window_seconds=60)
