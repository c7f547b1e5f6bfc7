"""A catalogue import killed (SIGKILL) in the middle of writing its pages, then run again, on a
fresh database (SQLite file or PostgreSQL).

Usage: python tests/secutix_integration/import_kill.py sqlite|<postgres server URL>
The parent migrates and sets up the site, starts the import in a child process, waits until the
child has written its first page rows (the child, at that point, creates a "ready" file and
waits forever: a deterministic hold, no timed kill), kills it, and runs the import again.
Prints one JSON object: the killed run as seen before and after, the re-run, the pages.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "site")]

from tests.ticketshop.sales.race import _create_database  # noqa: E402


def setup(url):
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "website.settings.test"
    import django

    django.setup()
    from secutix_integration import soap_client
    from tests.secutix_integration import answers

    service = answers.Service(answers.catalogue([answers.product(n) for n in range(8)]))
    soap_client._service = lambda *args, **kwargs: service


def child(url, ready):
    setup(url)
    from secutix_integration import bulk
    from secutix_integration.importer import run_import

    write = bulk.BulkPages._insert

    def insert_then_hold(self, pages):
        write(self, pages)  # the page rows are in the import's (uncommitted) transaction
        Path(ready).write_text("written")
        while True:
            time.sleep(60)

    bulk.BulkPages._insert = insert_then_hold
    run_import(trigger="schedule")


def state():
    from django.db.models import Count
    from wagtail.models import Page

    from secutix_integration.models import ImportLock, ImportRun
    from secutix_integration.pages import get_event_page_model

    pages = get_event_page_model().objects
    return {
        "runs": list(ImportRun.objects.order_by("pk").values_list("status", flat=True)),
        "lock_holder": ImportLock.objects.values_list("holder", flat=True).first(),
        "pages": sorted(pages.values_list("locale__language_code", "url_path", "title", "live")),
        "duplicates": pages.values("ticketshop_id", "locale")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count(),
        "tree_problems": [len(problems) for problems in Page.find_problems()],
    }


def main(target):
    url, drop = _create_database(target)
    try:
        setup(url)
        from django.core.management import call_command
        from django.db import connection, connections

        from home.demo import load_site_demo
        from secutix_integration.importer import run_import

        call_command("migrate", verbosity=0)
        load_site_demo()
        connections.close_all()
        ready = Path(tempfile.mkdtemp(prefix="import-kill-")) / "ready"
        worker = subprocess.Popen(
            [sys.executable, __file__, "--child", url, str(ready)],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": url},
        )
        deadline = time.monotonic() + 600
        while not ready.exists():
            if worker.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the child import ended before its hold ({worker.returncode})")
            time.sleep(0.2)
        os.kill(worker.pid, signal.SIGKILL)  # the worker dies in the middle of its writes
        worker.wait()
        killed = state()
        rerun = run_import(trigger="admin")
        clean = state()
        print(
            json.dumps(
                {
                    "vendor": connection.vendor,
                    "killed": killed,
                    "rerun": {"status": rerun.status, "log": rerun.error_log[:300]},
                    "after": clean,
                }
            )
        )
        connections.close_all()
    finally:
        drop()


if __name__ == "__main__":
    if sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        main(sys.argv[1])
