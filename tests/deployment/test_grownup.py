"""X2, X5 — grown-up mode as several processes, under load and through faults (issue 16).

One grown-up instance for the module (scripts/grownup.sh start: its own PostgreSQL and Redis on
loopback, the website and the ticketshop each in its own gunicorn, two django-q2 clusters),
stopped in the fixture's finalizer whatever happens. Each test drives it from outside: HTTP,
locust, the script's drills (stop-shop, stop-postgres, stop-redis…), manage.py and signals.
The 60 s forms with the figures are bench/bench_grownup.py.
"""

import os
import signal
import time

import pytest

from tests.deployment.grownup import GrownUp, get, oversold, prepare_load, run_locust

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(900)]
# The plugin's badge when the ticketshop did not answer ("Availability unknown"; the words
# themselves are also in every page's script labels)
UNKNOWN_BADGE = "availability-unknown"


@pytest.fixture(scope="module")
def grownup():
    if not os.path.isdir("/usr/lib/postgresql") or not _which("redis-server"):
        pytest.fail("PostgreSQL and redis-server are needed: run scripts/test.sh")
    instance = GrownUp(web_workers=2, shop_workers=2, qclusters=2, q_workers=1, threads=4)
    try:
        instance.start()
        yield instance
    finally:
        instance.stop()


def _which(name):
    return any(
        os.access(os.path.join(folder, name), os.X_OK)
        for folder in os.environ.get("PATH", "").split(os.pathsep)
    )


def _event_page(grownup):
    status, body = get(f"{grownup.web_url}/en/events/")
    assert status == 200, body[:500]
    import re

    link = re.search(r'href="(/en/events/[a-z0-9-]+/)"', body)
    assert link, "no event page linked from What's on"
    return grownup.web_url + link.group(1)


