"""The Redis cache keeps one client per connection pool (vicp.cache)."""

import threading

from django.conf import settings
from django.core.cache import caches

from .conftest import need


def redis_cache():
    need(bool(settings.REDIS_URL), "needs Redis (set REDIS_URL)")
    cache = caches["default"]
    assert type(cache).__module__ == "vicp.cache"
    return cache


def test_one_client_serves_every_operation():
    cache = redis_cache()
    client = cache._cache.get_client(write=True)
    cache.set("cache-test", {"n": 1}, 30)
    assert cache.get("cache-test") == {"n": 1}
    assert cache._cache.get_client() is client
    assert cache._cache.get_client("cache-test", write=True) is client


def test_the_shared_client_is_safe_across_threads():
    cache = redis_cache()
    failures = []

    def work(n):
        for i in range(50):
            key = f"cache-thread-{n}-{i}"
            cache.set(key, i, 30)
            if cache.get(key) != i:
                failures.append(key)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
