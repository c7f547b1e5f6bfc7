"""The embedded default: SQLite, the django-q2 ORM broker, a local cache, emails on the console."""

from .base import *  # noqa: F403

DEBUG = True
ALLOWED_HOSTS = ["*"]
