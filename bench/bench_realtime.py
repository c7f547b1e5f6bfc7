"""R9 benchmark: real-time reseller confirm throughput on PostgreSQL, and the full-size race.

1. throughput: a fresh database of the PostgreSQL server of TEST_POSTGRES_URL (default: the one
   scripts/postgres.sh starts), the product served by gunicorn (3 workers × 8 threads, as
   tests/ticketshop/sales/race.py serves it), one real-time reseller with a contingent of
   SEATS places; BUYERS threads over HTTP each sell one place at a time (POST basket, POST
   confirm). Prints confirmed sales per second, beside a baseline measured in the same run
   against the same server and threads: the basket status call (GET, signed in, a few
   queries), in requests per second.
2. race (unless --no-race): tests/ticketshop/resellers/race_realtime.py at the issue's size —
   100 web buyers, 2 real-time resellers × 100 buyers, a batch integration — on PostgreSQL.

Usage: .venv/bin/python bench/bench_realtime.py [postgres URL] [--buyers 16] [--sales 400]
       [--no-race]
"""

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "site")]


def _arg(name, default):
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def _server_url():
    urls = [a for a in sys.argv[1:] if a.startswith("postgres")]
    if urls:
        return urls[0]
    if os.environ.get("TEST_POSTGRES_URL"):
        return os.environ["TEST_POSTGRES_URL"]
    out = subprocess.run(
        ["scripts/postgres.sh"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return out.stdout.strip().splitlines()[-1]


def in_threads(threads, jobs, work):
    """`work(session)` `jobs` times over `threads` threads: (results, seconds)."""
    todo = list(range(jobs))
    lock = threading.Lock()
    results = []
    barrier = threading.Barrier(threads)

    def loop():
        session = work.session()
        barrier.wait()
        while True:
            with lock:
                if not todo:
                    return
                todo.pop()
            outcome = work(session)
            with lock:
                results.append(outcome)

    pool = [threading.Thread(target=loop) for _i in range(threads)]
    started = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return results, time.perf_counter() - started


def throughput(pg_url, buyers, sales):
    from tests.ticketshop.sales.race import _create_database

    url, cleanup = _create_database(pg_url)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.ticketshop.sales.race_settings"
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from reseller_sandbox.realtime import Reseller
        from tests.ticketshop.resellers.realtime_setup import allot, make_realtime
        from tests.ticketshop.sales.race import LiveServer, build_venue, prepare_http

        call_command("migrate", run_syncdb=True, verbosity=0)
        seats = sales + 50
        pos, performance, category, tariff = build_venue(seats, 0)
        interface, operator, secret = make_realtime(
            pos.channel.organisation, "digitick", tariffs=[(tariff, "0")], families="EVENT"
        )
        allot(interface, performance, seat_category=category, count=seats)
        keys = Path(tempfile.mkdtemp(prefix="bench-keys-"))
        prepare_http(pos, 0, keys)
        connection.close()
        server = LiveServer(pos, keys, workers=3, threads=8)
        try:
            client = Reseller(server.url, operator, secret)
            hold = {
                "performance": performance.pk,
                "category": category.pk,
                "tickets": [{"customerCategory": "0", "quantity": 1}],
            }
            counter = iter(range(10**9))

            def sell(session):
                status, basket = client.call(session, "POST", "baskets", json=hold)
                if status != 201:
                    return f"hold {status} {basket.get('code')}"
                status, sale = client.call(
                    session,
                    "POST",
                    f"baskets/{basket['basket']}/confirm",
                    json={"saleReference": f"B{next(counter)}", "beneficiaries": ["A B"]},
                )
                return "sold" if status == 201 else f"confirm {status} {sale.get('code')}"

            sell.session = client.session
            status, first = client.call(client.session(), "POST", "baskets", json=hold)
            assert status == 201, first

            def status_call(session):
                code, _body = client.call(session, "GET", f"baskets/{first['basket']}")
                return "ok" if code == 200 else f"status {code}"

            status_call.session = client.session
            in_threads(buyers, buyers * 2, status_call)  # warm every worker
            base, base_seconds = in_threads(buyers, sales, status_call)
            sold, seconds = in_threads(buyers, sales - 1, sell)
        finally:
            server.stop()
        errors = [r for r in sold + base if r not in ("sold", "ok")]
        return {
            "vendor": "postgresql",
            "server": "gunicorn 3 workers x 8 threads",
            "buyers": buyers,
            "confirmed_sales": sold.count("sold"),
            "confirmed_sales_per_second": round(sold.count("sold") / seconds, 1),
            "baseline_status_calls_per_second": round(len(base) / base_seconds, 1),
            "errors": errors[:5],
            "error_count": len(errors),
        }
    finally:
        from django.db import connections

        connections.close_all()
        cleanup()


def full_race(pg_url):
    race = ROOT / "tests/ticketshop/resellers/race_realtime.py"
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, str(race), pg_url, "--web", "100", "--buyers", "100", "--sales",
         "250", "--seats", "1000"],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, "DATABASE_URL": ""},
        check=False,
    )  # fmt: skip
    if completed.returncode:
        return {"failed": completed.stderr[-2000:]}
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    report["seconds"] = round(time.perf_counter() - started, 1)
    return report


if __name__ == "__main__":
    pg = _server_url()
    if "--race-only" not in sys.argv:
        result = throughput(pg, _arg("--buyers", 16), _arg("--sales", 400))
        print(json.dumps(result))
        print(
            f"Real-time confirm on PostgreSQL: {result['confirmed_sales_per_second']} confirmed "
            f"sales/s (hold + confirm over HTTP, {result['buyers']} buyers) beside "
            f"{result['baseline_status_calls_per_second']} status calls/s (baseline); "
            f"{result['error_count']} errors."
        )
    if "--no-race" not in sys.argv:
        race = full_race(pg)
        print(json.dumps(race))
        if "failed" not in race:
            print(
                f"Full race (100 web + 2 x 100 reseller buyers + batch) on PostgreSQL in "
                f"{race['seconds']} s: {race['seats_taken_twice']} seats sold twice, "
                f"{race['oversold']} oversold, {len(race['errors'])} errors, "
                f"{race['confirmed_sales']} real-time sales, web sold {race['web_sold']}."
            )
