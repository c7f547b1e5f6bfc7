"""C4: two imports at once (the schedule and "Run import now", two clusters): one runs, the other
is refused and recorded, no page is created twice — on SQLite and on PostgreSQL."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

RACE = Path(__file__).with_name("import_race.py")
ROOT = RACE.parents[2]


def race(target):
    completed = subprocess.run(
        [sys.executable, str(RACE), target],
        capture_output=True,
        text=True,
        timeout=840,
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": ""},
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def assert_one_import(report):
    [failed, done] = report["runs"]
    assert done["status"] == "success", done
    assert failed["status"] == "failed" and "Another import is running" in failed["log"]
    assert report["pages"] == 8 * 4 and report["duplicates"] == 0


@pytest.mark.postgres
@pytest.mark.timeout(900)
def test_two_imports_at_once_on_postgresql():
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        pytest.fail("TEST_POSTGRES_URL is not set: run the tests with scripts/test.sh")
    report = race(url)
    assert report["vendor"] == "postgresql"
    assert_one_import(report)


@pytest.mark.timeout(900)
def test_two_imports_at_once_on_sqlite():
    report = race("sqlite")
    assert report["vendor"] == "sqlite"
    assert_one_import(report)
