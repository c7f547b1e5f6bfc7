"""B1/B2 under real concurrency, on a fresh database (PostgreSQL or SQLite), each actor in its
own thread and connection, through the booking and payment services.

Usage: python tests/ticketshop/sales/concurrency.py <postgres server URL | sqlite> <scenario> [seconds]
Scenarios (each prints one JSON object):
- expiry-vs-success: carts being paid (voucher + card) expire while their card successes
  arrive; the expiry task runs concurrently. Never EXPIRED with paid_at, never a voucher spent
  twice or given back twice.
- churn [seconds]: checkouts over 20 performances, carts abandoned and expiring, the expiry task
  looping, all at once: counts errors (deadlocks included).
- quota [--no-performance-lock]: 60 buyers race for 20 places of an unseated performance (a
  quota: no unique seat to save the day); without the performance lock it oversells.
- parallel-performances: while a buyer of performance A holds A's lock, a buyer of performance
  B is not kept waiting, and a second buyer of A is.
"""

import datetime as dt
import json
import os
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path[:0] = [str(ROOT), str(ROOT / "site")]

from tests.ticketshop.sales.race import _create_database, build_venue  # noqa: E402


def _threads(target, args_list):
    threads = [threading.Thread(target=target, args=args) for args in args_list]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _closing(fn):
    from django.db import connection

    def run(*args):
        try:
            return fn(*args)
        finally:
            connection.close()

    return run


def extra_performances(performance, count):
    from ticketshop.catalogue.models import Performance

    made = []
    for i in range(count):
        copy = Performance.objects.get(pk=performance.pk)
        copy.pk = None
        copy.start = performance.start + dt.timedelta(days=1 + i)
        copy.save()
        made.append(Performance.objects.select_related("product").get(pk=copy.pk))
    return made


def paying_carts(pos, performance, category, tariff, count):
    """`count` carts of one seat, each paid by a 5.00 voucher and a pending card payment."""
    from ticketshop.contacts.models import Contact
    from ticketshop.payments import services as payments
    from ticketshop.payments.models import GiftVoucher
    from ticketshop.sales import services as sales

    org = pos.channel.organisation
    cards = []
    for i in range(count):
        contact = Contact.objects.create(organisation=org, email=f"c{i}@example.com")
        GiftVoucher.objects.create(organisation=org, code=f"V{i}", balance="5.00")
        cart = sales.new_cart(pos, contact)
        sales.hold_places(cart, performance, {tariff.pk: 1}, category)
        started = payments.pay(
            cart, contact, voucher_code=f"V{i}", urls=lambda ref: ("http://x/", "x", "x")
        )
        cards.append((started.order.pk, cart.payments.get(method="CARD").reference))
    return cards


def expiry_vs_success(pos, performance, category, tariff):
    from django.db import connection
    from django.utils import timezone

    from ticketshop.payments import services as payments
    from ticketshop.payments.models import GiftVoucher, Payment
    from ticketshop.sales import services as sales
    from ticketshop.sales.models import Order, SeatReservation

    cards = paying_carts(pos, performance, category, tariff, 60)
    past = timezone.now() - dt.timedelta(seconds=1)
    Order.objects.update(expires_at=past)
    SeatReservation.objects.filter(status="HELD").update(expires_at=past)
    connection.close()
    errors = []
    barrier = threading.Barrier(5)

    @_closing
    def expirer():
        barrier.wait()
        for _i in range(30):
            try:
                sales.release_expired()
            except Exception as exc:  # noqa: BLE001 - reported
                errors.append(repr(exc))

    @_closing
    def notifier(part):
        barrier.wait()
        for _order_id, reference in cards[part::4]:
            try:
                payments.record_outcome(reference, "SUCCEEDED", None)
            except Exception as exc:  # noqa: BLE001 - reported
                errors.append(repr(exc))

    _threads(lambda f, *a: f(*a), [(expirer,)] + [(notifier, i) for i in range(4)])
    sales.release_expired()
    orders = Order.objects.all()
    vouchers_wrong = 0
    for i, (order_id, _ref) in enumerate(cards):
        voucher = GiftVoucher.objects.get(code=f"V{i}")
        spent = sum(
            p.amount
            for p in Payment.objects.filter(order_id=order_id, method="VOUCHER", status="CAPTURED")
        )
        if voucher.balance + spent != Decimal("5.00"):
            vouchers_wrong += 1
    return {
        "errors": errors[:5],
        "orders": orders.count(),
        "paid": orders.filter(status="PAID").count(),
        "expired": orders.filter(status="EXPIRED").count(),
        "expired_with_paid_at": orders.filter(status="EXPIRED", paid_at__isnull=False).count(),
        "unrecorded_captures": Payment.objects.filter(method="CARD", status="ABANDONED").count(),
        "captured_not_sold": Payment.objects.filter(
            method="CARD", status="CAPTURED", order__status__in=["EXPIRED", "CART"]
        ).count(),
        "vouchers_wrong": vouchers_wrong,
        "sold_seats": SeatReservation.objects.filter(status="SOLD").count(),
    }


