"""Every django-q2 schedule `migrate` creates names a function that imports and runs (C4, R5).

A schedule is a dotted path in a database row: a typo there is only found when the cluster
tries to run it, at 05:00 or never. So every schedule is resolved the way django-q2's worker
resolves it (pydoc.locate) and run through django-q2's own scheduler; and a real cluster
(`manage.py qcluster`, ORM broker, in a subprocess on a file-based SQLite database) picks the
due schedules and runs them.
"""

import os
import pydoc
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.utils import timezone
from django_q.models import Schedule, Task
from django_q.scheduler import scheduler

from secutix_integration.models import ImportRun
from secutix_integration.tasks import IMPORT_TASK, METADATA_TASK
from ticketshop.resellers.schedules import EXPIRE_TASK
from ticketshop.sales.tasks import RELEASE_TASK

PROJECT = Path(__file__).resolve().parents[1]
EXPECTED = {RELEASE_TASK, IMPORT_TASK, METADATA_TASK, EXPIRE_TASK}


def test_migrate_creates_the_expected_schedules(db):
    assert set(Schedule.objects.values_list("func", flat=True)) == EXPECTED


def test_every_schedules_function_resolves_like_the_worker_resolves_it(db):
    schedules = list(Schedule.objects.all())
    assert schedules
    for schedule in schedules:
        function = pydoc.locate(schedule.func)
        assert callable(function), f"schedule {schedule.name!r}: {schedule.func} does not import"


def test_every_schedule_runs_through_django_q2s_scheduler(ticketshop):  # noqa: F811
    """Make every schedule due and let django-q2's scheduler run them (sync mode in tests: the
    worker's own code runs in this process); each leaves a successful task behind."""
    started = timezone.now()
    Schedule.objects.update(next_run=started - timezone.timedelta(minutes=1))
    scheduler()
    for schedule in Schedule.objects.all():
        task = Task.objects.filter(func=schedule.func, started__gte=started).first()
        assert task is not None, f"{schedule.func} did not run"
        assert task.success, f"{schedule.func} failed: {task.result}"
        assert schedule.next_run > started  # rescheduled
    import_task = Task.objects.get(func=IMPORT_TASK)
    run = ImportRun.objects.get(pk=import_task.result["run"])
    assert run.trigger == ImportRun.Trigger.SCHEDULE and run.status == ImportRun.Status.SUCCESS
    assert run.created == 12
    assert Task.objects.get(func=RELEASE_TASK).result == 0  # nothing expired to free


# --- a real cluster ------------------------------------------------------------------------------


def _manage(env, *args, timeout=240):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


STATE = """
from django_q.models import Schedule, Task
for s in Schedule.objects.order_by("func"):
    task = Task.objects.filter(func=s.func).first()
    print(s.func, task is not None and task.success, s.next_run > s.next_run.now(s.next_run.tzinfo))
"""


@pytest.mark.timeout(900)  # migrates a database and runs a cluster: 190 s seen when loaded
def test_a_real_cluster_picks_a_due_schedule_and_runs_it(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.cluster_settings",
        "VAR_DIR": str(tmp_path),  # a file-based SQLite database the cluster can share
        "PYTHONPATH": os.pathsep.join([str(PROJECT), str(PROJECT / "site")]),
    }
    env.pop("DATABASE_URL", None)
    _manage(env, "migrate", "--no-input")  # creates the schedules, as at every set-up
    # the expiry schedule is due at once (its first run is "now"); it must run within a cycle
    cluster = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            state = _manage(env, "shell", "-c", STATE)
            if f"{RELEASE_TASK} True True" in state or time.monotonic() > deadline:
                break
            assert cluster.poll() is None, cluster.stdout.read()
            time.sleep(2)
    finally:
        os.killpg(cluster.pid, signal.SIGTERM)
        try:
            output, _ = cluster.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(cluster.pid, signal.SIGKILL)
            output, _ = cluster.communicate()
    # the cluster ran the expiry task successfully and rescheduled it; the daily import is
    # not due (tomorrow 05:00) and was left alone
    assert f"{RELEASE_TASK} True True" in state, state + output[-3000:]
    assert f"{IMPORT_TASK} False True" in state, state
    assert "Processed" in output and "release_expired_holds" in output
