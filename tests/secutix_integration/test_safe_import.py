"""C4: the import refuses suspicious answers, skips and reports bad products, runs one at a time."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from home.demo import load_site_demo
from secutix_integration import import_lock, importer, soap_client
from secutix_integration.importer import run_import
from secutix_integration.models import ImportLock, ImportRun
from secutix_integration.pages import get_event_page_model
from tests.secutix_integration import answers

LOCALES = 4  # fr, en, de, es


@pytest.fixture
def shop(db, monkeypatch, settings):
    """The site's pages, and the plugin talking to a stand-in answering `shop.catalogue`."""
    load_site_demo()
    settings.SECUTIX = {**settings.SECUTIX, "IMPORT_IN_PROGRESS_WAIT_SECONDS": 0}
    service = answers.Service(answers.catalogue([answers.product(n) for n in range(8)]))
    monkeypatch.setattr(soap_client, "_service", lambda *args, **kwargs: service)
    return service


def pages():
    return get_event_page_model().objects.all()


def live_codes():
    return set(pages().filter(live=True).values_list("product_code", flat=True))


def state():
    return sorted(pages().values_list("pk", "title", "live", "withdrawn_by_import"))


def test_the_first_import_of_the_stand_in(shop):
    run = run_import()
    assert run.status == ImportRun.Status.SUCCESS, run.error_log
    assert run.created == 8 * LOCALES and len(live_codes()) == 8


@pytest.mark.parametrize(
    "answer",
    [{"seasons": None}, {"seasons": []}, {"seasons": [{"code": "S30", "products": None}]}],
    ids=["seasons None", "no season", "a season without products"],
)
def test_an_empty_answer_is_refused_and_nothing_is_unpublished(shop, answer):
    run_import()
    before = state()
    shop.catalogue = answer
    run = run_import()
    assert run.status == ImportRun.Status.FAILED
    assert "suspicious" in run.error_log and "no season or no readable product" in run.error_log
    assert state() == before and len(live_codes()) == 8
    # the same answer, forced, is accepted: every page is unpublished (never deleted)
    run = run_import(force=True)
    assert run.status == ImportRun.Status.SUCCESS, run.error_log
    assert run.unpublished == 8 * LOCALES and live_codes() == set()
    assert pages().count() == 8 * LOCALES


def test_an_answer_unpublishing_more_than_the_threshold_is_refused(shop, settings):
    run_import()
    before = state()
    shop.catalogue = answers.catalogue([answers.product(n) for n in range(3)])  # 5 of 8 leave
    run = run_import()
    assert run.status == ImportRun.Status.FAILED and run.created == run.unpublished == 0
    assert "would unpublish 20 of the 32 live event pages, more than 50%" in run.error_log
    assert state() == before
    with pytest.raises(CommandError, match="suspicious"):
        call_command("import_catalogue", stdout=StringIO())
    assert state() == before
    # the threshold is a setting
    settings.SECUTIX = {**settings.SECUTIX, "IMPORT_MAX_UNPUBLISH_RATIO": 0.75}
    run = run_import()
    assert run.status == ImportRun.Status.SUCCESS and run.unpublished == 5 * LOCALES


def test_forced_from_the_command_line_the_answer_is_accepted(shop):
    run_import()
    shop.catalogue = answers.catalogue([answers.product(0)])
    out = StringIO()
    call_command("import_catalogue", "--force", stdout=out)
    assert "unpublished 28" in out.getvalue()
    assert live_codes() == {"P0000"}


def test_up_to_the_threshold_pages_leave_without_force(shop):
    run_import()
    shop.catalogue = answers.catalogue([answers.product(n) for n in range(4)])  # half leave
    run = run_import()
    assert run.status == ImportRun.Status.SUCCESS and run.unpublished == 4 * LOCALES


BAD = {
    "code over 8 characters": ({"code": "TOOLONGCODE"}, "product_code"),
    "space in the code": ({"code": "BAD CODE"}, "cannot be a page slug"),
    "venue over 500 characters": ({"venue": "V" * 501}, "venue_names"),
    "name over 255 characters": ({"name": "N" * 256}, "title"),
    "no code": ({"code": ""}, "without id or code"),
}