def test_health_static_files_and_request_logs(grownup):
    # (a cluster restarted by an earlier drill reports within a guard cycle or two)
    assert grownup.wait(lambda: grownup.health()[0] == 200, 90, step=2), grownup.health()
    status, body = grownup.health()
    assert status == 200, body
    for check in ("database", "cache", "broker", "workers"):
        assert f'"{check}": {{"status": "ok' in body, body
    assert "cluster(s)" in body
    assert grownup.health("nothing")[0] == 400
    # static files from the web processes themselves (whitenoise), compressed, cacheable
    import urllib.request

    request = urllib.request.Request(
        f"{grownup.web_url}/static/css/site.css", headers={"Accept-Encoding": "gzip"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        assert response.headers["Content-Encoding"] == "gzip"
        assert "max-age" in response.headers["Cache-Control"]
    # one JSON line per request, with its id and duration
    status, _body = get(f"{grownup.web_url}/en/events/")
    assert status == 200
    lines = [line for line in grownup.log("web").splitlines() if '"path": "/en/events/"' in line]
    assert lines and '"request_id": "' in lines[-1] and '"duration_ms": ' in lines[-1]
    assert '"status": 200' in lines[-1]


def test_mixed_load_briefly_no_error_no_oversell(grownup):
    data = prepare_load(grownup, buyers=3)
    # half the users buy: a buyer signs in first (a password hash, seconds on a loaded machine)
    stats = run_locust(
        data, grownup.web_url, users=6, seconds=30, weights="visitor=2,soap=1,buyer=3"
    )
    kinds = {
        "website: what's on",
        "website: event page",
        "ticketshop: public availability",
        "ticketshop: SOAP getProductAvailability",
        "checkout: hold",
    }
    report = {name: value for name, value in stats.items() if not name.startswith("_")}
    assert kinds <= set(report), (report, stats["_output"])
    assert report["Aggregated"]["failures"] == 0, stats["_failures"]
    state = oversold(grownup)
    assert state["seats_taken_twice"] == 0 and state["performances_over_capacity"] == [], state
    assert state["sold"] >= 1, (state, report)  # checkouts went through to the end
    # a job line per django-q2 job, with its id and duration (the minute's expiry task)
    assert grownup.wait(
        lambda: any(
            '"message": "job"' in line and '"duration_ms"' in line
            for n in (1, 2)
            for line in grownup.log(f"qcluster-{n}").splitlines()
        ),
        90,
        step=2,
    ), grownup.log("qcluster-1")[-2000:]


SCHEDULES = """
import json
from django.utils import timezone
from django_q.models import Schedule
Schedule.objects.filter(name__startswith="once-").delete()
for n in range(%d):
    Schedule.objects.create(
        name=f"once-{n}", func="math.floor", args="1.5", schedule_type=Schedule.MINUTES,
        minutes=10, repeats=-1, next_run=timezone.now() - timezone.timedelta(seconds=1),
    )
print(json.dumps("ok"))
"""

RUNS = """
import json
from django.db.models import Count
from django_q.models import Task
print(json.dumps(dict(Task.objects.filter(group__startswith="once-").values_list("group")
      .annotate(n=Count("id")))))
"""


def test_each_schedule_runs_once_per_due_time_with_two_clusters(grownup):
    """Both clusters' schedulers (every 30 s each) see the same due schedules; each due time
    gives one task (django-q2 takes the due rows under a row lock on PostgreSQL)."""
    count = 12
    grownup.shell(SCHEDULES % count)
    assert grownup.wait(lambda: len(grownup.shell(RUNS)) == count, 120, step=3)
    time.sleep(35)  # both clusters' schedulers have passed again since
    runs = grownup.shell(RUNS)
    assert runs == {f"once-{n}": 1 for n in range(count)}, runs


def test_ticketshop_stopped_website_answers_with_unknown_availability(grownup):
    page, index = _event_page(grownup), f"{grownup.web_url}/en/events/"

    def unknown_badges():
        status, body = get(index, timeout=30)
        assert status == 200, body[:500]
        return body.count(UNKNOWN_BADGE)

    assert grownup.wait(lambda: get(page)[0] == 200, 30)
    normal = unknown_badges()  # products not on offer have no availability, ever
    grownup.script("stop-shop")
    try:
        # every answer 200, each within a bounded wait; the badges turn "unknown" at the latest
        # when the plugin's cached availabilities expire (AVAILABILITY_CACHE_SECONDS, 30 s)
        deadline, during = time.monotonic() + 60, normal
        while during == normal and time.monotonic() < deadline:
            started = time.monotonic()
            status, body = get(page, timeout=30)
            assert status == 200, body[:500]
            during = unknown_badges()
            assert time.monotonic() - started < 15
            time.sleep(1)
        assert during > normal, (normal, during)
        assert "Availability unknown" in get(index)[1]
    finally:
        grownup.script("start-shop")
    # back by itself once the ticketshop answers (the plugin's short "down" memory expires)
    assert grownup.wait(lambda: unknown_badges() == normal, 90, step=2)


def test_postgresql_restart_fast_503_then_recovery_without_restarting_workers(grownup):
    page = _event_page(grownup)
    master = (grownup.var_dir / "run" / "web.pid").read_text().strip()
    grownup.script("stop-postgres")
    try:
        for url in (page, f"{grownup.web_url}/en/events/", page):
            started = time.monotonic()
            status, body = get(url, timeout=30)
            assert status == 503, (status, body[:500])
            assert "Temporarily unavailable" in body
            assert time.monotonic() - started < 10  # fails fast, does not hang
        status, body = grownup.health("database")
        assert status == 503 and "failed" in body
    finally:
        grownup.script("start-postgres")
    assert grownup.wait(lambda: get(page)[0] == 200, 60, step=1)
    assert (grownup.var_dir / "run" / "web.pid").read_text().strip() == master


QUEUE = """
import json
from django_q.tasks import async_task
for n in range(%d):
    async_task("math.floor", n + 0.5, group="redis-drill")
print(json.dumps("queued"))
"""

DRILL = """
import json
from django_q.models import Task
print(json.dumps(sorted(Task.objects.filter(group="redis-drill", success=True)
      .values_list("result", flat=True))))
"""


def test_redis_down_pages_render_and_queued_jobs_are_not_lost(grownup):
    page = _event_page(grownup)
    grownup.script("stop-workers")
    try:
        grownup.shell(QUEUE % 5)  # queued in Redis, no worker to take them yet
        grownup.script("stop-redis")
        try:
            for url in (page, f"{grownup.web_url}/en/events/", f"{grownup.web_url}/fr/"):
                status, body = get(url, timeout=30)
                assert status == 200, (url, status, body[:500])
            status, body = grownup.health("cache,broker")
            assert status == 503 and "failed" in body
        finally:
            grownup.script("start-redis")
    finally:
        grownup.script("start-workers")
    assert grownup.wait(lambda: len(grownup.shell(DRILL)) == 5, 120, step=3)
    assert grownup.shell(DRILL) == [0, 1, 2, 3, 4]


PAGES = """
import json
from events.models import EventPage
print(json.dumps(sorted(
    [p.locale.language_code, p.url_path, p.title, p.live]
    for p in EventPage.objects.select_related("locale")
)))
"""

EMPTY = """
import json
from events.models import EventPage
for page in EventPage.objects.all():
    page.specific.delete()
print(json.dumps(EventPage.objects.count()))
"""

IMPORT = """
import json
from django_q.tasks import async_task
from secutix_integration.models import ImportRun
last = ImportRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
async_task("secutix_integration.tasks.import_catalogue", "admin", True)
print(json.dumps(last))
"""

RUN_STATE = """
import json
from secutix_integration.models import ImportRun
print(json.dumps([[r.pk, r.status, r.finished_at is not None]
      for r in ImportRun.objects.filter(pk__gt=%d).order_by("pk")]))
"""


WAITING_ON_PAGES = (
    "SELECT count(*) FROM pg_locks WHERE relation = 'wagtailcore_page'::regclass AND NOT granted"
)


def test_worker_killed_mid_catalogue_import_then_rerun_equals_a_clean_run(grownup):
    """The hold is deterministic: this test holds wagtailcore_page in EXCLUSIVE mode (reads
    go on, writes wait), so the import blocks at its first page write, seen in pg_locks; the
    worker hosts are then killed. The import's lock dies with them (an advisory lock on the
    killed process's connection), so the re-run starts at once."""
    import psycopg

    clean = grownup.shell(PAGES)  # the start's import: one clean run
    assert len(clean) >= 8
    assert grownup.shell(EMPTY) == 0
    with psycopg.connect(grownup.app_env()["DATABASE_URL"]) as hold:
        hold.execute("LOCK TABLE wagtailcore_page IN EXCLUSIVE MODE")  # until rollback
        last = grownup.shell(IMPORT)
        assert grownup.wait(
            lambda: hold.execute(WAITING_ON_PAGES).fetchone()[0] > 0, 180, step=0.5
        ), grownup.shell(RUN_STATE % last)
        for pidfile in (grownup.var_dir / "run").glob("qcluster-*.pid"):
            os.killpg(int(pidfile.read_text().strip()), signal.SIGKILL)  # the worker host dies
        runs = grownup.shell(RUN_STATE % last)
        assert [r[1:] for r in runs] == [["running", False]], runs
        hold.rollback()  # the killed import's session then fails and rolls back
    assert grownup.wait(lambda: grownup.shell(PAGES) == [], 60, step=1)  # nothing was kept
    grownup.script("start-workers")
    rerun = grownup.shell(IMPORT)  # the next schedule or the admin's "Run import now"
    assert grownup.wait(
        lambda: any(r[1] == "success" for r in grownup.shell(RUN_STATE % rerun)), 180, step=3
    ), grownup.shell(RUN_STATE % last)
    assert grownup.shell(PAGES) == clean  # no page missing, none twice
    killed = grownup.shell(RUN_STATE % last)[0]
    assert killed[1] == "interrupted" and killed[2], killed  # no longer "running"
