"""Settings of the race and the checkout bench: the test settings on a real database file or
server (DATABASE_URL), tables created without migrations (faster), SQLite writers serialised."""

from website.settings.test import *  # noqa: F403


class _NoMigrations(dict):
    def __contains__(self, item):
        return True

    def __getitem__(self, item):
        return None


MIGRATION_MODULES = _NoMigrations()
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["OPTIONS"] = {"timeout": 60, "transaction_mode": "IMMEDIATE"}  # noqa: F405
