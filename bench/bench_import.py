"""C4/C5 benchmark: the catalogue import over SOAP, and the event listing with badges.

Generates a catalogue of PRODUCTS products × PERFORMANCES performances in a SQLite file, serves
the ticketshop on 127.0.0.1 in a thread, and prints:
- the first import's time, and an unchanged re-import's (skipped by getLastSetupUpdate, and
  forced: fetched and compared), with the rows the forced one wrote;
- the render time of a 100-event listing with its availability badges (one upstream call,
  cache emptied each time) against the same listing without badges.

Usage: .venv/bin/python bench/bench_import.py [products] [performances]
"""

import datetime as dt
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "site")]
PRODUCTS = int(sys.argv[1]) if len(sys.argv) > 1 else 500
PERFORMANCES = int(sys.argv[2]) if len(sys.argv) > 2 else 20
WORKDIR = Path(tempfile.mkdtemp(prefix="bench-import-"))
os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR / 'bench.sqlite3'}"
os.environ["DJANGO_SETTINGS_MODULE"] = "website.settings.test"

import django  # noqa: E402

django.setup()

from decimal import Decimal  # noqa: E402

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

import events.models  # noqa: E402
from home.demo import load_site_demo  # noqa: E402
from secutix_integration import availability  # noqa: E402
from secutix_integration.importer import run_import  # noqa: E402
from ticketshop.api.models import ApiAccount  # noqa: E402
from ticketshop.catalogue import models as cat  # noqa: E402
from ticketshop.organisation.models import Organisation, PointOfSales, SalesChannel  # noqa: E402


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def serve():
    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler)
    server.set_app(get_wsgi_application())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def generate_catalogue():
    org = Organisation.objects.create(code="CUBE", name="The CUBE")
    channel = SalesChannel.objects.create(organisation=org, code="WEB", name="Web")
    pos = PointOfSales.objects.create(channel=channel, code="TICKETSHOP", name="Ticketshop")
    account = ApiAccount(username="CUBE_WEBSITE", point_of_sales=pos)
    account.set_secret("website-demo-key")
    account.save()
    season = cat.Season.objects.create(
        organisation=org,
        code="S1",
        name_en="Season",
        start_date="2026-09-01",
        end_date="2027-08-31",
    )
    theme = cat.Theme.objects.create(organisation=org, code="BENCH100", name_en="First hundred")
    venue = cat.Venue.objects.create(organisation=org, code="V", name_en="The CUBE")
    hall = cat.Hall.objects.create(venue=venue, code="H", name_en="Hall")
    config = cat.LogicalConfiguration.objects.create(hall=hall, code="C", name_en="Config")
    categories = [
        cat.SeatCategory.objects.create(configuration=config, code=f"CAT{i}", name_en=f"Cat {i}")
        for i in (1, 2, 3)
    ]
    general = cat.AudienceCategory.objects.create(organisation=org, code="G", name_en="General")
    adult = cat.AudienceSubcategory.objects.create(category=general, code="A", name_en="Adult")
    tariffs = [
        cat.Tariff.objects.create(
            organisation=org, code=code, name_en=code, audience_subcategory=adult
        )
        for code in ("FULL", "REDUCED")
    ]
    grid = cat.PriceGrid.objects.create(organisation=org, code="G", name_en="Grid")
    cat.Price.objects.bulk_create(
        cat.Price(grid=grid, seat_category=c, tariff=t, amount=Decimal(10 + i * 5 + j))
        for i, c in enumerate(categories)
        for j, t in enumerate(tariffs)
    )
    products = cat.Product.objects.bulk_create(
        cat.Product(
            season=season,
            code=f"P{n:05d}",
            family=cat.Family.EVENT,
            state=cat.State.RUNNING,
            name_en=f"Event {n}",
            name_fr=f"Spectacle {n}",
            description_en=f"The description of event {n}.",
            price_grid=grid,
        )
        for n in range(PRODUCTS)
    )
    cat.Product.themes.through.objects.bulk_create(
        cat.Product.themes.through(product_id=p.pk, theme_id=theme.pk) for p in products[:100]
    )
    start = timezone.now() + dt.timedelta(days=7)
    cat.Performance.objects.bulk_create(
        cat.Performance(
            product=p,
            start=start + dt.timedelta(days=i, hours=n % 5),
            duration=dt.timedelta(hours=2),
            state=cat.State.RUNNING,
            configuration=config,
        )
        for n, p in enumerate(products)
        for i in range(PERFORMANCES)
    )
    cat.SalesPeriod.objects.bulk_create(
        cat.SalesPeriod(
            product=p,
            point_of_sales=pos,
            start=timezone.now() - dt.timedelta(days=1),
            end=timezone.now() + dt.timedelta(days=365),
        )
        for p in products
    )


def timed(function, *args, **kwargs):
    begin = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - begin


def median_time(call, rounds=7):
    call()
    times = []
    for _ in range(rounds):
        begin = time.perf_counter()
        call()
        times.append(time.perf_counter() - begin)
    return statistics.median(times)


