"""The editors' import list (issue 12, C4): "By" names the user who clicked "Run import now",
and the list refreshes itself until the run it started has ended."""

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from secutix_integration.import_lock import acquire_lock, release_lock
from secutix_integration.models import ImportRun

pytestmark = pytest.mark.django_db

REFRESH = re.compile(r'<meta http-equiv="refresh" content="(\d+)">')


@pytest.fixture
def boss(client, django_user_model, settings):
    # no ticketshop answers here: the run is recorded as failed, which is all these tests need
    settings.SECUTIX = {
        **settings.SECUTIX,
        "API_BASE_URL": "http://127.0.0.1:9",
        "TIMEOUT_SECONDS": 1,
    }
    django_user_model.objects.create_superuser("boss", "b@example.com", "Boss-pw-2026")
    client.login(username="boss", password="Boss-pw-2026")
    return client


def test_by_names_the_user_who_ran_the_import(boss):
    response = boss.post("/admin/catalogue-imports/run/")  # the task runs at once in tests
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/admin/catalogue-imports/"
    since = dt.datetime.fromisoformat(parse_qs(location.query)["since"][0])
    run = ImportRun.objects.get()
    assert run.started_by == "boss" and run.trigger == ImportRun.Trigger.ADMIN
    assert run.started_at >= since
    html = boss.get(response["Location"]).content.decode()
    row = html.split('class="import-run')[1].split("</tr>")[0]
    assert "boss" in row and "Run from the admin" in row
    assert not REFRESH.search(html)  # the run it started has ended: no more refreshing


def test_a_scheduled_run_names_no_one(boss):
    ImportRun.objects.create(trigger=ImportRun.Trigger.SCHEDULE, status=ImportRun.Status.SUCCESS)
    html = boss.get("/admin/catalogue-imports/").content.decode()
    row = html.split('class="import-run')[1].split("</tr>")[0]
    assert "Daily schedule" in row and "boss" not in row


def test_the_list_refreshes_itself_while_waiting_for_and_running_an_import(boss):
    clicked = timezone.now().replace(microsecond=0)
    url = "/admin/catalogue-imports/"
    # clicked, the task still queued: the list refreshes until the run appears
    html = boss.get(url, {"since": clicked.isoformat()}).content.decode()
    assert REFRESH.search(html) and "refreshes itself" in html
    run = ImportRun.objects.create(trigger=ImportRun.Trigger.ADMIN)  # running
    assert acquire_lock(run.pk)  # as a running import holds it
    try:
        html = boss.get(url, {"since": clicked.isoformat()}).content.decode()
        assert REFRESH.search(html)
        assert REFRESH.search(boss.get(url).content.decode())  # a running import, however started
    finally:
        release_lock(run.pk)
    run.status = ImportRun.Status.SUCCESS
    run.finished_at = timezone.now()
    run.save()
    assert not REFRESH.search(boss.get(url, {"since": clicked.isoformat()}).content.decode())
    # an old or a malformed "since" does not refresh for ever
    old = (clicked - dt.timedelta(minutes=10)).isoformat()
    ImportRun.objects.all().delete()
    assert not REFRESH.search(boss.get(url, {"since": old}).content.decode())
    assert not REFRESH.search(boss.get(url, {"since": "yesterday"}).content.decode())
    assert not REFRESH.search(boss.get(url, {"since": "2026-11-25T10:00:00"}).content.decode())


def test_a_run_whose_process_died_shows_interrupted_not_running(boss):
    """Its process killed, a run stays "running" in the table; no import holds the lock, so
    the list says what happened (and stops refreshing)."""
    ImportRun.objects.create(trigger=ImportRun.Trigger.SCHEDULE)  # running, its holder gone
    html = boss.get("/admin/catalogue-imports/").content.decode()
    row = html.split('class="import-run')[1].split("</tr>")[0]
    assert "Interrupted" in row and "Running" not in row
    assert not REFRESH.search(html)
    assert ImportRun.objects.get().status == ImportRun.Status.INTERRUPTED
