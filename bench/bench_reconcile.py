"""R11 benchmark: the reconciliation report of one season of the P6 catalogue, on SQLite, over
the network (the sandbox's EtatVentes over SOAP on a real HTTP server thread).

One season of N performances (default 200) in a hall of 900 seats, every seat allotted to the
FNAC interface's contingents and exported; the reseller sold S seats (default 5 000) and
cancelled C (default 200), all integrated, then sold P more (default 50) that are not: the
report must name exactly those P. Both sides are written in bulk, in the shape the export and
the integration leave them (those runs have their own benchmark, bench_resellers.py). Its time is printed beside baselines in the same run: a plain
count of the same rows (contingent seats, reseller sales, tickets) and the bare getSales call.
Then the settlement statement of the sales period, checked against a plain SUM of the orders.

Usage: .venv/bin/python bench/bench_reconcile.py [--performances N] [--sales S] [--cancels C]
       [--planted P]
"""

import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_resellers as base  # noqa: E402  (the P6 catalogue's builder)


def timed(label, figures, call):
    started = time.perf_counter()
    result = call()
    figures[label] = round(time.perf_counter() - started, 3)
    print(f"{label:<52} {figures[label]:>8.3f} s", flush=True)
    return result


def seed(fnac, perfs, seats, category, tariff, pos, waiting, sales, cancels, planted):
    """Both sides in bulk: every seat of every performance in FNAC's contingent, exported and
    held by the sandbox; `sales` sold there and integrated here (paid orders on the waiting
    account), the first `cancels` of them cancelled on both sides, then `planted` sold there
    only."""
    from django.db import transaction
    from django.utils import timezone

    from reseller_sandbox.models import HeldSeat, SaleLine, SandboxInstance
    from ticketshop.resellers.models import Contingent, ContingentSeat, ResellerSale
    from ticketshop.sales.models import Order, OrderLine, SeatReservation

    now = timezone.now()
    instance = SandboxInstance.objects.get(slug="fnac")
    batch = 5000
    with transaction.atomic():
        contingents = Contingent.objects.bulk_create(
            [Contingent(interface=fnac, performance=p) for p in perfs]
        )
        reservations = SeatReservation.objects.bulk_create(
            [SeatReservation(performance=p, seat=s, expires_at=None) for p in perfs for s in seats],
            batch_size=batch,
        )
        places = ContingentSeat.objects.bulk_create(
            [
                ContingentSeat(
                    contingent=contingents[i // len(seats)],
                    reservation=r,
                    seat_id=r.seat_id,
                    seat_category=category,
                    state="EXPORTED",
                )
                for i, r in enumerate(reservations)
            ],
            batch_size=batch,
        )
        held = HeldSeat.objects.bulk_create(
            [
                HeldSeat(
                    instance=instance, performance_code=str(p.pk), manifestation_id="BENCH",
                    performance_date=p.start, seat_id=str(s.pk), block="B", row=s.row,
                    number=str(s.number), category_id="30",
                )
                for p in perfs for s in seats
            ],
            batch_size=batch,
        )  # fmt: skip

        def place(k):  # the k-th sale: spread over the performances
            return (k % len(perfs)) * len(seats) + k // len(perfs)

        total = sales + planted
        lines = []
        for k in range(total):
            h = held[place(k)]
            lines.append(
                SaleLine(
                    instance=instance, sale_id=f"FNAC-{k:010d}", kind="SALE",
                    at=now - dt.timedelta(minutes=total - k), held_seat=h,
                    manifestation_id="BENCH", performance_code=h.performance_code,
                    seat_id=h.seat_id, block="B", row=h.row, number=h.number, category_id="30",
                    customer_category_id="44", price="20.00", first_name="Buyer",
                    last_name=str(k), barcode=f"{k + 1:018d}",
                )
            )  # fmt: skip
        cancelled = [
            SaleLine(**{**vars_of(line), "kind": "CANCEL", "at": now}) for line in lines[:cancels]
        ]
        SaleLine.objects.bulk_create(lines + cancelled, batch_size=batch)
        sold_held = [held[place(k)].pk for k in range(cancels, total)]
        HeldSeat.objects.filter(pk__in=sold_held).update(sold=True)

        orders = Order.objects.bulk_create(
            [
                Order(point_of_sales=pos, contact=waiting, status="PAID", paid_at=now)
                for _k in range(sales)
            ],
            batch_size=batch,
        )
        tickets = OrderLine.objects.bulk_create(
            [
                OrderLine(
                    order=orders[k], reservation=reservations[place(k)], product=perfs[0].product,
                    performance=perfs[place(k) // len(seats)], seat_category=category,
                    tariff=tariff, price="20.00", holder_name=f"Buyer {k}",
                    barcode=f"{k + 1:018d}", cancelled_at=now if k < cancels else None,
                )
                for k in range(sales)
            ],
            batch_size=batch,
        )  # fmt: skip
        ResellerSale.objects.bulk_create(
            [
                ResellerSale(
                    interface=fnac, sale_id=lines[k].sale_id, order=orders[k], line=tickets[k],
                    contingent_seat=places[place(k)], reseller_price="20.00", sold_at=lines[k].at,
                    cancelled_at=now if k < cancels else None,
                )
                for k in range(sales)
            ],
            batch_size=batch,
        )  # fmt: skip
        Order.objects.filter(pk__in=[o.pk for o in orders[:cancels]]).update(status="REFUNDED")
        sold = [place(k) for k in range(cancels, sales)]
        SeatReservation.objects.filter(pk__in=[reservations[i].pk for i in sold]).update(
            status="SOLD"
        )
        ContingentSeat.objects.filter(pk__in=[places[i].pk for i in sold]).update(state="SOLD")
        # A cancelled sale: the seat left the order and is held again for the contingent.
        back = [place(k) for k in range(cancels)]
        SeatReservation.objects.filter(pk__in=[reservations[i].pk for i in back]).update(
            status="RELEASED"
        )
        ContingentSeat.objects.filter(pk__in=[places[i].pk for i in back]).update(
            state="SALE_CANCELLED"
        )
        again = SeatReservation.objects.bulk_create(
            [
                SeatReservation(
                    performance_id=reservations[i].performance_id,
                    seat_id=reservations[i].seat_id,
                    expires_at=None,
                )
                for i in back
            ]
        )
        ContingentSeat.objects.bulk_create(
            [
                ContingentSeat(
                    contingent=places[i].contingent, reservation=r, seat_id=r.seat_id,
                    seat_category=category, state="EXPORTED",
                )
                for i, r in zip(back, again, strict=True)
            ]
        )  # fmt: skip


def vars_of(line):
    return {
        f.attname: getattr(line, f.attname) for f in line._meta.concrete_fields if f.attname != "id"
    }


def main():
    performances = base._arg("--performances", 200)
    sales, cancels = base._arg("--sales", 5000), base._arg("--cancels", 200)
    planted = base._arg("--planted", 50)
    base.setup_django()
    from django.db.models import Sum
    from django.utils import timezone

    from ticketshop.catalogue.models import Performance
    from ticketshop.resellers import services
    from ticketshop.resellers.client import ResellerClient
    from ticketshop.resellers.models import ContingentSeat, ResellerSale
    from ticketshop.resellers.periods import Period
    from ticketshop.resellers.reconciliation import MISSING_HERE, reconcile
    from ticketshop.resellers.settlement import settle
    from ticketshop.sales.models import OrderLine

    url = base.serve()
    season, product, category, tariff, pos, waiting, seats = base.build(performances)
    fnac = base.interfaces(url, season, product, category, tariff, pos, waiting)[0]
    perfs = list(Performance.objects.filter(product=product).order_by("pk"))
    figures = {}
    print(
        f"{performances} performances x {base.SEATS} seats for {fnac.code}, {sales} sales, "
        f"{cancels} cancellations, {planted} sales not integrated, SQLite",
        flush=True,
    )

    timed(
        "setup: bulk state of both sides",
        figures,
        lambda: seed(fnac, perfs, seats, category, tariff, pos, waiting, sales, cancels, planted),
    )
    first = timezone.localtime(perfs[0].start).date()
    last = timezone.localtime(perfs[-1].start).date()
    period = Period(first, last)

    def baseline_count():
        return (
            ContingentSeat.objects.filter(
                contingent__interface=fnac, contingent__performance__in=perfs
            ).count(),
            ResellerSale.objects.filter(interface=fnac).count(),
            OrderLine.objects.filter(performance__in=perfs).count(),
        )

    ResellerClient(fnac).get_sales(services.EPOCH)  # warm up: the server and its WSDLs
    rows = timed("baseline: plain count of the same rows", figures, baseline_count)
    got = timed(
        "baseline: the bare getSales call over SOAP",
        figures,
        lambda: len(ResellerClient(fnac).get_sales(services.EPOCH)),
    )
    report = timed("reconciliation of the season", figures, lambda: reconcile(fnac, period))
    kinds = {}
    for finding in report.findings:
        kinds[finding.kind] = kinds.get(finding.kind, 0) + 1
    print(f"rows: contingent seats, reseller sales, tickets = {rows}; sale lines read: {got}")
    print(
        f"report: {report.performances} performances, {report.their_sales} sales there, "
        f"{report.our_sales} here, {report.matched} on both sides; findings {kinds}"
    )
    ok = kinds == {MISSING_HERE: planted} and report.matched == sales - cancels

    sales_period = Period(  # every sale of the bench (spread over the last minutes × S)
        timezone.localdate() - dt.timedelta(days=(sales + planted) // 1440 + 2),
        timezone.localdate() + dt.timedelta(days=1),
    )
    statement = timed(
        "settlement statement of the sales period", figures, lambda: settle(fnac, sales_period)
    )
    orders = OrderLine.objects.filter(reseller_sale__interface=fnac).aggregate(s=Sum("price"))["s"]
    refunded = OrderLine.objects.filter(
        reseller_sale__interface=fnac, cancelled_at__isnull=False
    ).aggregate(s=Sum("price"))["s"]
    print(
        f"statement: sold {statement.sold}, refunded {statement.refunded}, gross "
        f"{statement.gross} (orders: {orders} - {refunded}), net due {statement.net_due}"
    )
    ok &= statement.gross_sold == orders and statement.gross_refunded == refunded
    ratio = figures["reconciliation of the season"] / max(
        figures["baseline: the bare getSales call over SOAP"], 0.001
    )
    print(f"reconciliation / bare getSales: {ratio:.1f}x; report as expected: {ok}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
