"""The embedded default: SQLite, the django-q2 ORM broker, a local cache, emails on the console.

Visitors see the site's own error pages: Django's debug pages only for a developer who asks
for them with DJANGO_DEBUG=1."""

import os

from .base import *  # noqa: F403

DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"
SERVE_STATIC_FILES = True
ALLOWED_HOSTS = ["*"]
