"""Issue 16, fault 3 (R7, R5): a worker SIGKILLed in the middle of a reseller sales integration,
then the job re-run: the end state equals one clean run (no duplicate order, the same seats),
the lock died with its holder (the re-run is not refused) and the dead run shows "Interrupted".

Usage: python tests/ticketshop/resellers/kill_drill.py sqlite|<postgres server URL>
Prints one JSON object. It creates its own database (see tests/ticketshop/sales/race.py), serves
the app (the reseller sandbox over SOAP) on a loopback port from a thread, and drops it all.

Deterministic, no timed kill: the worker (`kill_drill.py worker …`, a separate process running
the django-q2 task function `ticketshop.resellers.tasks.integrate_sales`) watches its own SQL;
once the transaction that integrated the first sale has committed (the first statement outside
a transaction after an INSERT into resellers_resellersale), it writes a file and waits forever.
The driver waits for that file, then SIGKILLs it.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path[:0] = [str(ROOT), str(ROOT / "site")]

from tests.ticketshop.sales.race import _create_database  # noqa: E402

SOLD = 3
NAMES = "Ada Lovelace,Alan Turing,Grace Hopper"


def _setup(url):
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.ticketshop.sales.race_settings"
    import django

    django.setup()
    from django.conf import settings

    # A loaded test machine: no timeout by accident. One sale per transaction, and the lease
    # renewed (an UPDATE outside the transaction) after each: the worker stops right after the
    # first sale's transaction committed, on SQLite and PostgreSQL alike.
    settings.RESELLERS = {"SOAP_TIMEOUT": 120, "INTEGRATION_BATCH": 1, "HEARTBEAT_SECONDS": 0}


def worker(url, interface_id, ready):
    _setup(url)
    from django.db import connection

    from ticketshop.resellers import tasks

    seen = {"sale": False}

    def pause_after_the_first_sale(execute, sql, params, many, context):
        if seen["sale"] and not connection.in_atomic_block:
            Path(ready).write_text(str(os.getpid()))
            threading.Event().wait()  # until SIGKILL
        result = execute(sql, params, many, context)
        if sql.lstrip().upper().startswith("INSERT") and "resellers_resellersale" in sql:
            seen["sale"] = True
        return result

    with connection.execute_wrapper(pause_after_the_first_sale):
        tasks.integrate_sales(int(interface_id))
    print("the worker ended without pausing", file=sys.stderr)
    sys.exit(3)


def _serve():
    """The app (the sandbox's SOAP services) on a loopback port, from a daemon thread."""
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet, allow_reuse_address=False)
    server.set_app(get_wsgi_application())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def _state():
    from ticketshop.resellers.models import ContingentSeat, ResellerSale
    from ticketshop.sales.models import Order, SeatReservation

    sales = ResellerSale.objects.select_related("line__reservation", "order")
    return {
        "sales": sorted(
            [s.sale_id, s.line.reservation.seat_id, s.line.barcode, s.line.holder_name]
            for s in sales
        ),
        "orders": sorted(
            Order.objects.filter(reseller_sale__isnull=False).values_list("status", flat=True)
        ),
        "contingent": sorted(ContingentSeat.objects.values_list("seat_id", "state")),
        "live_reservations": SeatReservation.objects.filter(status__in=["HELD", "SOLD"]).count(),
    }


def main(argv):
    url, cleanup = _create_database(argv[1])
    _setup(url)
    server = None
    try:
        import datetime as dt

        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.db import connection, connections
        from django.test import Client
        from django.utils import timezone

        from tests.fixtures.venue import make_shop
        from tests.ticketshop.resellers.conftest import make_interface
        from ticketshop.catalogue import models as cat
        from ticketshop.resellers import services, tasks
        from ticketshop.resellers.client import ResellerClient
        from ticketshop.resellers.contingents import allot_seats
        from ticketshop.resellers.models import Contingent, Run

        call_command("migrate", run_syncdb=True, verbosity=0)
        shop = make_shop()
        for day, performance in enumerate(cat.Performance.objects.order_by("pk"), start=7):
            performance.start = timezone.now() + dt.timedelta(days=day)
            performance.save()
        shop.concert_1.refresh_from_db()
        shop.full = cat.Tariff.objects.get(code="FULL")
        shop.child = cat.Tariff.objects.get(code="CHILD")
        call_command("setup_reseller_sandbox", verbosity=0)
        server, base_url = _serve()
        interface = make_interface(shop, base_url)
        contingent = Contingent.objects.create(interface=interface, performance=shop.concert_1)
        allot_seats(contingent, seat_category=shop.cat1, count=SOLD + 1)
        export = services.export_contingents(interface)
        assert export.state == Run.State.OK, list(export.errors.values_list("message", flat=True))
        call_command(
            "reseller_sandbox", "sell", "fnac", str(shop.concert_1.pk), "--count", str(SOLD),
            "--customer-category", "44", "--names", NAMES, stdout=open(os.devnull, "w"),  # noqa: SIM115
        )  # fmt: skip
        reseller = sorted(
            [s.saleId, int(s.seatId), s.barcode, f"{s.firstName} {s.lastName}"]
            for s in ResellerClient(interface).get_sales(dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
        )
        connections.close_all()  # no connection held across the worker's life

        ready = Path(tempfile.mkdtemp(prefix="kill-drill-")) / "ready"
        proc = subprocess.Popen(
            [sys.executable, __file__, "worker", url, str(interface.pk), str(ready)],
            cwd=ROOT,
            env=os.environ.copy(),
        )
        deadline = time.monotonic() + 240
        while not ready.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)  # waiting for the worker's signal, not timing the kill
        assert ready.exists(), f"the worker never reached the pause (exit {proc.poll()})"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        at_kill = _state()
        runs_at_kill = list(Run.objects.filter(kind="INTEGRATE").values_list("state", flat=True))

        rerun_state = tasks.integrate_sales(interface.pk)  # the next schedule's run
        rerun = Run.objects.filter(kind="INTEGRATE").order_by("-pk").first()
        again = services.integrate_sales(interface)
        admin = get_user_model().objects.create_superuser("drill", "drill@example.com", "x")
        browser = Client()
        browser.force_login(admin)
        page = browser.get("/backoffice/resellers/run/", HTTP_ACCEPT_LANGUAGE="en")
        report = {
            "vendor": connection.vendor,
            "sold_on_reseller": len(reseller),
            "at_kill": {"sales": len(at_kill["sales"]), "runs": runs_at_kill},
            "rerun": [rerun_state, rerun.orders_created],
            "again": [again.state, again.orders_created],
            "end_equals_reseller": _state()["sales"] == reseller,
            "end": _state(),
            "runs": list(Run.objects.order_by("pk").values_list("kind", "state")),
            "interrupted_errors": list(
                Run.objects.filter(state="INTERRUPTED").values_list("errors__message", flat=True)
            ),
            "admin_status": page.status_code,
            "admin_shows_interrupted": "Interrupted" in page.content.decode(),
        }
        print(json.dumps(report, default=str))
    finally:
        if server is not None:
            server.shutdown()
        from django.db import connections

        connections.close_all()
        cleanup()


if __name__ == "__main__":
    if sys.argv[1] == "worker":
        worker(*sys.argv[2:5])
    else:
        main(sys.argv)
