"""P6 benchmark of the reseller interfaces (issue 10), on SQLite, over the network:

one season of N performances (default 200) in the seat race's hall of 900 seats
(tests/ticketshop/sales/race.py), all allotted to 4 resellers' contingents (the sandbox's three
instances, FNAC, Ticketnet, SecuTix-file, and a fourth like them: 225 seats each per
performance); export of N × 900 seats over SOAP to the bundled sandbox (served by a real HTTP
server thread); then the resellers sell S seats (default 5 000) and cancel C (default 200), and
the sales integration turns them into paid orders / cancellations. A second export and
integration must write 0 rows (the run log excepted). Printed beside a plain bulk insert of the
rows the two write (the sandbox's held seats; per sale an order, its ticket, the reseller sale,
the confirmation in the outbox) in the same run, and the ratio of the two; beside each wall
time, the process's CPU time (client and sandbox threads), less sensitive to a loaded machine.
The set-up (contingents allotted in bulk by contingents.allot_many, the counters' sales) is not
timed; the runs pause the cyclic garbage collector (services.cyclic_gc_paused), and the bulk
insert is measured under the same pause.

Usage: .venv/bin/python bench/bench_resellers.py [--small] [--performances N] [--sales S]
       [--cancels C]   (default: the full P6 size; --small: 10 performances, 250 sales, 20
       cancellations)"""

import itertools
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "site")]
SEATS, ROWS_OF = 900, 30
INSTANCES = ["fnac", "ticketnet", "secutix-file", "bench4"]
CODES = {
    "fnac": "FNAC-CUBE",
    "ticketnet": "TNET-CUBE",
    "secutix-file": "STXF-CUBE",
    "bench4": "BNC4",
}


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
    fourth_instance()


def serve():
    """The whole project (sandbox included) on a threaded HTTP server; returns its URL."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    class Server(ThreadedWSGIServer):
        def handle_error(self, request, client_address):
            import traceback

            traceback.print_exc()

    server = Server(("127.0.0.1", 0), Quiet, allow_reuse_address=True)
    server.set_app(WSGIHandler())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    # A running server has its URLconf loaded: its first request imports every view (seconds).
    import requests

    requests.get(f"{base}/reseller-sandbox/fnac/Contingentement/?wsdl", timeout=300)
    return base


def build(performances):
    """The hall of the seat race (tests/ticketshop/sales/race.py), 900 seats in rows of 30, and
    a season of `performances` performances of its product."""
    import datetime as dt

    from tests.ticketshop.sales.race import build_venue
    from ticketshop.catalogue import models as cat
    from ticketshop.contacts.models import Contact
    from ticketshop.organisation.models import PointOfSales, SalesChannel

    _pos, first, category, tariff = build_venue(SEATS, 0, rows_of=ROWS_OF)
    product = first.product
    cat.Performance.objects.bulk_create(
        [
            cat.Performance(
                product=product,
                start=first.start + dt.timedelta(hours=i),
                duration=first.duration,
                state=first.state,
                configuration=first.configuration,
            )
            for i in range(1, performances)
        ]
    )
    seats = list(cat.Seat.objects.filter(block__zone__hall=first.configuration.hall).order_by("pk"))
    org = product.season.organisation
    channel = SalesChannel.objects.create(organisation=org, code="RESELLERS", name="Resellers")
    pos = PointOfSales.objects.create(channel=channel, code="RESELLERS", name="Resellers")
    waiting = Contact.objects.create(
        organisation=org, email="waiting@bench.example", first_name="W", last_name="W"
    )
    return product.season, product, category, tariff, pos, waiting, seats


def fourth_instance():
    """P6 counts 4 resellers: the sandbox's three instances and a fourth like them."""
    from reseller_sandbox.models import CONTINGENTEMENT, ETAT_VENTES, SandboxInstance, ServiceUser

    instance = SandboxInstance.objects.create(slug="bench4", name="Bench 4", manager_code="BNC4")
    for suffix, password, services in (
        ("allot", "allot-secret", [CONTINGENTEMENT]),
        ("sales", "sales-secret", [ETAT_VENTES]),
    ):
        user = ServiceUser(instance=instance, username=f"bench4-{suffix}", services=services)
        user.set_password(password)
        user.save()


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
    from reseller_sandbox.models import HeldSeat
    from ticketshop.resellers.models import ContingentSeat, ResellerSale
    from ticketshop.sales.models import Order, OrderLine, SeatReservation

    models = (SeatReservation, ContingentSeat, Order, OrderLine, ResellerSale, HeldSeat)
    return {
        m.__name__: (m.objects.count(), m.objects.order_by("-pk").values_list("pk").first())
        for m in models
    } | {
        "statuses": sorted(SeatReservation.objects.values_list("status", flat=True).distinct()),
        "cancelled": OrderLine.objects.filter(cancelled_at__isnull=False).count(),
        "contingent_states": ContingentSeat.objects.filter(state="EXPORTED").count(),
    }


