"""B2 benchmark: checkout throughput on PostgreSQL with the order lifecycle, and the expiry
task's cost.

On a fresh database of the PostgreSQL server of TEST_POSTGRES_URL (default: the one
scripts/postgres.sh starts):
1. checkout: buyers spread over 20 performances, in several PROCESSES (as gunicorn workers run),
   each order through the booking service: new cart, hold the best 2 seats, CART → PAYING,
   PAYING → PAID (one transaction each step, the lifecycle's locks); prints orders per second;
   then the same from 8 threads of ONE process (the former measure, for comparison);
2. expiry: 10 000 expired carts (one held seat each), released by the expiry task; prints seconds;
3. the expiry task and checkouts (paid, abandoned, left to expire) together for 30 s: errors and
   deadlocks (tests/ticketshop/sales/concurrency.py churn; the tests run it for 5 s).
The 200-vs-50 race itself is tests/ticketshop/sales/race.py (run by the tests on SQLite and PostgreSQL).

Usage: .venv/bin/python bench/bench_checkout.py [postgres URL] [--processes N] [--orders N]
"""

import json
import multiprocessing
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "site")]


def _arg(name, default):
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def _worker(venue_ids, jobs, threads, results):
    """One process: `threads` buyers taking orders from the `jobs` queue."""
    from django.db import connection

    from ticketshop.catalogue.models import Performance, SeatCategory, Tariff
    from ticketshop.organisation.models import PointOfSales
    from ticketshop.sales import services as sales

    pos_id, performance_ids, category_id, tariff_id = venue_ids
    pos = PointOfSales.objects.select_related("channel__organisation").get(pk=pos_id)
    performances = list(
        Performance.objects.select_related("product").filter(pk__in=performance_ids)
    )
    category = SeatCategory.objects.get(pk=category_id)
    tariff = Tariff.objects.get(pk=tariff_id)
    connection.close()
    counts = {"sold": 0, "errors": 0}
    lock = threading.Lock()

    def buyer():
        try:
            while True:
                index = jobs.get()
                if index is None:
                    return
                try:
                    cart = sales.new_cart(pos)
                    sales.hold_places(
                        cart, performances[index % len(performances)], {tariff.pk: 2}, category
                    )
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


def checkout(venue_ids, orders, processes, threads):
    ctx = multiprocessing.get_context("fork")
    jobs, results = ctx.Queue(), ctx.Queue()
    for i in range(orders):
        jobs.put(i)
    for _i in range(processes * threads):
        jobs.put(None)
    from django.db import connections

    connections.close_all()
    workers = [
        ctx.Process(target=_worker, args=(venue_ids, jobs, threads, results))
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


def venue(seats_per_performance, performances=20, code="B"):
    from tests.ticketshop.sales.concurrency import extra_performances
    from tests.ticketshop.sales.race import build_venue
    from ticketshop.catalogue.models import Season
    from ticketshop.organisation.models import Organisation, PointOfSales

    Organisation.objects.filter(code="RACE").update(code=f"OLD{time.monotonic_ns()}")
    Season.objects.filter(code="S").update(code=f"O{time.monotonic_ns() % 10**8}")
    PointOfSales.objects.filter(code="RACEPOS").update(code=f"P{time.monotonic_ns() % 10**8}")
    pos, performance, category, tariff = build_venue(seats_per_performance, 0)
    others = extra_performances(performance, performances - 1)
    from django.db import connection

    if connection.vendor == "postgresql":  # fresh tables: give the planner its statistics
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return pos, [performance, *others], category, tariff


def expiry(count):
    import datetime as dt

    from django.utils import timezone

    from ticketshop.catalogue.models import SeatAssignment
    from ticketshop.sales import services as sales
    from ticketshop.sales.models import Order, OrderLine, SeatReservation

    pos, performances, category, tariff = venue(count // 20 + 1, code="E")
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
                performance=performances[i % 20], seat_id=seats[i // 20], expires_at=past
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
    started = time.perf_counter()
    freed = sales.release_expired()
    elapsed = time.perf_counter() - started
    assert freed == count, freed
    assert not Order.objects.filter(status__in=["CART", "PAYING"]).exists()
    return elapsed


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
    processes, orders = _arg("--processes", 4), _arg("--orders", 2000)
    database, cleanup = _create_database(url)
    os.environ["DATABASE_URL"] = database
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.ticketshop.sales.race_settings"
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", run_syncdb=True, verbosity=0)
        print(f"database: {connection.vendor}, {os.cpu_count()} CPU(s)")
        pos, performances, category, tariff = venue(orders * 2 // 20 + 2)
        ids = (pos.pk, [p.pk for p in performances], category.pk, tariff.pk)
        totals, elapsed = checkout(ids, orders, processes, threads=2)
        print(
            f"checkout (lifecycle, {processes} processes x 2 threads, 20 performances): "
            f"{totals['sold']} orders of 2 seats, {totals['errors']} errors -> "
            f"{totals['sold'] / elapsed:.1f} orders/second"
        )
        pos, performances, category, tariff = venue(orders * 2 // 20 + 2)
        ids = (pos.pk, [p.pk for p in performances], category.pk, tariff.pk)
        totals, elapsed = checkout(ids, orders // 2, 1, threads=8)
        print(
            f"checkout (lifecycle, 1 process x 8 threads, 20 performances): "
            f"{totals['sold']} orders, {totals['errors']} errors -> "
            f"{totals['sold'] / elapsed:.1f} orders/second"
        )
        seconds = expiry(10_000)
        print(f"expiry task: 10000 expired carts released in {seconds:.2f} s")
    finally:
        from django.db import connections

        connections.close_all()
        cleanup()
    churn = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "booking" / "concurrency.py"), url, "churn", "30"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": ""},
    )
    if churn.returncode:
        sys.exit(churn.stderr[-3000:])
    report = json.loads(churn.stdout.strip().splitlines()[-1])
    print(
        "expiry task + checkouts together for 30 s (6 buyers, 20 performances): "
        f"{report['paid']} paid, {report['abandoned']} abandoned, {report['left']} left to "
        f"expire, {report['expired_runs']} expiry runs -> {report['error_count']} errors, "
        f"{report['deadlocks']} deadlocks"
    )


if __name__ == "__main__":
    main()
