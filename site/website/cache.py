"""Django's Redis cache, tolerant of a Redis outage (X5): while Redis is down, reads miss and
writes are dropped (logged once per operation kind a minute), so pages still render."""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
_last_warning = {}


def _tolerant(fallback):
    """`method`, answering `fallback(*args, **kwargs)` while Redis cannot be reached."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except (RedisError, OSError) as error:
                now = time.monotonic()
                if now - _last_warning.get(method.__name__, -60) >= 60:
                    _last_warning[method.__name__] = now
                    logger.warning("Cache unavailable (%s): %s", method.__name__, error)
                return fallback(*args, **kwargs)

        return wrapper

    return decorate


def _missed(key, default=None, version=None):
    return default


def _nothing(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


class _ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client builds a new redis.Redis object (some 200 response callbacks) for every
    cache operation: measured at about 1.4 ms of CPU each, a dozen per checkout (B2, issue 9).
    One redis.Redis per connection pool instead: it is thread-safe (each command takes a
    connection from the pool)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class TolerantRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusedClientRedisCacheClient

    get = _tolerant(_missed)(RedisCache.get)
    get_many = _tolerant(lambda *args, **kwargs: {})(RedisCache.get_many)
    set = _tolerant(_nothing)(RedisCache.set)
    set_many = _tolerant(lambda *args, **kwargs: [])(RedisCache.set_many)
    add = _tolerant(_false)(RedisCache.add)
    touch = _tolerant(_false)(RedisCache.touch)
    delete = _tolerant(_false)(RedisCache.delete)
    delete_many = _tolerant(_nothing)(RedisCache.delete_many)
    has_key = _tolerant(_false)(RedisCache.has_key)
    incr = _tolerant(lambda *args, **kwargs: 0)(RedisCache.incr)
    clear = _tolerant(_false)(RedisCache.clear)
