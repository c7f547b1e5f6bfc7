"""Settings of the checkout bench's live server (bench/bench_checkout.py): the race's settings
(tests/ticketshop/sales/race_settings.py: the test settings on this run's database) with what
production runs and the tests do not — persistent database connections (CONN_MAX_AGE 60, as
website.settings.production) — and one trivial view, the load-independent baseline."""

from tests.ticketshop.sales.race_settings import *  # noqa: F403

DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405 — production's value
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
ROOT_URLCONF = "bench.checkout_urls"