def bulk_baseline():
    """Seconds to write the first import's page rows with plain bulk inserts (Wagtail's page
    table, then the event page table), in a transaction rolled back: the floor any import of
    those pages can reach. Returns (seconds, rows)."""
    from django.db import transaction  # noqa: PLC0415
    from wagtail.models import Page  # noqa: PLC0415

    model = events.models.EventPage
    pages = list(model.objects.all())
    page_fields = [f for f in Page._meta.concrete_fields if not f.primary_key]
    own_fields = [f for f in model._meta.local_concrete_fields if f.name != "page_ptr"]
    top = Page.objects.filter(depth=1).first()
    with transaction.atomic():
        begin = time.perf_counter()
        copies = []
        for n, page in enumerate(pages):
            copy = Page(**{f.attname: getattr(page, f.attname) for f in page_fields})
            copy.path = f"{top.path}ZZZZ{n:08d}"  # out of the real tree's way
            copy.depth, copy.numchild = top.depth + 3, 0
            copy.slug = f"{page.slug}-{n}"
            copy.translation_key = uuid.uuid4()
            copies.append(copy)
        Page.objects.bulk_create(copies, batch_size=500)
        table = model._meta.db_table
        columns = ["page_ptr_id"] + [f.column for f in own_fields]
        rows = [
            [copy.pk]
            + [f.get_db_prep_save(getattr(page, f.attname), connection) for f in own_fields]
            for copy, page in zip(copies, pages, strict=True)
        ]
        marks = ", ".join(["%s"] * len(columns))
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", rows)
        seconds = time.perf_counter() - begin
        transaction.set_rollback(True)
    return seconds, 2 * len(pages)


def main():
    call_command("migrate", verbosity=0)
    generate_catalogue()
    load_site_demo()
    url = serve()
    settings.SECUTIX = {**settings.SECUTIX, "API_BASE_URL": url, "TIMEOUT_SECONDS": 120}
    settings.TICKETSHOP = {**settings.TICKETSHOP, "PUBLIC_URL": url}
    pages = PRODUCTS * len(settings.LANGUAGES)
    print(f"Catalogue: {PRODUCTS} products × {PERFORMANCES} performances, {pages} pages to make")

    first, first_s = timed(run_import)
    assert first.status == "success", first.error_log
    print(f"first import           {first_s:8.2f} s   created {first.created} pages")
    baseline_s, baseline_rows = bulk_baseline()
    print(
        f"bulk_create baseline   {baseline_s:8.2f} s   the same {baseline_rows} page rows "
        f"(page + event page tables); first import / baseline = {first_s / baseline_s:.1f}× "
        "(goal ≤ 5×)"
    )
    skipped, skipped_s = timed(run_import)
    print(
        f"unchanged re-import    {skipped_s:8.2f} s   {skipped_s / first_s:6.1%} of the first "
        f"({skipped.status}: getLastSetupUpdate said nothing changed)"
    )
    with CaptureQueriesContext(connection) as queries:
        forced, forced_s = timed(run_import, force=True)
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")
        and "secutix_integration_importrun" not in q["sql"]
    ]
    print(
        f"forced re-import       {forced_s:8.2f} s   {forced_s / first_s:6.1%} of the first, "
        f"{forced.unchanged} pages unchanged, {len(writes)} rows written"
    )

    client = Client()
    listing = "/en/events/?theme=BENCH100"
    settings.EVENTS_PER_PAGE = 100  # one page of 100 events (the site shows 12 a page)
    from home.demo_images import demo_image  # noqa: PLC0415

    teaser = demo_image("Bench teaser")  # every card with an image, its renditions cached
    events.models.EventPage.objects.filter(
        theme_codes__contains=",BENCH100,", locale__language_code="en"
    ).update(teaser_image=teaser)
    html = client.get(listing).content.decode()
    assert html.count('class="event-card"') == 100 and html.count('class="teaser"') == 100
    home = median_time(lambda: client.get("/en/"))
    print(f"home page              {home * 1000:8.1f} ms (hero, featured events, themes)")

    def cold_badges():
        cache.clear()  # every render asks the ticketshop once
        client.get(listing)

    cold = median_time(cold_badges)
    warm = median_time(lambda: client.get(listing))  # badges from the short-lived cache
    events.models.get_availabilities = lambda products=(), performances=(): {}
    plain = median_time(lambda: client.get(listing))
    events.models.get_availabilities = availability.get_availabilities
    print(
        f"100-event listing      {plain * 1000:8.1f} ms without badges; with badges "
        f"{warm * 1000:.1f} ms from the cache ({warm / plain:.2f}×), "
        f"{cold * 1000:.1f} ms asking the ticketshop ({cold / plain:.2f}×); "
        f"goal ≤ 1.15× from the cache: {'OK' if warm / plain <= 1.15 else 'ABOVE GOAL'}"
    )


if __name__ == "__main__":
    main()
