"""R9, B2: web buyers, two real-time resellers' buyers (over HTTP) and a batch integration sell
one performance at once, its seats split between general sale and three contingents, on
PostgreSQL and SQLite: no seat sold twice, no contingent oversold, every confirmed sale exactly
one order, 0 errors; two confirms of one basket, or of one sale reference, at the same moment
give one order. The short form (a minute); the full size (100 web buyers, 2 × 100 reseller
buyers) is bench/bench_realtime.py --race."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

RACE = Path(__file__).with_name("race_realtime.py")
ROOT = RACE.parents[3]
WEB = 20


def run_race(target):
    completed = subprocess.run(
        [sys.executable, str(RACE), target, "--web", str(WEB)],
        capture_output=True,
        text=True,
        timeout=480,
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": ""},
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def assert_sold_once(report):
    assert report["errors"] == []
    assert report["seats_taken_twice"] == 0
    assert report["oversold"] == 0
    assert report["reseller_seats_outside_their_contingent"] == 0
    assert report["sales_with_another_order"] == 0
    assert report["orders_without_basket"] == 0
    sold = {name: r["sold"] for name, r in report["resellers"].items()}
    assert report["confirmed_sales"] == sum(sold.values()) > 0
    # each real-time reseller sold its whole contingent, no more (ClassicTic's stayed as it was)
    assert report["sold_per_reseller"]["classictic"] == report["allotted"]["classictic"]
    assert all(r["sold_out"] > 0 for r in report["resellers"].values())
    assert report["batch"] == [{"state": "OK", "orders": report["batch_orders"], "errors": []}]
    assert report["batch_orders"] > 0
    assert report["web"]["sold"] + report["web"]["refused"] == WEB
    assert report["web"]["sold"] == report["web_sold"] > 0
    same_basket = report["doubles"]["same_basket"]
    assert len({order for _status, order in same_basket}) == 1
    assert sorted(status for status, _order in same_basket) == [200, 201]
    same_reference = report["doubles"]["same_reference"]
    assert len({order for _status, order in same_reference}) == 1
    assert sorted(status for status, _order in same_reference) == [200, 201]


@pytest.mark.postgres
@pytest.mark.timeout(600)
def test_resellers_web_and_batch_race_on_postgresql():
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        pytest.fail("TEST_POSTGRES_URL is not set: run the tests with scripts/test.sh")
    report = run_race(url)
    assert report["vendor"] == "postgresql"
    assert_sold_once(report)


@pytest.mark.timeout(600)
def test_resellers_web_and_batch_race_on_sqlite():
    report = run_race("sqlite")
    assert report["vendor"] == "sqlite"
    assert_sold_once(report)
