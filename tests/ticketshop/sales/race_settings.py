"""Settings of the race, the concurrency scenarios and the checkout bench: the test settings on
a real database file or server (DATABASE_URL), tables created without migrations (faster).

On SQLite the database settings are THE PRODUCT'S OWN (website.settings.base: its timeout and
BEGIN IMMEDIATE), only the file differs: the race proves the embedded mode as shipped."""

from website.settings import base as product
from website.settings.test import *  # noqa: F403


class _NoMigrations(dict):
    def __contains__(self, item):
        return True

    def __getitem__(self, item):
        return None


MIGRATION_MODULES = _NoMigrations()
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES = {  # noqa: F405
        "default": {**product.DATABASES["default"], "NAME": DATABASES["default"]["NAME"]}  # noqa: F405
    }

# 200 buyers share one IP address here: the hold limits (against hoarding) are not the subject.
SHOP_MAX_HOLDS_PER_HOUR = 1_000_000

# Server errors of the live server are printed (the race reports them as errors).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["stderr"], "level": "ERROR"}},
}
