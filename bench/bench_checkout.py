"""B2 benchmark: checkout throughput on PostgreSQL, and the oversell figure of the race.

Runs tests/booking/race.py against a fresh database on the PostgreSQL server of
TEST_POSTGRES_URL (default: the one scripts/postgres.sh starts): 200 buyers race over HTTP for the
last 50 seats (sign in, hold, pay by voucher; oversell must be 0), then 200 orders of 2 seats are
checked out through the booking service by 8 concurrent workers (hold the best seats + confirm,
one transaction each, in one Python process), and prints orders per second.

Usage: .venv/bin/python bench/bench_checkout.py [postgres URL]
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
URL = (
    sys.argv[1]
    if len(sys.argv) > 1
    else os.environ.get("TEST_POSTGRES_URL")
    or subprocess.run(
        [str(ROOT / "scripts" / "postgres.sh")], capture_output=True, text=True, check=True
    ).stdout.strip()
)

completed = subprocess.run(
    [sys.executable, str(ROOT / "tests" / "booking" / "race.py"), URL, "200", "50", "--bench"],
    capture_output=True,
    text=True,
    cwd=ROOT,
    env={**os.environ, "DATABASE_URL": ""},
)
if completed.returncode:
    sys.exit(completed.stderr)
report = json.loads(completed.stdout.strip().splitlines()[-1])
print(f"database: {report['vendor']}, {os.cpu_count()} CPU(s)")
print(
    f"race ({report['mode']}): {report['buyers']} buyers for the last {report['free_seats']} seats -> "
    f"{report['sold']} sold, {report['refused']} refused, errors {len(report['errors'])}, "
    f"seats in two orders {report['seats_in_two_orders']}, oversell {report['oversell']}"
)
print(
    f"checkout service: {report['bench_orders']} orders of 2 seats by 8 workers -> "
    f"{report['orders_per_second']} orders/second"
)
