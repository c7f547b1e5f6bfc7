"""B2: buyers racing for the last places of a performance, each in its own thread and database
connection, through the one booking service (hold the best seat, then confirm).

Usage: python tests/ticketshop/sales/race.py sqlite|<postgres server URL> [buyers] [free seats]
       [--services] [--bench]
By default each buyer goes through real HTTP against a live server (gunicorn, several worker
processes: sign in on the IdP, hold one seat on the performance page, pay with their gift voucher) and every answer must be a redirect or the
"not enough seats" page; --services calls the booking service directly (hold + confirm).
Prints one JSON object: sold, refused, errors, seats in two orders, oversell, elapsed and, with
--bench, the checkout throughput (orders per second) of buyers who all get their seats.
It creates its own database (a temporary SQLite file, or a fresh PostgreSQL database it drops).
"""

import datetime as dt
import json
import os
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[3]
sys.path[:0] = [str(ROOT), str(ROOT / "site")]


def _create_database(target):
    """(DATABASE_URL, cleanup) of a fresh database for this run."""
    if target == "sqlite":
        path = Path(tempfile.mkdtemp(prefix="race-")) / "race.sqlite3"
        return f"sqlite:///{path}", lambda: None
    import psycopg

    name = f"race_{uuid.uuid4().hex[:12]}"
    parts = urlsplit(target)
    with psycopg.connect(target, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(target, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit(parts._replace(path=f"/{name}")), drop


def build_venue(seat_count, sold_count, rows_of=25):
    from django.utils import timezone

    from ticketshop.catalogue import models as cat
    from ticketshop.organisation.models import Organisation, PointOfSales, SalesChannel
    from ticketshop.sales.models import SeatReservation

    org = Organisation.objects.create(code="RACE", name="Race", currency="EUR")
    channel = SalesChannel.objects.create(organisation=org, code="WEB", name="Web")
    pos = PointOfSales.objects.create(channel=channel, code="RACEPOS", name="Race")
    today = dt.date.today()
    season = cat.Season.objects.create(
        organisation=org, code="S", name_en="S", start_date=today, end_date=today
    )
    venue = cat.Venue.objects.create(organisation=org, code="V", name_en="V")
    hall = cat.Hall.objects.create(venue=venue, code="H", name_en="H")
    zone = cat.Zone.objects.create(hall=hall, code="Z", name_en="Z")
    block = cat.Block.objects.create(zone=zone, code="B", name_en="B")
    conf = cat.LogicalConfiguration.objects.create(hall=hall, code="C", name_en="C")
    category = cat.SeatCategory.objects.create(configuration=conf, code="CAT1", name_en="Cat 1")
    seats = cat.Seat.objects.bulk_create(
        [
            cat.Seat(block=block, row=f"R{i // rows_of:03d}", number=i % rows_of + 1)
            for i in range(seat_count)
        ]
    )
    cat.SeatAssignment.objects.bulk_create(
        [cat.SeatAssignment(configuration=conf, seat=s, category=category) for s in seats]
    )
    audience = cat.AudienceCategory.objects.create(organisation=org, code="GP", name_en="GP")
    adult = cat.AudienceSubcategory.objects.create(category=audience, code="A", name_en="A")
    tariff = cat.Tariff.objects.create(
        organisation=org, code="FULL", name_en="Full", audience_subcategory=adult
    )
    grid = cat.PriceGrid.objects.create(organisation=org, code="G", name_en="G")
    cat.Price.objects.create(grid=grid, seat_category=category, tariff=tariff, amount="20.00")
    product = cat.Product.objects.create(
        season=season, code="RACE", family=cat.Family.EVENT, state="RUNNING", price_grid=grid
    )
    performance = cat.Performance.objects.create(
        product=product,
        start=timezone.now() + dt.timedelta(days=7),
        duration=dt.timedelta(hours=2),
        state="RUNNING",
        configuration=conf,
    )
    SeatReservation.objects.bulk_create(
        [
            SeatReservation(performance=performance, seat=s, status="SOLD")
            for s in seats[:sold_count]
        ]
    )
    return pos, performance, category, tariff


def run_buyers(pos, performance, category, tariff, buyers, places_each=1, workers=None):
    from django.db import connection

    from ticketshop.sales.services import (
        NotEnoughPlaces,
        confirm_order,
        hold_places,
        new_cart,
        start_payment,
    )

    results = []
    lock = threading.Lock()
    barrier = threading.Barrier(workers or buyers)
    todo = list(range(buyers))

    def buyer():
        try:
            barrier.wait()
            while True:
                with lock:
                    if not todo:
                        return
                    todo.pop()
                try:
                    cart = new_cart(pos)
                    hold_places(cart, performance, {tariff.pk: places_each}, category)
                    start_payment(cart.pk, None)
                    confirm_order(cart.pk)
                    outcome = "sold"
                except NotEnoughPlaces:
                    outcome = "refused"
                except Exception as exc:  # noqa: BLE001 - reported, the test fails on it
                    outcome = f"error: {exc!r}"
                with lock:
                    results.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=buyer) for _i in range(workers or buyers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started


def prepare_http(pos, buyers, keys_dir):
    """Settings, keys, and one signed-up contact with a gift voucher per buyer."""
    from django.conf import settings
    from django.core.management import call_command

    from ticketshop.contacts.models import Contact
    from ticketshop.payments.models import GiftVoucher

    settings.TICKETSHOP = {
        **settings.TICKETSHOP,
        "KEYS_DIR": keys_dir,
        "ORGANISATION_CODE": pos.channel.organisation.code,
        "CHANNEL_CODE": pos.channel.code,
        "POINT_OF_SALES_CODE": pos.code,
        "COOKIE_DOMAIN": "",
    }
    call_command("generate_saml_keys", stdout=open(os.devnull, "w"))  # noqa: SIM115
    org = pos.channel.organisation
    for i in range(buyers):
        contact = Contact(
            organisation=org, email=f"buyer{i}@example.com", first_name="B", last_name=str(i)
        )
        contact.set_password("Race-Password-1")
        contact.save()
    GiftVoucher.objects.bulk_create(
        [GiftVoucher(organisation=org, code=f"RACE{i}", balance="100.00") for i in range(buyers)]
    )


class LiveServer:
    """The product served by gunicorn (several worker processes, real sockets) on this run's
    database: the race goes through HTTP as browsers would, middleware and CSRF included."""

    def __init__(
        self, pos, keys_dir, workers=3, threads=16, settings="tests.ticketshop.sales.race_settings"
    ):
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        env = {
            **os.environ,
            "PYTHONPATH": f"{ROOT}:{ROOT / 'site'}",
            "DJANGO_SETTINGS_MODULE": settings,
            "SECUTIX_KEYS_DIR": str(keys_dir),
            "SECUTIX_ORGANISATION_CODE": pos.channel.organisation.code,
            "SECUTIX_CHANNEL_CODE": pos.channel.code,
            "SECUTIX_POINT_OF_SALES_CODE": pos.code,
            "SECUTIX_COOKIE_DOMAIN": "",
        }
        import subprocess

        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                f"--workers={workers}",
                f"--threads={threads}",
                f"--bind=127.0.0.1:{self.port}",
                "--log-level=warning",
                "--timeout=120",
                "--preload",
                "website.wsgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            start_new_session=True,  # stopped as a group, never left behind
        )
        self.url = f"http://127.0.0.1:{self.port}"
        import requests

        deadline = time.monotonic() + 180
        try:
            while True:
                try:  # each worker loads its URLconf on its first request: warm them all
                    for _i in range(workers * 2):
                        requests.get(f"{self.url}/idp/login/", timeout=120)
                    break
                except requests.ConnectionError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
        except BaseException:
            self.stop()
            raise

    def stop(self):
        import signal

        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except Exception:  # noqa: BLE001 - never leave the server behind
            os.killpg(self.process.pid, signal.SIGKILL)


def _csrf_post(session, url, data):
    token = session.cookies.get("csrftoken")
    return session.post(url, {**data, "csrfmiddlewaretoken": token}, allow_redirects=False)


def run_http_buyers(server, performance, category, tariff, buyers):
    """Each buyer, in its own thread, signs in on the IdP, holds a seat and pays, over real HTTP
    against the live server (gunicorn workers, each with its own database connections)."""
    import requests

    results = []
    lock = threading.Lock()
    barrier = threading.Barrier(buyers)

    def buyer(i):
        session = requests.Session()
        session.headers["Connection"] = "close"  # no idle keep-alive for the server to reset
        try:
            session.get(f"{server.url}/idp/login/", timeout=60)
            response = _csrf_post(
                session,
                f"{server.url}/idp/login/",
                {"email": f"buyer{i}@example.com", "password": "Race-Password-1", "next": "/"},
            )
            if response.status_code != 302:
                barrier.abort()  # the others fail at once instead of waiting forever
                raise AssertionError(f"sign-in answered {response.status_code}")
            barrier.wait(timeout=300)
            response = _csrf_post(
                session,
                f"{server.url}/shop/en/performance/{performance.pk}/",
                {"category": category.pk, f"qty_{tariff.pk}": 1},
            )
            if response.status_code == 400 and "Not enough seats" in response.text:
                outcome = "refused"
            elif response.status_code != 302:
                outcome = f"error: hold answered {response.status_code}"
            else:
                response = _csrf_post(
                    session,
                    f"{server.url}/shop/en/cart/checkout/",
                    {"accept_terms": "1", "voucher": f"RACE{i}"},
                )
                location = response.headers.get("Location", "")
                if response.status_code == 302 and "/shop/en/order/" in location:
                    outcome = "sold"
                else:
                    outcome = f"error: checkout answered {response.status_code} {location}"
        except Exception as exc:  # noqa: BLE001 - reported, the test fails on it
            outcome = f"error: {exc!r}"
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=buyer, args=(i,)) for i in range(buyers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started


def check(performance, sold_before):
    from django.db.models import Count

    from ticketshop.sales.models import Order, OrderLine, SeatReservation

    sold_seats = SeatReservation.objects.filter(performance=performance, status="SOLD").count()
    doubles = (
        OrderLine.objects.filter(order__status="PAID", performance=performance)
        .values("reservation__seat_id")
        .annotate(n=Count("order_id", distinct=True))
        .filter(n__gt=1)
        .count()
    )
    capacity = performance.configuration.assignments.count()
    return {
        "sold_in_race": sold_seats - sold_before,
        "paid_orders": Order.objects.filter(status="PAID").count(),
        "seats_in_two_orders": doubles,
        "oversell": max(sold_seats - capacity, 0) + doubles,
    }


def main(argv):
    target = argv[1]
    buyers = int(argv[2]) if len(argv) > 2 and argv[2].isdigit() else 200
    free = int(argv[3]) if len(argv) > 3 and argv[3].isdigit() else 50
    url, cleanup = _create_database(target)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.ticketshop.sales.race_settings"
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", run_syncdb=True, verbosity=0)
        sold_before = 200
        pos, performance, category, tariff = build_venue(sold_before + free, sold_before)
        connection.close()
        if "--services" in argv:
            results, elapsed = run_buyers(pos, performance, category, tariff, buyers)
        else:
            keys = Path(tempfile.mkdtemp(prefix="race-keys-"))
            prepare_http(pos, buyers, keys)
            connection.close()
            # SQLite (the embedded mode) serialises writers: a few request threads, else a
            # writer can starve past the product's 30 s busy timeout on a loaded machine
            sqlite = connection.vendor == "sqlite"
            server = LiveServer(pos, keys, workers=2 if sqlite else 3, threads=4 if sqlite else 16)
            try:
                results, elapsed = run_http_buyers(server, performance, category, tariff, buyers)
            finally:
                server.stop()
        report = {
            "mode": "services" if "--services" in argv else "live-http",
            "vendor": connection.vendor,
            "buyers": buyers,
            "free_seats": free,
            "sold": results.count("sold"),
            "refused": results.count("refused"),
            "errors": [r for r in results if r.startswith("error")][:5],
            "elapsed_seconds": round(elapsed, 3),
            **check(performance, sold_before),
        }
        if "--bench" in argv:
            pos2, perf2, cat2, tariff2 = build_venue_for_bench(buyers)
            connection.close()
            bench_results, bench_elapsed = run_buyers(
                pos2, perf2, cat2, tariff2, buyers, places_each=2, workers=8
            )
            report["bench_orders"] = bench_results.count("sold")
            report["bench_errors"] = [r for r in bench_results if r != "sold"][:5]
            report["orders_per_second"] = round(bench_results.count("sold") / bench_elapsed, 1)
        connection.close()
        print(json.dumps(report))
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001
            pass
        cleanup()


def build_venue_for_bench(orders):
    from ticketshop.catalogue import models as cat
    from ticketshop.organisation.models import Organisation

    Organisation.objects.filter(code="RACE").update(code="RACEOLD")
    cat.Season.objects.filter(code="S").update(code="SOLD")
    from ticketshop.organisation.models import PointOfSales

    PointOfSales.objects.filter(code="RACEPOS").update(code="RACEPOSOLD")
    return build_venue(orders * 2, 0)


if __name__ == "__main__":
    main(sys.argv)
