"""Two catalogue imports started at the same moment (the schedule and "Run import now"), each in
its own thread and database connection, on a fresh database (SQLite file or PostgreSQL).

Usage: python tests/secutix_integration/import_race.py sqlite|<postgres server URL>
Prints one JSON object: the runs' statuses and reasons, pages, duplicated (product, locale).
"""

import json
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "site")]

from tests.ticketshop.sales.race import _create_database  # noqa: E402


def main(target):
    url, drop = _create_database(target)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "website.settings.test"
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, connections
        from django.db.models import Count

        call_command("migrate", verbosity=0)
        from home.demo import load_site_demo
        from secutix_integration import soap_client
        from secutix_integration.importer import run_import
        from secutix_integration.pages import get_event_page_model
        from tests.secutix_integration import answers

        load_site_demo()
        service = answers.Service(
            answers.catalogue([answers.product(n) for n in range(8)]),
            before_catalogue=lambda: time.sleep(2),  # the winner is still importing
        )
        soap_client._service = lambda *args, **kwargs: service
        barrier, runs = threading.Barrier(2), []

        def one_import(trigger):
            try:
                barrier.wait()
                run = run_import(trigger=trigger)
                runs.append({"status": run.status, "log": run.error_log[:200]})
            except Exception as error:  # shown in the report, not lost in a thread
                runs.append({"status": "raised", "log": repr(error)[:500]})
            finally:
                connections.close_all()

        threads = [threading.Thread(target=one_import, args=(t,)) for t in ("schedule", "admin")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        pages = get_event_page_model().objects
        duplicates = (
            pages.values("ticketshop_id", "locale").annotate(n=Count("pk")).filter(n__gt=1).count()
        )
        print(
            json.dumps(
                {
                    "vendor": connection.vendor,
                    "runs": sorted(runs, key=lambda r: r["status"]),
                    "pages": pages.count(),
                    "duplicates": duplicates,
                }
            )
        )
        connections.close_all()
    finally:
        drop()


if __name__ == "__main__":
    main(sys.argv[1])
