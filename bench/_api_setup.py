"""Shared set-up of the API benchmarks: Django on an in-memory SQLite test database, a small
venue (the API tests' own), and a URLconf with the APIs plus a trivial view to compare with."""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "site")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "website.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import include, path  # noqa: E402


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial", trivial), path("", include("ticketshop.api.urls"))]


def start():
    """Create the test database and point the URLconf here; return a test client."""
    setup_test_environment()
    connection.creation.create_test_db(verbosity=0)
    settings.ROOT_URLCONF = __name__
    settings.TICKETSHOP = {**settings.TICKETSHOP, "POINT_OF_SALES_CODE": "TICKETSHOP"}
    return Client()


def rate(call, seconds=2.0):
    """Calls per second of `call` over about `seconds` (after one warm-up call)."""
    call()
    count, begin = 0, time.perf_counter()
    while time.perf_counter() - begin < seconds:
        call()
        count += 1
    return count / (time.perf_counter() - begin)


def rates(calls, seconds=2.0, rounds=10):
    """{name: calls per second} of each of `calls` ({name: call}), measured in turns (`rounds`
    short slices each, one after the other): on a shared, unevenly loaded machine every call
    sees the same load, so their ratios hold even when the absolute figures do not."""
    counts, spent = dict.fromkeys(calls, 0), dict.fromkeys(calls, 0.0)
    for call in calls.values():
        call()
    for _round in range(rounds):
        for name, call in calls.items():
            begin = time.perf_counter()
            while time.perf_counter() - begin < seconds / rounds:
                call()
                counts[name] += 1
            spent[name] += time.perf_counter() - begin
    return {name: counts[name] / spent[name] for name in calls}