def timed(label, figures, call):
    """Wall time (the figure) and the CPU time of the process (client and sandbox server
    threads together): on a loaded machine the wall time waits for a core, the CPU less so."""
    started, cpu = time.perf_counter(), time.process_time()
    result = call()
    figures[label] = round(time.perf_counter() - started, 2)
    figures[f"{label} (cpu)"] = round(time.process_time() - cpu, 2)
    print(
        f"{label:<42} {figures[label]:>8.2f} s   (cpu {figures[f'{label} (cpu)']:.2f} s)",
        flush=True,
    )
    return result


def main():
    small = "--small" in sys.argv
    performances = _arg("--performances", 10 if small else 200)
    sales = _arg("--sales", 250 if small else 5000)
    cancels = _arg("--cancels", 20 if small else 200)
    setup_django()
    from django.db import connection

    from ticketshop.catalogue.models import Performance
    from ticketshop.resellers import services
    from ticketshop.resellers.contingents import allot_many
    from ticketshop.resellers.models import Contingent, ContingentSeat, Run
    from ticketshop.sales.models import Order, OrderLine, SeatReservation

    base = serve()
    season, product, category, tariff, pos, waiting, seats = build(performances)
    resellers = interfaces(base, season, product, category, tariff, pos, waiting)
    perfs = list(
        Performance.objects.filter(product=product)
        .select_related("product", "configuration")
        .order_by("pk")
    )
    share = SEATS // len(resellers)
    figures = {}
    print(
        f"{performances} performances x {SEATS} seats ({len(resellers)} resellers x {share}), "
        f"{sales} sales, {cancels} cancellations, SQLite ({connection.vendor})",
        flush=True,
    )

    def allot_all():
        """The set-up, in bulk: the contingents, then their seats 20 performances at a time
        (allot_many: one transaction, under the performances' locks, executemany)."""
        contingents = Contingent.objects.bulk_create(
            [Contingent(interface=i, performance=p) for p in perfs for i in resellers]
        )
        wanted = [
            (c, [s.pk for s in seats[i * share : (i + 1) * share]])
            for c, i in zip(contingents, itertools.cycle(range(len(resellers))), strict=False)
        ]
        step = 20 * len(resellers)
        for start in range(0, len(wanted), step):
            allot_many(wanted[start : start + step])

    def export_all():
        return [services.export_contingents(i) for i in resellers]

    def integrate_all():
        return [services.integrate_sales(i) for i in resellers]

    with services.cyclic_gc_paused():  # as in a run (the set-up is not the measured part)
        timed("allot seats to contingents (booking core)", figures, allot_all)
    runs = timed("export contingents over SOAP", figures, export_all)
    assert all(r.state == Run.State.OK for r in runs), [list(r.errors.all()) for r in runs]
    exported = sum(r.exported for r in runs)

    # The resellers' counters (the sandbox's own sell and cancel, as its management command
    # and admin call them): sales spread over performances and resellers, then cancels.
    from reseller_sandbox import operations as counter
    from reseller_sandbox.models import SaleLine, SandboxInstance

    instances = {i.slug: i for i in SandboxInstance.objects.all()}
    pairs = [(p, i) for p in perfs for i in resellers]
    per_pair, extra = divmod(sales, len(pairs))
    sold = 0
    for index, (performance, interface) in enumerate(pairs):
        n = min(per_pair + (index < extra), share)
        if n:
            names = [f"Buyer {sold + k}" for k in range(n)]
            counter.sell(instances[interface.code], str(performance.pk), n, "44", names=names)
            sold += n
    sale_ids = [
        (line.instance.slug, line.sale_id)
        for line in SaleLine.objects.select_related("instance").order_by("?")[:cancels]
    ]
    for code, sale_id in sale_ids:
        counter.cancel(instances[code], sale_id)

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
        """The rows the export and the integration insert (the sandbox's held seats; per sale an
        order, its ticket and reservation, the reseller sale, the confirmation in the outbox),
        each table in one bulk_create, in one transaction: the floor of what they do."""
        from django.db import transaction
        from django.utils import timezone

        from reseller_sandbox.models import HeldSeat, SandboxInstance
        from ticketshop.resellers.models import ResellerSale
        from ticketshop.sales.models import OrderMessage

        instance = SandboxInstance.objects.get(slug="fnac")
        now = timezone.now()
        copies = Performance.objects.bulk_create(
            [
                Performance(
                    product=p.product, start=p.start, duration=p.duration, state=p.state,
                    configuration_id=p.configuration_id,
                )
                for p in perfs
            ]
        )  # fmt: skip
        place = ContingentSeat.objects.first()
        with transaction.atomic():
            HeldSeat.objects.bulk_create(
                [
                    HeldSeat(
                        instance=instance, performance_code=f"BULK-{p.pk}-{i}",
                        manifestation_id="BENCH", performance_date=p.start, seat_id=str(s.pk),
                        block="B", row=s.row, number=str(s.number), category_id="30",
                    )
                    for p in perfs for i in range(len(resellers))
                    for s in seats[i * share : (i + 1) * share]
                ],
                batch_size=5000,
            )  # fmt: skip
            reservations = SeatReservation.objects.bulk_create(
                [
                    SeatReservation(performance=p, seat=s, status="SOLD")
                    for p in copies for s in seats
                ][:orders],
                batch_size=5000,
            )  # fmt: skip
            new_orders = Order.objects.bulk_create(
                [
                    Order(point_of_sales=pos, contact=waiting, status="PAID", paid_at=now)
                    for _i in range(orders)
                ],
                batch_size=5000,
            )
            lines = OrderLine.objects.bulk_create(
                [
                    OrderLine(
                        order=o, reservation=r, product=product, performance_id=r.performance_id,
                        tariff=tariff, price="20.00", holder_name="Bulk", barcode=f"B{o.pk:019d}",
                    )
                    for o, r in zip(new_orders, reservations, strict=True)
                ],
                batch_size=5000,
            )  # fmt: skip
            ResellerSale.objects.bulk_create(
                [
                    ResellerSale(
                        interface=resellers[0], sale_id=f"BULK-{o.pk}", order=o, line=line,
                        contingent_seat=place, reseller_price="20.00", sold_at=now,
                    )
                    for o, line in zip(new_orders, lines, strict=True)
                ],
                batch_size=5000,
            )  # fmt: skip
            OrderMessage.objects.bulk_create(
                [OrderMessage(order=o, kind="CONFIRMATION") for o in new_orders], batch_size=5000
            )

    with services.cyclic_gc_paused():  # as the runs are: the same footing
        timed("plain bulk insert of the same rows", figures, bulk)
    baseline = figures["plain bulk insert of the same rows"]
    print(f"exported seats: {exported}; orders created: {orders}; cancellations: {cancelled}")
    print(f"export + integration total: {total:.2f} s (target <= 60 s)")
    cpu = (
        figures["export contingents over SOAP (cpu)"]
        + figures["integrate sales and cancellations over SOAP (cpu)"]
    )
    print(
        f"  of which CPU time: {cpu:.2f} s; the bulk insert's: "
        f"{figures['plain bulk insert of the same rows (cpu)']:.2f} s"
    )
    print(f"ratio to the plain bulk insert: {total / baseline:.1f}x (load-independent-ish)")
    same = before == after
    print(f"second run wrote 0 rows (orders, tickets, reservations, contingent): {same}")
    if not same:
        print(f"  before {before}\n  after  {after}")
    return 0 if same and exported == len(perfs) * share * len(resellers) else 1


if __name__ == "__main__":
    sys.exit(main())
