"""X5, the pieces of grown-up mode's resilience, in-process and quick: the 503 page while the
database is down, the cache that tolerates a Redis outage, the health endpoint, the JSON log
lines, Sentry only when SENTRY_DSN is set. (The same behaviours through real processes and
real outages: test_grownup.py.)"""

import json
import logging
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from website import views
from website.cache import TolerantRedisCache
from website.observability import JsonFormatter, RequestLogMiddleware

ROOT = Path(__file__).resolve().parents[2]


def _closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once closed


def test_a_database_error_gives_a_fast_503_page_without_the_database():
    request = RequestFactory().get("/en/events/")
    try:
        try:
            raise OperationalError("connection refused")
        except OperationalError as error:
            raise RuntimeError("while rendering") from error
    except RuntimeError:
        response = views.server_error(request)
    assert response.status_code == 503 and response["Retry-After"] == "10"
    assert "Temporarily unavailable" in response.content.decode()


class DatabaseDown:
    """A middleware first in the chain that fails as PostgreSQL down does (before the locale
    middleware, the session or anything else ran)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


@pytest.mark.parametrize(
    ("path", "headers", "cookies", "title"),
    [
        ("/fr/evenements/", {}, {}, "Momentanément indisponible"),
        ("/de/", {}, {}, "Vorübergehend nicht verfügbar"),
        ("/", {}, {"django_language": "es"}, "Temporalmente no disponible"),
        ("/", {"HTTP_ACCEPT_LANGUAGE": "de-CH,de;q=0.9"}, {}, "Vorübergehend nicht verfügbar"),
        ("/en/events/", {"HTTP_ACCEPT_LANGUAGE": "fr"}, {}, "Temporarily unavailable"),
    ],
)
def test_the_503_page_speaks_the_visitors_language_without_the_database(
    settings, path, headers, cookies, title
):
    from django.test import Client

    settings.MIDDLEWARE = [f"{__name__}.DatabaseDown", *settings.MIDDLEWARE]
    client = Client(raise_request_exception=False)
    for name, value in cookies.items():
        client.cookies[settings.LANGUAGE_COOKIE_NAME if name == "django_language" else name] = value
    response = client.get(path, **headers)
    assert response.status_code == 503 and response["Retry-After"] == "10"
    body = response.content.decode()
    assert f"<h1>{title}</h1>" in body
    assert body.count("<h1>") == 1


def test_any_other_error_stays_a_500():
    request = RequestFactory().get("/en/events/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = views.server_error(request)
    assert response.status_code == 500


def test_the_cache_misses_instead_of_failing_while_redis_is_down():
    cache = TolerantRedisCache(
        f"redis://127.0.0.1:{_closed_port()}/0",
        {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}},
    )
    started = time.monotonic()
    assert cache.get("k", "default") == "default"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set("k", 1) is None and cache.add("k", 1) is False
    assert cache.incr("k") == 0 and cache.delete("k") is False
    assert time.monotonic() - started < 10


def test_health_answers_per_check(client, db):
    response = client.get("/health/?checks=database,cache")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and set(body["checks"]) == {"database", "cache"}
    assert client.get("/health/?checks=nope").status_code == 400
    # no django-q2 cluster runs in the tests: the heartbeat check fails, and says so
    response = client.get("/health/?checks=workers")
    assert response.status_code == 503
    assert "no django-q2 cluster" in response.json()["checks"]["workers"]["status"]


def test_one_json_line_per_request_with_its_id_and_duration(caplog):
    middleware = RequestLogMiddleware(lambda request: __import__("django").http.HttpResponse())
    request = RequestFactory().get("/en/events/", HTTP_X_REQUEST_ID="lb-42")
    with caplog.at_level(logging.INFO, logger="website.request"):
        response = middleware(request)
    assert response["X-Request-ID"] == "lb-42"
    line = json.loads(JsonFormatter().format(caplog.records[-1]))
    assert line["request_id"] == "lb-42" and line["path"] == "/en/events/"
    assert line["status"] == 200 and line["duration_ms"] >= 0 and line["time"].endswith("Z")


SENTRY = "import sentry_sdk; print('SENTRY', sentry_sdk.get_client().is_active())"


@pytest.mark.parametrize("dsn, active", [("", "False"), ("http://key@127.0.0.1:9/1", "True")])
def test_sentry_reports_only_when_a_dsn_is_set(tmp_path, dsn, active):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "website.settings.production",
        "PYTHONPATH": str(ROOT / "site"),
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none",
        "REDIS_URL": "redis://127.0.0.1:9/0",
        "SECRET_KEY": uuid.uuid4().hex * 2,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "https://127.0.0.1",
        "SECUTIX_API_BASE_URL": "https://127.0.0.1",
        "TICKETSHOP_ALLOW_TEST_PAYMENTS": "1",
        "SECUTIX_KEYS_DIR": str(tmp_path),
        "SENTRY_DSN": dsn,
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SENTRY],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert f"SENTRY {active}" in done.stdout, done.stderr[-2000:]
