"""Health endpoint for load balancers (X5): `/health/` checks the database, the cache, the
django-q2 broker and the workers' heartbeat; 200 when every check asked for passes, else 503,
with one line per check in JSON. `?checks=database,cache` asks for some only (a web host's
load balancer needs the database; a monitoring probe asks for everything). Each check is
bounded (the database's connect_timeout, Redis's socket timeouts): the answer never hangs."""

import time

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

# A cluster writes its status to the broker every few seconds (django-q2's Stat); older is dead.
HEARTBEAT_SECONDS = 30


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _cache():
    from django.core.cache.backends.redis import RedisCache

    backend = cache
    if isinstance(backend, RedisCache):  # ask Redis itself: the tolerant cache hides an outage
        backend._cache.get_client(write=True).ping()
        return "ok"
    backend.set("health:probe", 1, 10)
    if backend.get("health:probe") != 1:
        raise RuntimeError("the cache does not keep a value")
    return "ok"


def _broker():
    from django_q.brokers import get_broker

    broker = get_broker()
    if not broker.ping():
        raise RuntimeError("the broker does not answer")
    return f"ok, {broker.queue_size()} queued"


def _workers():
    from django.utils import timezone
    from django_q.status import Stat

    now = timezone.now()
    alive = [
        stat
        for stat in Stat.get_all()
        if (now - stat.timestamp).total_seconds() < HEARTBEAT_SECONDS
        and stat.status not in ("Stopped", "Stopping")
    ]
    if not alive:
        raise RuntimeError("no django-q2 cluster reported in the last 30 s")
    return f"ok, {len(alive)} cluster(s), {sum(len(s.workers) for s in alive)} worker(s)"


CHECKS = {"database": _database, "cache": _cache, "broker": _broker, "workers": _workers}


@never_cache
def health(request):
    asked = [c for c in request.GET.get("checks", "").split(",") if c] or list(CHECKS)
    unknown = [name for name in asked if name not in CHECKS]
    if unknown:
        return JsonResponse({"error": f"unknown checks: {', '.join(unknown)}"}, status=400)
    results, healthy = {}, True
    for name in asked:
        begin = time.perf_counter()
        try:
            status = CHECKS[name]()
        except Exception as error:  # noqa: BLE001 — every failure is a failed check
            status, healthy = f"failed: {type(error).__name__}: {error}"[:300], False
        results[name] = {"status": status, "ms": round((time.perf_counter() - begin) * 1000, 1)}
    return JsonResponse(
        {"status": "ok" if healthy else "failed", "checks": results}, status=200 if healthy else 503
    )