def test_one_bad_product_among_50_is_skipped_and_reported(shop, client, django_user_model):
    products = [answers.product(n) for n in range(50)]
    products[17] = answers.product(17, code="BAD CODE")
    shop.catalogue = answers.catalogue(products)
    run = run_import()
    assert run.status == ImportRun.Status.WARNINGS, run.error_log
    assert run.get_status_display() == "Done with warnings"
    assert run.created == 49 * LOCALES and pages().count() == 49 * LOCALES
    assert not pages().filter(ticketshop_id=50_017).exists()
    [skipped] = run.skipped
    assert skipped["id"] == 50_017 and skipped["code"] == "BAD CODE"
    assert "cannot be a page slug" in skipped["reason"]
    assert run.errors == 1 and "BAD CODE (id 50017): code 'BAD CODE' cannot" in run.error_log
    # …and listed in the admin
    django_user_model.objects.create_superuser("boss", "b@example.com", "Boss-pw-2026")
    client.login(username="boss", password="Boss-pw-2026")
    html = client.get("/admin/catalogue-imports/").content.decode()
    assert "Done with warnings" in html and "BAD CODE" in html and "cannot be a page slug" in html


def test_every_kind_of_bad_product_is_skipped_with_its_reason(shop):
    products = [answers.product(n) for n in range(len(BAD) + 2)]
    for number, (change, _reason) in enumerate(BAD.values()):
        products[number] = answers.product(number, **change)
    shop.catalogue = answers.catalogue(products)
    run = run_import()
    assert run.status == ImportRun.Status.WARNINGS, run.error_log
    assert run.created == 2 * LOCALES
    reasons = {s["id"]: s["reason"] for s in run.skipped}
    assert len(reasons) == len(BAD)
    for number, (_change, reason) in enumerate(BAD.values()):
        assert reason in reasons[50_000 + number]


def test_a_skipped_product_keeps_its_pages(shop):
    run_import()
    products = [answers.product(n) for n in range(8)]
    products[3] = answers.product(3, name="N" * 256)  # the product is still there, unreadable
    shop.catalogue = answers.catalogue(products)
    run = run_import()
    assert run.status == ImportRun.Status.WARNINGS and run.unpublished == 0
    assert len(live_codes()) == 8
    assert pages().get(ticketshop_id=50_003, locale__language_code="en").title == "Show 3"


def test_two_products_with_one_slug_the_second_is_skipped(shop):
    shop.catalogue = answers.catalogue(
        [answers.product(1, code="SAME"), answers.product(2, code="same")]
    )
    run = run_import()
    assert run.status == ImportRun.Status.WARNINGS
    assert [s["code"] for s in run.skipped] == ["same"] and "slug" in run.skipped[0]["reason"]
    assert set(pages().values_list("product_code", flat=True)) == {"SAME"}


def test_an_import_does_not_start_while_another_holds_the_lock(shop):
    assert importer.acquire_lock(holder=999)
    run = run_import()
    assert run.status == ImportRun.Status.FAILED
    assert "Another import is running" in run.error_log and not pages().exists()
    importer.release_lock(999)
    assert run_import().status == ImportRun.Status.SUCCESS
    assert ImportLock.objects.get().holder is None  # released after the run


def test_a_dead_imports_lock_dies_with_it(shop):
    """The holder's lock is a file lock (SQLite) or an advisory lock on its own connection
    (PostgreSQL): its process dying closes them (here closed as the kernel would), so the next
    import starts at once and the dead run is shown interrupted (the real SIGKILL:
    test_import_killed.py)."""
    dead = ImportRun.objects.create(trigger=ImportRun.Trigger.SCHEDULE)
    assert importer.acquire_lock(holder=dead.pk)
    assert run_import().status == ImportRun.Status.FAILED  # alive: one import at a time
    import_lock._held.pop(dead.pk).release()  # the process dies: its file/connection closes
    run = run_import()
    assert run.status == ImportRun.Status.SUCCESS, run.error_log
    dead.refresh_from_db()
    assert dead.status == ImportRun.Status.INTERRUPTED and dead.finished_at
    assert ImportLock.objects.get().holder is None


def test_without_a_lock_of_the_os_or_the_server_the_lease_lapses(shop, monkeypatch):
    """Other databases (no advisory or file lock): the row's lease, as before."""
    monkeypatch.setattr(import_lock, "_handle", lambda: None)
    assert importer.acquire_lock(holder=999)
    assert run_import().status == ImportRun.Status.FAILED
    ImportLock.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert run_import().status == ImportRun.Status.SUCCESS


def test_the_lock_is_released_when_the_import_crashes(shop, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(importer, "parse_catalogue", crash)
    assert run_import().status == ImportRun.Status.FAILED
    monkeypatch.undo()
    assert ImportLock.objects.get().holder is None
