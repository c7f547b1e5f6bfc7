"""Issue 16 fault 3, R5, R7: a worker SIGKILLed in the middle of a reseller sales integration
(held at a known point, never a timed kill), then the job re-run: not refused (the lock died
with its holder), the dead run shown "Interrupted" in the back office, and the end state equal
to one clean run: one order per reseller sale, the seats the reseller sold, no duplicate."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

DRILL = Path(__file__).with_name("kill_drill.py")
ROOT = DRILL.parents[3]


def run_drill(target):
    completed = subprocess.run(
        [sys.executable, str(DRILL), target],
        capture_output=True,
        text=True,
        timeout=400,
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": ""},
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def assert_like_one_clean_run(report):
    assert report["at_kill"] == {"sales": 1, "runs": ["RUNNING"]}  # killed half-way
    assert report["rerun"] == ["OK", 2]  # not refused: the lock died with the worker
    assert report["again"] == ["OK", 0]
    assert report["end_equals_reseller"]  # each reseller sale once, its seat, barcode, names
    assert report["end"]["orders"] == ["PAID"] * 3
    assert sorted(s for _seat, s in report["end"]["contingent"]) == ["EXPORTED"] + ["SOLD"] * 3
    assert report["end"]["live_reservations"] == 4  # no seat held twice
    assert report["runs"] == [
        ["EXPORT", "OK"],
        ["INTEGRATE", "INTERRUPTED"],
        ["INTEGRATE", "OK"],
        ["INTEGRATE", "OK"],
    ]
    assert report["interrupted_errors"][0].startswith("Interrupted: the process")
    assert report["admin_status"] == 200 and report["admin_shows_interrupted"]


@pytest.mark.timeout(450)
def test_worker_killed_mid_integration_on_sqlite():
    report = run_drill("sqlite")
    assert report["vendor"] == "sqlite"
    assert_like_one_clean_run(report)


@pytest.mark.postgres
@pytest.mark.timeout(450)
def test_worker_killed_mid_integration_on_postgresql():
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        pytest.fail("TEST_POSTGRES_URL is not set: run the tests with scripts/test.sh")
    report = run_drill(url)
    assert report["vendor"] == "postgresql"
    assert_like_one_clean_run(report)
