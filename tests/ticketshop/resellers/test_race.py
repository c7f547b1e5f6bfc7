"""R2, R5: web buyers race a contingent being allotted on PostgreSQL (and SQLite): no seat is
ever both in the contingent and in a web order; two runs of one interface at once: one runs,
the other is refused."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

RACE = Path(__file__).with_name("race_contingent.py")
ROOT = RACE.parents[3]


def run_race(target):
    completed = subprocess.run(
        [sys.executable, str(RACE), target],
        capture_output=True,
        text=True,
        timeout=480,
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": ""},
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def assert_no_seat_in_both(report):
    assert report["errors"] == []
    assert report["seats_in_both"] == 0
    assert report["seats_taken_twice"] == 0
    assert report["contingent_seats"] == report["allotted"]
    assert report["sold"] + report["allotted"] <= 60
    assert report["sold"] > 0 and report["allotted"] > 0  # both sides really raced
    assert report["sold"] + report["refused"] == 50
    assert report["two_runs"] == ["OK", "REFUSED"]


@pytest.mark.postgres
@pytest.mark.timeout(600)
def test_web_buyers_race_a_contingent_on_postgresql():
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        pytest.fail("TEST_POSTGRES_URL is not set: run the tests with scripts/test.sh")
    report = run_race(url)
    assert report["vendor"] == "postgresql"
    assert_no_seat_in_both(report)


@pytest.mark.timeout(600)
def test_web_buyers_race_a_contingent_on_sqlite():
    report = run_race("sqlite")
    assert report["vendor"] == "sqlite"
    assert_no_seat_in_both(report)
