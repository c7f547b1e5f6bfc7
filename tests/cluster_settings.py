"""Settings for the real django-q2 cluster started by tests/test_schedules.py.

The embedded default (SQLite in VAR_DIR, the ORM broker), with one worker and a guard cycle of
30 s so that the scheduler runs in the cluster's first cycle instead of after 30 s."""

from website.settings.dev import *  # noqa: F403

Q_CLUSTER = {**Q_CLUSTER, "workers": 1, "guard_cycle": 30, "poll": 0.2}  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
