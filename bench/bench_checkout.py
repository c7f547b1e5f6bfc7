"""B2 benchmark (issue 9): checkout throughput on PostgreSQL with the order lifecycle, through
gunicorn workers over HTTP, and the expiry task's cost.

On a fresh database of the PostgreSQL server of TEST_POSTGRES_URL (default: the one
scripts/postgres.sh starts):
1. checkout over HTTP: the product served by gunicorn (`--workers` processes x `--threads`
   threads, bench/checkout_settings.py: the test settings with production's persistent database
   connections), buyers spread over 20 performances. Each buyer signs in on the IdP first (not
   timed: the checkout is measured, not the password hash), then, `--clients` of them at once,
   each order is two requests as a browser sends them: POST the performance page (hold the best
   2 seats) and POST the cart's checkout paid by the buyer's gift voucher (CART -> PAYING -> PAID
   under the lifecycle's locks, redirected to the order). Prints orders/s, the orders' p50/p95
   (both requests) and, through the SAME server, clients and run, a trivial view's requests/s:
   the ratio is the load-independent figure (the machine is shared);
   then, for comparison with the issue's former figure, the same orders through the booking
   service from a pool of processes (hold, PAYING, PAID; no HTTP, no payment layer);
2. expiry: 10 000 expired carts (one held seat each), released by the expiry task; prints seconds;
3. with --churn: the expiry task and checkouts (paid, abandoned, left to expire) together for 30
   s through the services: errors and deadlocks (tests/ticketshop/sales/concurrency.py churn).
The 200-vs-50 race itself is tests/ticketshop/sales/race.py (run by the tests on SQLite and
PostgreSQL).

Why gunicorn and not a multiprocessing pool calling the services: the issue asks for the figure
"as gunicorn workers would run", and what limits a checkout in production is the whole request
(sessions, the IdP's contact cookie, CSRF, messages, the hold limits, the cart cookie), not only
the booking core's transactions.

Usage: .venv/bin/python bench/bench_checkout.py [postgres URL] [--workers N] [--threads N]
       [--clients N] [--orders N] [--churn]
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "site")]
SETTINGS = "bench.checkout_settings"
PERFORMANCES = 20
SEATS_PER_ORDER = 2


def _arg(name, default):
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def venue(seats_per_performance, performances=PERFORMANCES):
    from tests.ticketshop.sales.concurrency import extra_performances
    from tests.ticketshop.sales.race import build_venue
    from ticketshop.catalogue.models import Season
    from ticketshop.organisation.models import Organisation, PointOfSales

    Organisation.objects.filter(code="RACE").update(code=f"OLD{time.monotonic_ns()}")
    Season.objects.filter(code="S").update(code=f"O{time.monotonic_ns() % 10**8}")
    PointOfSales.objects.filter(code="RACEPOS").update(code=f"P{time.monotonic_ns() % 10**8}")
    pos, performance, category, tariff = build_venue(seats_per_performance, 0)
    others = extra_performances(performance, performances - 1)
    analyze()
    return pos, [performance, *others], category, tariff


def analyze():
    from django.db import connection

    if connection.vendor == "postgresql":  # fresh tables: give the planner its statistics
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _post(session, url, data):
    token = session.cookies.get("csrftoken")
    return session.post(url, {**data, "csrfmiddlewaretoken": token}, allow_redirects=False)


def sign_in(url, clients):
    """One signed-in HTTP session per buyer (the IdP's sign-in: not part of the figure)."""
    import requests

    sessions = []
    for i in range(clients):
        session = requests.Session()
        session.get(f"{url}/idp/login/", timeout=60)
        response = _post(
            session,
            f"{url}/idp/login/",
            {"email": f"buyer{i}@example.com", "password": "Race-Password-1", "next": "/"},
        )
        assert response.status_code == 302, f"sign-in answered {response.status_code}"
        sessions.append(session)
    return sessions


def buy(session, url, performance_id, category_id, tariff_id, voucher):
    """One order as a browser sends it: hold 2 seats, then pay by voucher. Raises on failure."""
    response = _post(
        session,
        f"{url}/shop/en/performance/{performance_id}/",
        {"category": category_id, f"qty_{tariff_id}": SEATS_PER_ORDER},
    )
    if response.status_code != 302:
        raise AssertionError(f"hold answered {response.status_code}")
    response = _post(
        session, f"{url}/shop/en/cart/checkout/", {"accept_terms": "1", "voucher": voucher}
    )
    if response.status_code != 302 or "/shop/en/order/" not in response.headers.get("Location", ""):
        raise AssertionError(f"checkout answered {response.status_code}")


def run_clients(sessions, work, count):
    """`count` calls of work(session, index) from one thread per session; (latencies, errors,
    elapsed)."""
    latencies, errors = [], []
    lock = threading.Lock()
    todo = iter(range(count))

    def client(session):
        while True:
            with lock:
                index = next(todo, None)
            if index is None:
                return
            started = time.perf_counter()
            try:
                work(session, index)
            except Exception as exc:  # noqa: BLE001 - counted and shown
                with lock:
                    errors.append(repr(exc)[:200])
                continue
            with lock:
                latencies.append(time.perf_counter() - started)

    threads = [threading.Thread(target=client, args=(s,)) for s in sessions]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, time.perf_counter() - started


def percentiles(latencies):
    if len(latencies) < 2:
        return 0.0, 0.0
    cuts = statistics.quantiles(latencies, n=20)
    return statistics.median(latencies) * 1000, cuts[18] * 1000


def checkout_over_http(orders, workers, threads, clients):
    from django.db import connection

    from tests.ticketshop.sales.race import LiveServer, prepare_http
    from ticketshop.payments.models import GiftVoucher
    from ticketshop.sales.models import Order, SeatReservation

    seats = (orders + clients * 4) * SEATS_PER_ORDER // PERFORMANCES + SEATS_PER_ORDER * 4
    pos, performances, category, tariff = venue(seats)
    keys = Path(tempfile.mkdtemp(prefix="bench-keys-"))
    prepare_http(pos, clients, keys)
    GiftVoucher.objects.filter(code__startswith="RACE").update(balance="1000000.00")
    analyze()
    connection.close()
    server = LiveServer(pos, keys, workers=workers, threads=threads, settings=SETTINGS)
    try:
        sessions = sign_in(server.url, clients)
        ids = [p.pk for p in performances]

        def order(session, index):
            buyer = sessions.index(session)
            buy(
                session,
                server.url,
                ids[index % PERFORMANCES],
                category.pk,
                tariff.pk,
                f"RACE{buyer}",
            )

        def trivial(session, _index):
            response = session.get(f"{server.url}/bench/trivial", timeout=60)
            if response.status_code != 200:
                raise AssertionError(f"trivial view answered {response.status_code}")

        run_clients(sessions, order, clients * 2)  # warm-up: every worker has served a checkout
        run_clients(sessions, trivial, clients * 4)
        # the baseline before AND after the checkout (the load of a shared machine drifts)
        before_latencies, before_errors, before_elapsed = run_clients(sessions, trivial, orders * 2)
        latencies, errors, elapsed = run_clients(sessions, order, orders)
        after_latencies, after_errors, after_elapsed = run_clients(sessions, trivial, orders * 2)
        base_latencies = before_latencies + after_latencies
        base_errors, base_elapsed = before_errors + after_errors, before_elapsed + after_elapsed
    finally:
        server.stop()
    sold = SeatReservation.objects.filter(status="SOLD", performance__in=performances).count()
    paid = Order.objects.filter(status="PAID", point_of_sales=pos).count()
    return {
        "orders": len(latencies),
        "errors": errors,
        "elapsed": elapsed,
        "orders_per_second": len(latencies) / elapsed,
        "p50_p95": percentiles(latencies),
        "trivial_per_second": len(base_latencies) / base_elapsed,
        "trivial_p50_p95": percentiles(base_latencies),
        "trivial_errors": base_errors,
        "paid": paid,
        "sold": sold,
        "oversold": sold - paid * SEATS_PER_ORDER,
    }


def send_confirmations():
    """The emails the checkouts queued (the outbox), sent as the django-q2 worker would: (sent,
    seconds). Not part of the orders/s: production sends them in the worker processes."""
    from ticketshop.sales.models import OrderMessage
    from ticketshop.sales.tickets import send_message

    ids = list(OrderMessage.objects.filter(sent_at__isnull=True).values_list("pk", flat=True))
    started = time.perf_counter()
    sent = sum(send_message(pk) for pk in ids)
    return sent, time.perf_counter() - started


def _service_worker(venue_ids, jobs, threads, results):
    """One process of the service-layer form: `threads` buyers taking orders from `jobs`."""
    from django.db import connection

    from ticketshop.catalogue.models import Performance, SeatCategory, Tariff
    from ticketshop.organisation.models import PointOfSales
    from ticketshop.sales import services as sales

    pos_id, performance_ids, category_id, tariff_id = venue_ids
    pos = PointOfSales.objects.select_related("channel__organisation").get(pk=pos_id)
    performances = list(
        Performance.objects.select_related("product").filter(pk__in=performance_ids)
    )
    category, tariff = SeatCategory.objects.get(pk=category_id), Tariff.objects.get(pk=tariff_id)
    connection.close()
    counts = {"sold": 0, "errors": 0}
    lock = threading.Lock()

    def buyer():
        try:
            while (index := jobs.get()) is not None:
                try:
                    cart = sales.new_cart(pos)
                    performance = performances[index % len(performances)]
                    sales.hold_places(cart, performance, {tariff.pk: SEATS_PER_ORDER}, category)
                    sales.start_payment(cart.pk, None)
                    sales.confirm_order(cart.pk)
                    outcome = "sold"
                except Exception:  # noqa: BLE001 - counted
                    outcome = "errors"
                with lock:
                    counts[outcome] += 1
        finally:
            connection.close()

    pool = [threading.Thread(target=buyer) for _i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    results.put(counts)


def checkout_through_services(orders, processes, threads=2):
    """The former form, for comparison with the issue's 48/s: the booking service called by a
    pool of processes (no HTTP, no session, no sign-in, no payment layer)."""
    import multiprocessing

    from django.db import connections

    pos, performances, category, tariff = venue(orders * SEATS_PER_ORDER // PERFORMANCES + 4)
    ids = (pos.pk, [p.pk for p in performances], category.pk, tariff.pk)
    ctx = multiprocessing.get_context("fork")
    jobs, results = ctx.Queue(), ctx.Queue()
    for i in range(orders):
        jobs.put(i)
    for _i in range(processes * threads):
        jobs.put(None)
    connections.close_all()
    workers = [
        ctx.Process(target=_service_worker, args=(ids, jobs, threads, results))
        for _i in range(processes)
    ]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    totals = {"sold": 0, "errors": 0}
    for _i in workers:
        for key, value in results.get().items():
            totals[key] += value
    elapsed = time.perf_counter() - started
    for worker in workers:
        worker.join()
    return totals, elapsed


def expiry(count):
    import datetime as dt

    from django.utils import timezone

    from ticketshop.catalogue.models import SeatAssignment
    from ticketshop.sales import services as sales
    from ticketshop.sales.models import Order, OrderLine, SeatReservation

    pos, performances, category, tariff = venue(count // PERFORMANCES + 1)
    seats = list(SeatAssignment.objects.filter(category=category).values_list("seat_id", flat=True))
    past = timezone.now() - dt.timedelta(minutes=1)
    orders = Order.objects.bulk_create(
        [
            Order(point_of_sales=pos, status=Order.Status.CART, expires_at=past)
            for _i in range(count)
        ]
    )
    reservations = SeatReservation.objects.bulk_create(
        [
            SeatReservation(
                performance=performances[i % PERFORMANCES],
                seat_id=seats[i // PERFORMANCES],
                expires_at=past,
            )
            for i in range(count)
        ]
    )
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                reservation=reservation,
                product=performances[0].product,
                performance=reservation.performance,
                seat_category=category,
                tariff=tariff,
                price="20.00",
            )
            for order, reservation in zip(orders, reservations, strict=True)
        ]
    )
    analyze()
    started = time.perf_counter()
    freed = sales.release_expired()
    elapsed = time.perf_counter() - started
    assert freed == count, freed
    assert not Order.objects.filter(status__in=["CART", "PAYING"]).exists()
    return elapsed


def churn(url):
    completed = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tests" / "ticketshop" / "sales" / "concurrency.py"),
            url,
            "churn",
            "30",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": ""},
    )
    if completed.returncode:
        sys.exit(completed.stderr[-3000:])
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    print(
        "expiry task + checkouts together for 30 s (6 buyers, 20 performances): "
        f"{report['paid']} paid, {report['abandoned']} abandoned, {report['left']} left to "
        f"expire, {report['expired_runs']} expiry runs -> {report['error_count']} errors, "
        f"{report['deadlocks']} deadlocks"
    )


def main():
    from tests.ticketshop.sales.race import _create_database

    url = (
        sys.argv[1]
        if len(sys.argv) > 1 and "://" in sys.argv[1]
        else os.environ.get("TEST_POSTGRES_URL")
        or subprocess.run(
            [str(ROOT / "scripts" / "postgres.sh")], capture_output=True, text=True, check=True
        ).stdout.strip()
    )
    # production's shared cache (sessions in front of the database, the point of sales), under
    # a prefix of this run's own
    os.environ["REDIS_URL"] = (
        os.environ.get("TEST_REDIS_URL")
        or subprocess.run(
            [str(ROOT / "scripts" / "redis.sh")], capture_output=True, text=True, check=True
        ).stdout.strip()
    )
    os.environ["BENCH_CACHE_PREFIX"] = f"bench-checkout-{os.getpid()}-{time.time_ns()}"
    workers, threads = _arg("--workers", 4), _arg("--threads", 4)
    clients, orders = _arg("--clients", 16), _arg("--orders", 1500)
    database, cleanup = _create_database(url)
    os.environ["DATABASE_URL"] = database
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", run_syncdb=True, verbosity=0)
        print(
            f"database: {connection.vendor}, {os.cpu_count()} CPU(s), load {os.getloadavg()[0]:.1f}"
        )
        r = checkout_over_http(orders, workers, threads, clients)
        print(
            f"checkout over HTTP (gunicorn {workers} workers x {threads} threads, {clients} "
            f"signed-in buyers at once, {PERFORMANCES} performances, {SEATS_PER_ORDER} seats and "
            f"a voucher per order): {r['orders']} orders in {r['elapsed']:.1f} s, "
            f"{len(r['errors'])} errors {r['errors'][:3]} -> {r['orders_per_second']:.1f} orders/s, "
            f"p50 {r['p50_p95'][0]:.0f} ms, p95 {r['p50_p95'][1]:.0f} ms per order (2 requests)"
        )
        print(
            f"baseline, trivial view through the same server and clients (before and after): "
            f"{r['trivial_per_second']:.0f} requests/s (p50 {r['trivial_p50_p95'][0]:.1f} ms, "
            f"p95 {r['trivial_p50_p95'][1]:.1f} ms), {len(r['trivial_errors'])} errors"
        )
        print(
            f"orders/s / trivial requests/s = {r['orders_per_second'] / r['trivial_per_second']:.3f}"
            f"; sold {r['sold']} seats in {r['paid']} paid orders, oversold {r['oversold']}"
        )
        sent, seconds = send_confirmations()
        print(
            f"confirmation emails, queued by the checkouts and sent by a django-q2 worker outside "
            f"the requests (here: the outbox sent in this process, locmem backend): {sent} in "
            f"{seconds:.1f} s -> {1000 * seconds / max(sent, 1):.1f} ms each"
        )
        totals, elapsed = checkout_through_services(orders, workers)
        print(
            f"checkout through the booking service ({workers} processes x 2 threads, no HTTP, "
            f"the former form): {totals['sold']} orders, {totals['errors']} errors -> "
            f"{totals['sold'] / elapsed:.1f} orders/s"
        )
        seconds = expiry(10_000)
        print(f"expiry task: 10000 expired carts released in {seconds:.2f} s")
    finally:
        from django.db import connections

        connections.close_all()
        cleanup()
    if "--churn" in sys.argv:
        churn(url)


if __name__ == "__main__":
    main()
