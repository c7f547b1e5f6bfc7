"""C4, X5 (issue 16, fault 3): an import killed (SIGKILL) while writing its pages leaves nothing
behind — no lock held for hours, no run shown "running" — and the next run equals one clean run,
on SQLite and on PostgreSQL."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

KILL = Path(__file__).with_name("import_kill.py")
ROOT = KILL.parents[2]
LANGUAGES = ("de", "en", "es", "fr")
# the events index's slug in each language (W5)
INDEX_SLUGS = {"en": "events", "fr": "a-l-affiche", "de": "programm", "es": "cartelera"}


def drill(target):
    completed = subprocess.run(
        [sys.executable, str(KILL), target],
        capture_output=True,
        text=True,
        timeout=840,
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": ""},
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def slug(language, n):
    """The page's slug (W5): the code in English, the name in that language then the code."""
    name = {"en": None, "fr": f"spectacle-{n}"}.get(language, f"show-{n}")
    return f"{name}-p{n:04d}" if name else f"p{n:04d}"


def assert_killed_then_clean(report):
    killed, after = report["killed"], report["after"]
    assert killed["runs"] == ["running"] and killed["pages"] == []  # nothing of it was kept
    assert report["rerun"]["status"] == "success", report["rerun"]  # the lock died with it
    assert after["runs"] == ["interrupted", "success"]  # the dead run is no longer "running"
    assert after["lock_holder"] is None
    assert after["duplicates"] == 0 and after["tree_problems"] == [0, 0, 0, 0, 0]
    # one clean run: every product's page in every language, once, live, where it belongs
    assert sorted((p[0], p[1].rsplit("/", 2)[-2], p[3]) for p in after["pages"]) == sorted(
        (language, slug(language, n), True) for language in LANGUAGES for n in range(8)
    )
    assert all(
        p[1].endswith(f"/{INDEX_SLUGS[p[0]]}/{p[1].rsplit('/', 2)[-2]}/") for p in after["pages"]
    )


@pytest.mark.timeout(900)
def test_an_import_killed_mid_write_then_rerun_on_sqlite():
    report = drill("sqlite")
    assert report["vendor"] == "sqlite"
    assert_killed_then_clean(report)


@pytest.mark.postgres
@pytest.mark.timeout(900)
def test_an_import_killed_mid_write_then_rerun_on_postgresql():
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        pytest.fail("TEST_POSTGRES_URL is not set: run the tests with scripts/test.sh")
    report = drill(url)
    assert report["vendor"] == "postgresql"
    assert_killed_then_clean(report)