def churn(pos, performance, category, tariff, seconds):
    """Buyers over 20 performances: hold 2, pay (voucher+card, then success; or abandon; or let
    expire), while the expiry task loops. Every error counts, deadlocks first."""
    from django.db import connection
    from django.utils import timezone

    from ticketshop.contacts.models import Contact
    from ticketshop.payments import services as payments
    from ticketshop.payments.models import GiftVoucher
    from ticketshop.sales import services as sales
    from ticketshop.sales.models import Order, SeatReservation

    performances = [performance, *extra_performances(performance, 19)]
    org = pos.channel.organisation
    contacts = [
        Contact.objects.create(organisation=org, email=f"b{i}@example.com") for i in range(6)
    ]
    connection.close()
    stop = time.monotonic() + seconds
    errors, done = [], {"paid": 0, "abandoned": 0, "left": 0, "refused": 0, "expired_runs": 0}
    lock = threading.Lock()

    @_closing
    def buyer(i):
        contact = contacts[i]
        n = 0
        while time.monotonic() < stop:
            n += 1
            code = f"W{i}-{n}"
            try:
                GiftVoucher.objects.create(organisation=org, code=code, balance="10.00")
                cart = sales.new_cart(pos, contact)
                perf = performances[(i * 7 + n) % len(performances)]
                sales.hold_places(cart, perf, {tariff.pk: 2}, category)
                started = payments.pay(
                    cart, contact, voucher_code=code, urls=lambda ref: ("http://x/", "x", "x")
                )
                reference = started.order.payments.get(method="CARD").reference
                kind = (n + i) % 3  # the buyers' first rounds already cover all three
                if kind == 0:
                    payments.record_outcome(reference, "SUCCEEDED", None)
                    outcome = "paid"
                elif kind == 1:
                    payments.abandon_payment(started.order)
                    sales.cancel_cart(cart.pk)
                    outcome = "abandoned"
                else:  # left to expire, its success arriving later
                    Order.objects.filter(pk=cart.pk).update(
                        expires_at=timezone.now() - dt.timedelta(seconds=1)
                    )
                    SeatReservation.objects.filter(line__order=cart).update(
                        expires_at=timezone.now() - dt.timedelta(seconds=1)
                    )
                    payments.record_outcome(reference, "SUCCEEDED", None)
                    outcome = "left"
            except sales.NotEnoughPlaces:
                outcome = "refused"
            except Exception as exc:  # noqa: BLE001 - reported, the test fails on it
                with lock:
                    errors.append(repr(exc))
                continue
            with lock:
                done[outcome] += 1

    @_closing
    def expirer():
        while time.monotonic() < stop:
            try:
                sales.release_expired()
                with lock:
                    done["expired_runs"] += 1
            except Exception as exc:  # noqa: BLE001 - reported
                with lock:
                    errors.append(repr(exc))

    _threads(lambda f, *a: f(*a), [(expirer,)] + [(buyer, i) for i in range(6)])
    orders = Order.objects.all()
    return {
        **done,
        "errors": errors[:5],
        "error_count": len(errors),
        "deadlocks": sum("deadlock" in e.lower() for e in errors),
        "expired_with_paid_at": orders.filter(status="EXPIRED", paid_at__isnull=False).count(),
    }


