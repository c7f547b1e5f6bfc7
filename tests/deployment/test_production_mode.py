"""X2, grown-up mode: the production settings on PostgreSQL and Redis, from the environment.

Runs in a subprocess (its own settings module) against the local servers the test command
starts: `scripts/postgres.sh` (TEST_POSTGRES_URL) and `scripts/redis.sh` (TEST_REDIS_URL).
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CHECKS = """
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django_q.brokers import get_broker
from django_q.tasks import async_task
from events.models import EventIndexPage

assert connection.vendor == "postgresql", connection.vendor
cache.set("grown-up", 42)
assert cache.get("grown-up") == 42 and "Redis" in type(cache._cache).__name__
broker = get_broker()
assert broker.info().startswith("Redis"), broker.info()
before = broker.queue_size()
async_task("math.floor", 1.5)
assert broker.queue_size() == before + 1
assert EventIndexPage.objects.filter(locale__language_code="fr").exists()
response = Client(HTTP_HOST="127.0.0.1").get("/fr/a-l-affiche/", secure=True)  # HTTPS only
assert response.status_code == 200, response.status_code
print("grown-up mode OK")
"""


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.postgres
@pytest.mark.timeout(900)  # migrates and serves in subprocesses: 280 s seen on a loaded machine
def test_production_settings_on_postgresql_and_redis(tmp_path):
    postgres, redis = os.environ.get("TEST_POSTGRES_URL"), os.environ.get("TEST_REDIS_URL")
    if not postgres or not redis:
        pytest.fail("TEST_POSTGRES_URL / TEST_REDIS_URL are not set: run scripts/test.sh")
    import psycopg

    name = f"grownup_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "website.settings.production",
            "DATABASE_URL": postgres.rsplit("/", 1)[0] + f"/{name}",
            "REDIS_URL": redis,
            "SECRET_KEY": uuid.uuid4().hex * 2,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECUTIX_KEYS_DIR": str(tmp_path),
            "SITE_URL": "https://127.0.0.1",  # required in production (issue 15)
            "SECUTIX_API_BASE_URL": "https://127.0.0.1",
            # a staging site: the demo (test card provider, demo secrets) is allowed on purpose
            "TICKETSHOP_ALLOW_TEST_PAYMENTS": "1",
        }
        missing = {**env, "REDIS_URL": ""}
        refused = manage(missing, "check")
        assert refused.returncode != 0 and "REDIS_URL" in refused.stderr  # says what is missing
        for step in (("migrate", "--noinput"), ("setup_demo",), ("shell", "-c", CHECKS)):
            done = manage(env, *step)
            assert done.returncode == 0, done.stderr[-3000:]
        assert "grown-up mode OK" in done.stdout
    finally:
        with psycopg.connect(postgres, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
