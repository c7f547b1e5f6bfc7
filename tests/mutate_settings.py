"""Settings for `make mutate`: the test settings on a file-based SQLite test database, kept
between pytest runs (--reuse-db), so that each mutant does not pay for the migrations."""

import os

from website.settings.test import *  # noqa: F403

DATABASES = {  # noqa: F405
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.path.join(os.environ.get("MUTATE_DB_DIR", "/tmp"), "mutate.sqlite3"),
        "TEST": {
            "NAME": os.path.join(os.environ.get("MUTATE_DB_DIR", "/tmp"), "mutate-test.sqlite3")
        },
    }
}