def quota(pos, performance, category, tariff, without_lock):
    from ticketshop.catalogue.models import Performance, Product
    from ticketshop.sales import holds, lifecycle
    from ticketshop.sales import services as sales
    from ticketshop.sales.models import SeatReservation

    product = Product.objects.create(
        season=performance.product.season,
        code="QUOTA",
        family=performance.product.family,
        state="RUNNING",
        price_grid=performance.product.price_grid,
        quota=20,
    )
    from ticketshop.catalogue.models import Price

    Price.objects.create(grid=product.price_grid, seat_category=None, tariff=tariff, amount="9.00")
    unseated = Performance.objects.create(
        product=product,
        start=performance.start,
        duration=performance.duration,
        state="RUNNING",
        configuration=performance.configuration,
    )
    unseated = Performance.objects.select_related("product").get(pk=unseated.pk)
    taken = holds.quota_taken

    def slow_quota_taken(*args, **kwargs):
        value = taken(*args, **kwargs)
        time.sleep(0.02)  # widen the window between counting and holding
        return value

    holds.quota_taken = slow_quota_taken
    if without_lock:
        real = lifecycle.lock_places
        holds.lock_places = lambda product_ids=(), performance_ids=(): real(product_ids, ())
    from django.db import connection

    connection.close()
    results, lock = [], threading.Lock()
    barrier = threading.Barrier(60)

    @_closing
    def buyer():
        barrier.wait()
        try:
            cart = sales.new_cart(pos)
            sales.hold_places(cart, unseated, {tariff.pk: 1})
            outcome = "held"
        except sales.NotEnoughPlaces:
            outcome = "refused"
        except Exception as exc:  # noqa: BLE001 - reported
            outcome = f"error: {exc!r}"
        with lock:
            results.append(outcome)

    _threads(buyer, [() for _i in range(60)])
    held = SeatReservation.objects.filter(performance=unseated, status="HELD").count()
    return {
        "held": held,
        "quota": 20,
        "oversell": max(held - 20, 0),
        "errors": [r for r in results if r.startswith("error")][:5],
    }


def parallel_performances(pos, performance, category, tariff):
    """A holds performance A's lock for 3 s; B (another performance) must not wait for it, a
    second buyer of A must."""
    from django.db import connection, transaction

    from ticketshop.sales import lifecycle
    from ticketshop.sales import services as sales

    (other,) = extra_performances(performance, 1)
    carts = [sales.new_cart(pos) for _i in range(3)]
    connection.close()
    locked, timings = threading.Event(), {}

    @_closing
    def holder():
        with transaction.atomic():
            lifecycle.lock_order(carts[0].pk)
            lifecycle.lock_places(performance_ids=[performance.pk])
            locked.set()
            time.sleep(3)

    @_closing
    def buyer(name, cart, perf):
        locked.wait()
        started = time.monotonic()
        sales.hold_places(cart, perf, {tariff.pk: 1}, category)
        timings[name] = round(time.monotonic() - started, 2)

    _threads(
        lambda f, *a: f(*a),
        [(holder,), (buyer, "other_performance", carts[1], other)]
        + [(buyer, "same_performance", carts[2], performance)],
    )
    return timings


def main(argv):
    target, scenario = argv[1], argv[2]
    url, cleanup = _create_database(target)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.ticketshop.sales.race_settings"
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", run_syncdb=True, verbosity=0)
        from django.urls import reverse

        reverse("payments:testcard_page")  # the URLconf loaded once, before the clock starts
        venue = build_venue(600, 0)
        if scenario == "expiry-vs-success":
            report = expiry_vs_success(*venue)
        elif scenario == "churn":
            report = churn(*venue, float(argv[3]) if len(argv) > 3 else 5)
        elif scenario == "quota":
            report = quota(*venue, "--no-performance-lock" in argv)
        else:
            report = parallel_performances(*venue)
        report["vendor"] = connection.vendor
        connection.close()
        print(json.dumps(report))
    finally:
        from django.db import connections

        connections.close_all()
        cleanup()


if __name__ == "__main__":
    main(sys.argv)
