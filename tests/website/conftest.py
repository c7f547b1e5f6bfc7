"""A small ticketshop served by a live server, and the website importing from it over SOAP."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.utils import timezone

from home.demo import load_site_demo
from secutix_integration import soap_client
from tests.api.conftest import SECRET, USERNAME, make_shop
from ticketshop.catalogue import models as cat


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()
    soap_client.close_clients()  # no keep-alive connection outlives the test's live server


def future_shop():
    """make_shop's venue with performances in the coming weeks and sales open now."""
    shop = make_shop()
    now = timezone.now()
    for day, performance in enumerate(cat.Performance.objects.order_by("pk"), start=7):
        performance.start = now + dt.timedelta(days=day)
        performance.save()
    cat.SalesPeriod.objects.filter(product=shop.concert).update(
        start=now - dt.timedelta(days=30), end=now + dt.timedelta(days=60)
    )
    cat.SalesPeriod.objects.create(
        product=shop.pass_,
        point_of_sales=shop.pos,
        start=now - dt.timedelta(days=1),
        end=now + dt.timedelta(days=90),
    )
    shop.concert.name_de = "Konzert"
    shop.concert.save()
    return shop


@pytest.fixture
def ticketshop(transactional_db, live_server, settings):
    """The ticketshop's data, the website's pages, and the plugin pointed at the live server."""
    shop = future_shop()
    load_site_demo()
    settings.SECUTIX = {
        **settings.SECUTIX,
        "API_BASE_URL": live_server.url,
        "API_USERNAME": USERNAME,
        "API_PASSWORD": SECRET,
        "IMPORT_IN_PROGRESS_WAIT_SECONDS": 0,
        # generous: a loaded CI machine must not turn a slow answer into a failed test
        "TIMEOUT_SECONDS": 30,
        "AVAILABILITY_TIMEOUT_SECONDS": 10,
    }
    return SimpleNamespace(**vars(shop), url=live_server.url)
