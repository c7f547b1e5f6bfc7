"""P6 benchmark of the reseller interfaces (issue 10), on SQLite, over the network:

one season of N performances (default 200) in a hall of 900 seats, all allotted to the
resellers' contingents (the sandbox has three instances: FNAC, Ticketnet, SecuTix-file, 300
seats each per performance); export of N × 900 seats over SOAP to the bundled sandbox (served
by a real HTTP server thread); then the resellers sell S seats (default 5 000) and cancel C
(default 200), and the sales integration turns them into paid orders / cancellations. A second
export and integration must write 0 rows (the run log excepted). Printed beside a plain bulk
insert of the same rows (reservations, contingent seats, orders, tickets) in the same run.

Usage: .venv/bin/python bench/bench_resellers.py [--performances N] [--sales S] [--cancels C]
"""

import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "site")]
SEATS, ROWS_OF = 900, 30
INSTANCES = ["fnac", "ticketnet", "secutix-file"]
CODES = {"fnac": "FNAC-CUBE", "ticketnet": "TNET-CUBE", "secutix-file": "STXF-CUBE"}


def _arg(name, default):
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def setup_django():
    path = Path(tempfile.mkdtemp(prefix="bench-resellers-")) / "db.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.ticketshop.sales.race_settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.RESELLERS = {"SOAP_TIMEOUT": 120}  # a loaded machine builds WSDLs slowly
    call_command("migrate", run_syncdb=True, verbosity=0)
    call_command("setup_reseller_sandbox", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115


def serve():
    """The whole project (sandbox included) on a threaded HTTP server; returns its URL."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet, allow_reuse_address=True)
    server.set_app(WSGIHandler())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"


def build(performances):
    import datetime as dt

    from django.utils import timezone

    from ticketshop.catalogue import models as cat
    from ticketshop.contacts.models import Contact
    from ticketshop.organisation.models import Organisation, PointOfSales, SalesChannel

    org = Organisation.objects.create(code="BENCH", name="Bench", currency="EUR")
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
            cat.Seat(block=block, row=f"R{i // ROWS_OF:02d}", number=i % ROWS_OF + 1)
            for i in range(SEATS)
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
        season=season, code="BENCH", family=cat.Family.EVENT, state="RUNNING", price_grid=grid
    )
    start = timezone.now() + dt.timedelta(days=30)
    cat.Performance.objects.bulk_create(
        [
            cat.Performance(
                product=product,
                start=start + dt.timedelta(hours=i),
                duration=dt.timedelta(hours=2),
                state="RUNNING",
                configuration=conf,
            )
            for i in range(performances)
        ]
    )
    channel = SalesChannel.objects.create(organisation=org, code="RESELLERS", name="Resellers")
    pos = PointOfSales.objects.create(channel=channel, code="RESELLERS", name="Resellers")
    waiting = Contact.objects.create(
        organisation=org, email="waiting@bench.example", first_name="W", last_name="W"
    )
    return season, product, category, tariff, pos, waiting, seats


def interfaces(base, season, product, category, tariff, pos, waiting):
    from ticketshop.resellers.models import Mapping, ResellerInterface

    result = []
    for code in INSTANCES:
        root = f"{base}/reseller-sandbox/{code}/"
        interface = ResellerInterface.objects.create(
            code=code,
            name_en=code,
            external_channel=pos.channel,
            point_of_sales=pos,
            waiting_contact=waiting,
            manager_code=CODES[code],
            sales_url=root + "EtatVentes/",
            allotment_url=root + "Contingentement/",
            prepare_access_url=root + "PrepareCtrlAcces/",
            get_access_url=root + "GetCtrlAcces/",
            allotment_user=f"{code}-allot",
            allotment_password="allot-secret",
            sales_user=f"{code}-sales",
            sales_password="sales-secret",
            access_user=f"{code}-access",
            access_password="access-secret",
        )
        for kind, obj, external in (
            (Mapping.Kind.EVENT, product, "BENCH"),
            (Mapping.Kind.TARIFF, tariff, "0|44"),
            (Mapping.Kind.SEAT_CATEGORY, category, "30"),
        ):
            Mapping.objects.create(
                interface=interface, season=season, kind=kind, object_id=obj.pk,
                external_id=external,
            )  # fmt: skip
        result.append(interface)
    return result


def rows_written():
    from ticketshop.resellers.models import ContingentSeat, ResellerSale
    from ticketshop.sales.models import Order, OrderLine, SeatReservation

    models = (SeatReservation, ContingentSeat, Order, OrderLine, ResellerSale)
    return {
        m.__name__: (m.objects.count(), m.objects.order_by("-pk").values_list("pk").first())
        for m in models
    } | {
        "statuses": sorted(SeatReservation.objects.values_list("status", flat=True).distinct()),
        "cancelled": OrderLine.objects.filter(cancelled_at__isnull=False).count(),
        "contingent_states": ContingentSeat.objects.filter(state="EXPORTED").count(),
    }


def timed(label, figures, call):
    started = time.perf_counter()
    result = call()
    figures[label] = round(time.perf_counter() - started, 2)
    print(f"{label:<42} {figures[label]:>8.2f} s", flush=True)
    return result


def main():
    performances = _arg("--performances", 200)
    sales, cancels = _arg("--sales", 5000), _arg("--cancels", 200)
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from ticketshop.catalogue.models import Performance
    from ticketshop.resellers import services
    from ticketshop.resellers.client import ResellerClient
    from ticketshop.resellers.contingents import allot_seats
    from ticketshop.resellers.models import Contingent, ContingentSeat, Run
    from ticketshop.sales.models import Order, OrderLine, SeatReservation

    base = serve()
    season, product, category, tariff, pos, waiting, seats = build(performances)
    resellers = interfaces(base, season, product, category, tariff, pos, waiting)
    perfs = list(Performance.objects.filter(product=product).order_by("pk"))
    share = SEATS // len(resellers)
    figures = {}
    print(
        f"{performances} performances x {SEATS} seats ({len(resellers)} resellers x {share}), "
        f"{sales} sales, {cancels} cancellations, SQLite ({connection.vendor})",
        flush=True,
    )

    def allot_all():
        for performance in perfs:
            for i, interface in enumerate(resellers):
                contingent = Contingent.objects.create(interface=interface, performance=performance)
                allot_seats(contingent, seat_ids=[s.pk for s in seats[i * share : (i + 1) * share]])

    def export_all():
        return [services.export_contingents(i) for i in resellers]

    def integrate_all():
        return [services.integrate_sales(i) for i in resellers]

    timed("allot seats to contingents (booking core)", figures, allot_all)
    runs = timed("export contingents over SOAP", figures, export_all)
    assert all(r.state == Run.State.OK for r in runs), [list(r.errors.all()) for r in runs]
    exported = sum(r.exported for r in runs)

    # The resellers' counters: sales spread over performances and resellers, then cancels.
    per_call = max(1, sales // (len(perfs) * len(resellers)))
    sold = 0
    for performance in perfs:
        for interface in resellers:
            if sold >= sales:
                break
            n = min(per_call, sales - sold, share)
            call_command(
                "reseller_sandbox", "sell", interface.code, str(performance.pk), "--count",
                str(n), "--customer-category", "44", "--names",
                ",".join(f"Buyer {sold + k}" for k in range(n)), stdout=open(os.devnull, "w"),  # noqa: SIM115
            )  # fmt: skip
            sold += n
    sale_ids = []
    for interface in resellers:
        lines = ResellerClient(interface).get_sales(services.EPOCH)
        sale_ids += [(interface.code, line.saleId) for line in lines[: cancels // len(resellers)]]
    for code, sale_id in sale_ids[:cancels]:
        call_command("reseller_sandbox", "cancel", code, sale_id, stdout=open(os.devnull, "w"))  # noqa: SIM115

    runs = timed("integrate sales and cancellations over SOAP", figures, integrate_all)
    assert all(r.state == Run.State.OK for r in runs), [list(r.errors.all()) for r in runs]
    orders = sum(r.orders_created for r in runs)
    cancelled = sum(r.cancellations for r in runs)
    total = (
        figures["export contingents over SOAP"]
        + figures["integrate sales and cancellations over SOAP"]
    )

    before = rows_written()
    timed("second export (nothing new)", figures, export_all)
    timed("second integration (nothing new)", figures, integrate_all)
    after = rows_written()

    # A plain bulk insert of the same rows, in the same database, for comparison.
    def bulk():
        from django.db import transaction

        copies = Performance.objects.bulk_create(
            [
                Performance(
                    product=p.product, start=p.start, duration=p.duration, state=p.state,
                    configuration_id=p.configuration_id,
                )
                for p in perfs
            ]
        )  # fmt: skip
        with transaction.atomic():
            reservations = SeatReservation.objects.bulk_create(
                [SeatReservation(performance=p, seat=s) for p in copies for s in seats],
                batch_size=5000,
            )
            contingent_of = {
                (c.performance_id, c.interface_id): c.pk for c in Contingent.objects.all()
            }
            first = resellers[0]
            ContingentSeat.objects.bulk_create(
                [
                    ContingentSeat(
                        contingent_id=contingent_of[(perfs[0].pk, first.pk)],
                        reservation=r,
                        seat_id=r.seat_id,
                        state="EXPORTED",
                    )
                    for r in reservations
                ],
                batch_size=5000,
            )
            new_orders = Order.objects.bulk_create(
                [Order(point_of_sales=pos, contact=waiting, status="PAID") for _i in range(orders)]
            )
            OrderLine.objects.bulk_create(
                [
                    OrderLine(
                        order=o, reservation=r, product=product, performance_id=r.performance_id,
                        tariff=tariff, price="20.00", holder_name="Bulk", barcode=f"B{o.pk:019d}",
                    )
                    for o, r in zip(new_orders, reservations, strict=False)
                ],
                batch_size=5000,
            )  # fmt: skip

    timed("plain bulk insert of the same rows", figures, bulk)
    print(f"exported seats: {exported}; orders created: {orders}; cancellations: {cancelled}")
    print(f"export + integration total: {total:.2f} s (target <= 60 s)")
    same = before == after
    print(f"second run wrote 0 rows (orders, tickets, reservations, contingent): {same}")
    if not same:
        print(f"  before {before}\n  after  {after}")
    return 0 if same and exported == len(perfs) * share * len(resellers) else 1


if __name__ == "__main__":
    sys.exit(main())
