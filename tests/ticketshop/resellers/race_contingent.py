"""R2 on a real database: web buyers race a contingent being allotted, and two runs of one
interface start at once. Each actor is a thread with its own database connection.

Usage: python tests/ticketshop/resellers/race_contingent.py sqlite|<postgres server URL>
Prints one JSON object. It creates its own database (see tests/ticketshop/sales/race.py) and drops it.
"""

import json
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path[:0] = [str(ROOT), str(ROOT / "site")]

from tests.ticketshop.sales.race import _create_database, build_venue, run_buyers  # noqa: E402

ALLOTTERS, ROUNDS, SEATS_EACH = 4, 5, 3


def make_interface(pos):
    from ticketshop.contacts.models import Contact
    from ticketshop.resellers.models import ResellerInterface

    waiting = Contact.objects.create(
        organisation=pos.channel.organisation, email="w@example.com", first_name="W", last_name="W"
    )
    return ResellerInterface.objects.create(
        code="fnac",
        name_en="FNAC",
        external_channel=pos.channel,
        point_of_sales=pos,
        waiting_contact=waiting,
        manager_code="X",
        sales_url="http://127.0.0.1:9/",
        allotment_url="http://127.0.0.1:9/",
        prepare_access_url="http://127.0.0.1:9/",
        get_access_url="http://127.0.0.1:9/",
    )


def run_allotters(contingent, category, barrier):
    from django.db import connection

    from ticketshop.resellers.contingents import allot_seats
    from ticketshop.sales.lifecycle import NotEnoughPlaces

    results = []

    def allotter():
        try:
            barrier.wait()
            for _round in range(ROUNDS):
                try:
                    allot_seats(contingent, seat_category=category, count=SEATS_EACH)
                    results.append("allotted")
                except NotEnoughPlaces:
                    results.append("refused")
                except Exception as exc:  # noqa: BLE001 — reported, the test fails on it
                    results.append(f"error: {exc!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=allotter) for _i in range(ALLOTTERS)]
    for thread in threads:
        thread.start()
    return threads, results


def two_runs_at_once(interface):
    """Two integrations of one interface at the same moment (two workers, a double click)."""
    from django.db import connection

    from ticketshop.resellers import services

    class SlowReseller:
        def __init__(self, interface):
            pass

        def get_sales(self, since, until=None):
            time.sleep(1.5)
            return []

    services.client_factory = SlowReseller
    barrier = threading.Barrier(2)
    states = []

    def worker():
        try:
            barrier.wait()
            states.append(services.integrate_sales(interface).state)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(states)


def main(argv):
    url, cleanup = _create_database(argv[1])
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.ticketshop.sales.race_settings"
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.db.models import Count

        from ticketshop.resellers.models import Contingent, ContingentSeat
        from ticketshop.sales.models import OrderLine, SeatReservation

        call_command("migrate", run_syncdb=True, verbosity=0)
        pos, performance, category, tariff = build_venue(60, 0)
        interface = make_interface(pos)
        contingent = Contingent.objects.create(interface=interface, performance=performance)
        connection.close()
        barrier = threading.Barrier(ALLOTTERS)
        threads, allotments = run_allotters(contingent, category, barrier)
        buyers, elapsed = run_buyers(pos, performance, category, tariff, 50, workers=10)
        for thread in threads:
            thread.join()
        contingent_seats = set(
            ContingentSeat.objects.filter(
                contingent=contingent, reservation__status="HELD"
            ).values_list("seat_id", flat=True)
        )
        sold_seats = set(
            OrderLine.objects.filter(order__status="PAID").values_list(
                "reservation__seat_id", flat=True
            )
        )
        doubles = (
            SeatReservation.objects.filter(status__in=["HELD", "SOLD"])
            .values("seat_id")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
            .count()
        )
        report = {
            "vendor": connection.vendor,
            "sold": buyers.count("sold"),
            "refused": buyers.count("refused"),
            "allotted": allotments.count("allotted") * SEATS_EACH,
            "allot_refused": allotments.count("refused"),
            "errors": [r for r in buyers + allotments if r.startswith("error")][:5],
            "contingent_seats": len(contingent_seats),
            "seats_in_both": len(contingent_seats & sold_seats),
            "seats_taken_twice": doubles,
            "elapsed_seconds": round(elapsed, 3),
            "two_runs": two_runs_at_once(interface),
        }
        connection.close()
        print(json.dumps(report))
    finally:
        from django.db import connections

        connections.close_all()
        cleanup()


if __name__ == "__main__":
    main(sys.argv)
