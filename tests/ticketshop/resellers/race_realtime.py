"""R9 + B2 on a real database: one performance whose seats are split between general sale and
three contingents (two real-time resellers, one batch reseller), sold at once by
- web buyers (threads, each through the booking service: hold the best seat, pay),
- two real-time resellers with their buyers, over HTTP (reseller_sandbox.realtime, one
  requests session each) against this process's threaded WSGI server,
- a batch integration of the third reseller's sales (its SOAP side replaced by a list),
then, on purpose, two confirms of one basket at the same moment and two baskets confirmed with
one sale reference at the same moment.

Usage: python tests/ticketshop/resellers/race_realtime.py sqlite|<postgres server URL>
       [--web N] [--buyers N] [--sales N] [--seats N]
Prints one JSON object. It creates its own database (tests/ticketshop/sales/race.py) and drops it.
"""

import argparse
import json
import os
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[3]
sys.path[:0] = [str(ROOT), str(ROOT / "site")]

from tests.ticketshop.sales.race import _create_database, build_venue, run_buyers  # noqa: E402


def serve():
    """This process's Django over HTTP (threads), on a free port: (server, base URL)."""
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    class Server(ThreadedWSGIServer):
        request_queue_size = 512  # 2 × 100 buyers connecting at once (the default is 10)

    server = Server(("127.0.0.1", 0), Quiet, allow_reuse_address=True)
    server.daemon_threads = True
    server.set_app(get_wsgi_application())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def setup(seats, split):
    from django.db import connection

    from tests.ticketshop.resellers.realtime_setup import allot, make_realtime
    from ticketshop.contacts.models import Contact
    from ticketshop.resellers.models import ContingentSeat, Mapping, ResellerInterface

    pos, performance, category, tariff = build_venue(seats, 0)
    org = pos.channel.organisation
    resellers = {}
    for code, kind in (("digitick", "DIGITICK"), ("classictic", "CLASSICTIC")):
        interface, operator, secret = make_realtime(
            org, code, kind=kind, tariffs=[(tariff, "0")], families="EVENT"
        )
        allot(interface, performance, seat_category=category, count=split)
        resellers[code] = SimpleNamespace(interface=interface, operator=operator, secret=secret)
    waiting = Contact.objects.create(organisation=org, email="w@x.example", first_name="F")
    fnac = ResellerInterface.objects.create(
        code="fnac", name_en="FNAC", external_channel=pos.channel, point_of_sales=pos,
        waiting_contact=waiting, manager_code="X", sales_url="http://127.0.0.1:9/",
        allotment_url="http://127.0.0.1:9/", prepare_access_url="http://127.0.0.1:9/",
        get_access_url="http://127.0.0.1:9/", allotment_user="a", sales_user="s",
        access_user="c", allowed_families="EVENT",
    )  # fmt: skip
    for kind, object_id, external in (
        (Mapping.Kind.EVENT, performance.product_id, "M1"),
        (Mapping.Kind.TARIFF, tariff.pk, "0"),
    ):
        Mapping.objects.create(interface=fnac, kind=kind, object_id=object_id, external_id=external)
    contingent, places = allot(fnac, performance, seat_category=category, count=split // 2)
    ContingentSeat.objects.filter(contingent=contingent).update(state="EXPORTED")
    connection.close()
    return SimpleNamespace(
        pos=pos, performance=performance, category=category, tariff=tariff,
        resellers=resellers, fnac=fnac, fnac_seats=[p.seat_id for p in places],
    )  # fmt: skip


def batch_integration(world, barrier, results):
    """The FNAC-like reseller sold every seat of its contingent: integrate them meanwhile."""
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from ticketshop.resellers import services

    at = timezone.now() - dt.timedelta(minutes=1)
    lines = [
        SimpleNamespace(
            saleId=f"F{seat_id}",
            kind="SALE",
            performanceCode=str(world.performance.pk),
            manifestationId="M1",
            customerCategoryId="0",
            seatId=str(seat_id),
            categoryId="",
            price="20.00",
            firstName="Fnac",
            lastName=f"Buyer {seat_id}",
            barcode=None,
            at=at,
        )  # fmt: skip
        for seat_id in world.fnac_seats
    ]

    class Reseller:
        def __init__(self, interface):
            pass

        def get_sales(self, since, until=None):
            return lines

    services.client_factory = Reseller
    try:
        barrier.wait()
        run = services.integrate_sales(world.fnac)
        results.append(
            {
                "state": run.state,
                "orders": run.orders_created,
                "errors": list(run.errors.values_list("message", flat=True)),
            }
        )
    finally:
        connection.close()


def at_once(calls):
    """Run the HTTP calls at the same moment; their answers."""
    barrier = threading.Barrier(len(calls))
    answers = [None] * len(calls)

    def go(i, call):
        barrier.wait()
        answers[i] = call()

    threads = [threading.Thread(target=go, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def double_confirms(base, reseller, performance, category):
    """Two confirms of one basket at once; two baskets confirmed with one reference at once."""
    from reseller_sandbox.realtime import Reseller

    client = Reseller(base, reseller.operator, reseller.secret)
    out = {}

    def hold():
        session = client.session()
        status, basket = client.call(
            session, "POST", "baskets",
            json={"performance": performance, "category": category,
                  "tickets": [{"customerCategory": "0", "quantity": 1}]},
        )  # fmt: skip
        return basket if status == 201 else None

    def confirm(basket, reference):
        def call():
            return client.call(
                client.session(), "POST", f"baskets/{basket['basket']}/confirm",
                json={"saleReference": reference, "beneficiaries": ["Twice Once"]},
            )  # fmt: skip

        return call

    basket = hold()
    if basket is None:
        return {"skipped": "no place left"}
    answers = at_once([confirm(basket, "SAME-BASKET")] * 2)
    out["same_basket"] = sorted((s, b.get("order", {}).get("id")) for s, b in answers)
    first, second = hold(), hold()
    if first is None or second is None:
        return out | {"skipped": "no place left"}
    answers = at_once([confirm(first, "SAME-REF"), confirm(second, "SAME-REF")])
    out["same_reference"] = sorted((s, b.get("order", {}).get("id")) for s, b in answers)
    return out


def check(world, reports):
    from django.db.models import Count

    from ticketshop.resellers.models import Basket, ContingentSeat, ResellerSale
    from ticketshop.sales.models import Order, OrderLine, SeatReservation

    doubles = (
        SeatReservation.objects.filter(status__in=["HELD", "SOLD"], seat__isnull=False)
        .values("performance_id", "seat_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    sold_lines = OrderLine.objects.filter(
        order__status="PAID", cancelled_at__isnull=True
    ).select_related("reservation")
    per_interface = {}
    outside = 0
    for basket in Basket.objects.filter(state="CONFIRMED").select_related("interface"):
        lines = list(sold_lines.filter(order=basket.order_id))
        per_interface.setdefault(basket.interface.code, 0)
        per_interface[basket.interface.code] += len(lines)
        outside += sum(
            1
            for line in lines
            if not ContingentSeat.objects.filter(
                reservation_id=line.reservation_id, contingent__interface=basket.interface
            ).exists()
        )
    allotted = {
        code: r.interface.contingents.get().seats.exclude(state="SALE_CANCELLED").count()
        for code, r in world.resellers.items()
    }
    confirmed_orders = set(
        Basket.objects.filter(state="CONFIRMED").values_list("order_id", flat=True)
    )
    reported = {}
    for report in reports:
        for reference, _basket, order, _barcodes in report["sales"]:
            reported[reference] = order
    wrong_order = sum(
        1
        for reference, order in reported.items()
        if Basket.objects.get(sale_reference=reference).order_id != order
    )
    reseller_pos = {r.interface.point_of_sales_id for r in world.resellers.values()}
    orders_without_basket = (
        Order.objects.filter(point_of_sales_id__in=reseller_pos, status="PAID")
        .exclude(pk__in=confirmed_orders)
        .count()
    )
    return {
        "seats_taken_twice": doubles,
        "sold_per_reseller": per_interface,
        "allotted": allotted,
        "oversold": sum(max(0, per_interface.get(code, 0) - allotted[code]) for code in allotted),
        "reseller_seats_outside_their_contingent": outside,
        "confirmed_sales": len(reported),
        "sales_with_another_order": wrong_order,
        "orders_without_basket": orders_without_basket,
        "batch_orders": ResellerSale.objects.filter(interface=world.fnac).count(),
        "web_sold": OrderLine.objects.filter(
            order__point_of_sales=world.pos, order__status="PAID", order__reseller_sale=None
        ).count(),
    }


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("target")
    parser.add_argument("--web", type=int, default=20)
    parser.add_argument("--buyers", type=int, default=5)
    parser.add_argument("--sales", type=int, default=25)
    parser.add_argument("--seats", type=int, default=120)
    args = parser.parse_args(argv[1:])
    url, cleanup = _create_database(args.target)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.ticketshop.sales.race_settings"
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from reseller_sandbox.realtime import run_buyers as reseller_buyers

        call_command("migrate", run_syncdb=True, verbosity=0)
        split = args.seats // 5  # 2 real-time contingents of split, FNAC split/2, the rest web
        world = setup(args.seats, split)
        server, base = serve()
        reports, batch = [], []
        barrier = threading.Barrier(1 + len(world.resellers))

        def reseller(r):
            barrier.wait()
            try:
                reports.append(
                    reseller_buyers(base, r.operator, r.secret, args.buyers, args.sales,
                                    world.performance.pk)
                )  # fmt: skip
            except Exception as exc:  # noqa: BLE001 — reported: the test fails on it
                reports.append(
                    {"operator": r.operator, "sold": 0, "sold_out": 0, "elapsed_seconds": 0,
                     "sales": [], "errors": [f"{type(exc).__name__}: {exc}"]}
                )  # fmt: skip

        threads = [threading.Thread(target=reseller, args=(r,)) for r in world.resellers.values()]
        threads.append(threading.Thread(target=batch_integration, args=(world, barrier, batch)))
        for thread in threads:
            thread.start()
        web, web_elapsed = run_buyers(
            world.pos, world.performance, world.category, world.tariff, args.web,
            workers=min(args.web, 10),
        )  # fmt: skip
        for thread in threads:
            thread.join()
        from tests.ticketshop.resellers.realtime_setup import allot

        digitick = world.resellers["digitick"].interface
        allot(digitick, world.performance, seat_category=world.category, count=3)  # for these:
        doubles = double_confirms(
            base, world.resellers["digitick"], world.performance.pk, world.category.pk
        )
        connection.close()
        report = check(world, reports)
        report.update(
            vendor=connection.vendor,
            web={"sold": web.count("sold"), "refused": web.count("refused")},
            resellers={
                r["operator"]: {k: r[k] for k in ("sold", "sold_out", "elapsed_seconds")}
                for r in reports
            },
            batch=batch,
            errors=[e for e in web if e.startswith("error")][:5]
            + [e for r in reports for e in r["errors"]][:5],
            doubles=doubles,
        )
        server.shutdown()
        connection.close()
        print(json.dumps(report))
    finally:
        from django.db import connections

        connections.close_all()
        cleanup()


if __name__ == "__main__":
    main(sys.argv)
