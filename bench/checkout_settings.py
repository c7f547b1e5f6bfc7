"""Settings of the checkout bench's live server (bench/bench_checkout.py): the race's settings
(tests/ticketshop/sales/race_settings.py: the test settings on this run's database) with what
production (website.settings.production) runs and the tests do not — persistent database
connections (CONN_MAX_AGE 60), the shared Redis cache (REDIS_URL, production's tolerant
backend: the point of sales, the hold and voucher limits), and django-q2 queueing its tasks instead of
running them in the request (the confirmation emails: sent by the workers, outside the
checkout; the bench times them apart) — and one trivial view, the load-independent baseline."""

import os

from tests.ticketshop.sales.race_settings import *  # noqa: F403

DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405 — production's value
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
CACHES = {
    "default": {
        "BACKEND": "website.cache.TolerantRedisCache",  # production's
        "LOCATION": os.environ["REDIS_URL"],
        "KEY_PREFIX": os.environ.get("BENCH_CACHE_PREFIX", "bench-checkout"),
    }
}
Q_CLUSTER = {**Q_CLUSTER, "sync": False}  # noqa: F405 — queued (ORM broker), as in production
ROOT_URLCONF = "bench.checkout_urls"
