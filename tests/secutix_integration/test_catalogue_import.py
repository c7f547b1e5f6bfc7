"""C4: the daily import of the ticketshop's catalogue into event pages, over SOAP (zeep)."""

import socket
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_q.models import Schedule
from wagtail.models import Page, Revision

from events.models import EventIndexPage, EventPage
from secutix_integration import importer, soap_client
from secutix_integration.importer import run_import
from secutix_integration.models import ImportRun
from secutix_integration.tasks import IMPORT_TASK
from ticketshop.catalogue.models import State
from ticketshop.catalogue.services import change_state

LANGUAGES = {"fr", "en", "de", "es"}
# the events index's slug in each language (W5, issue 12: site/home/demo.py)
INDEX = {"en": "events", "fr": "a-l-affiche", "de": "programm", "es": "cartelera"}

# The pages' slugs: the code in English, the name + the code in the others (W5, issue 12);
# no Spanish name: the default language's.
SLUGS = {
    "en": "concert",
    "fr": "spectacle-concert-concert",
    "de": "konzert-concert",
    "es": "concert-show-concert",
}


def pages_of(product):
    return {p.locale.language_code: p for p in EventPage.objects.filter(ticketshop_id=product.pk)}


def snapshot():
    return (
        list(EventPage.objects.order_by("pk").values_list("pk", "title", "live", "price_min")),
        Revision.objects.count(),
    )


def test_first_import_creates_a_page_per_product_and_language(ticketshop):
    run = run_import()
    assert run.status == ImportRun.Status.SUCCESS, run.error_log
    # RUNNING and SUSPENDED products only: concert, suspended, pass — in four languages
    ids = set(EventPage.objects.values_list("ticketshop_id", flat=True))
    assert ids == {ticketshop.concert.pk, ticketshop.suspended.pk, ticketshop.pass_.pk}
    assert run.created == 3 * 4 and run.updated == run.unpublished == 0
    pages = pages_of(ticketshop.concert)
    assert set(pages) == LANGUAGES
    assert len({p.translation_key for p in pages.values()}) == 1  # linked as translations
    assert pages["fr"].title == "Spectacle concert"
    assert pages["de"].title == "Konzert"
    assert pages["es"].title == "Concert show"  # no Spanish name: the default language's
    for language, page in pages.items():
        assert page.live
        assert isinstance(page.get_parent().specific, EventIndexPage)
        assert page.get_parent().locale.language_code == language
        assert page.url == f"/{language}/{INDEX[language]}/{SLUGS[language]}/"  # in its language
    english = pages["en"]
    assert english.product_code == "CONCERT" and english.family == "SINGLE_ENTRY"
    assert english.theme_codes == ",MUSIC,JAZZ," or english.theme_codes == ",JAZZ,MUSIC,"
    assert english.season_code == "S2026"
    assert len(english.performances) == 2
    assert {c["code"] for c in english.performances[0]["seatCategories"]} == {"CAT1", "CAT2"}
    assert str(english.price_min) == "12.25" and str(english.price_max) == "45.50"
    assert english.sales_start is not None and english.imported_description == "About CONCERT"


def test_an_unchanged_catalogue_writes_nothing(ticketshop):
    run_import()
    before = snapshot()
    second = run_import()
    assert second.status == ImportRun.Status.UNCHANGED  # getLastSetupUpdate said so
    forced = run_import(force=True)  # even when fetched and compared: nothing written
    assert forced.status == ImportRun.Status.SUCCESS
    assert forced.unchanged == 12 and forced.created == forced.updated == 0
    assert snapshot() == before


def test_a_change_updates_only_imported_fields_and_keeps_the_editors_work(ticketshop):
    run_import()
    page = pages_of(ticketshop.concert)["fr"]
    page.body = [("text", "<p>Notre critique</p>")]
    page.save_revision().publish()
    revisions = Revision.objects.count()

    ticketshop.concert.name_fr = "Grand concert"
    ticketshop.concert.save()
    run = run_import()

    assert run.status == ImportRun.Status.SUCCESS
    assert run.updated == 1 and run.unchanged == 11  # only the French page changed
    page = EventPage.objects.get(pk=page.pk)
    assert page.title == "Grand concert"
    assert page.body[0].value.source == "<p>Notre critique</p>"
    assert Revision.objects.count() == revisions + 1


def test_an_editors_pending_draft_is_kept(ticketshop):
    run_import()
    page = pages_of(ticketshop.concert)["en"]
    page.body = [("text", "<p>Draft review</p>")]
    page.save_revision()  # not published
    ticketshop.concert.name_en = "Big concert"
    ticketshop.concert.save()
    run_import()
    page = EventPage.objects.get(pk=page.pk)
    assert page.title == "Big concert"  # visitors see the new facts at once
    draft = page.get_latest_revision_as_object()
    assert draft.title == "Big concert" and draft.body[0].value.source == "<p>Draft review</p>"
    assert page.has_unpublished_changes


def test_vanished_or_cancelled_products_are_unpublished_never_deleted(ticketshop):
    run_import()
    change_state(ticketshop.concert, State.CANCELED)
    run = run_import()
    assert run.unpublished == 4
    pages = pages_of(ticketshop.concert)
    assert set(pages) == LANGUAGES and not any(p.live for p in pages.values())
    assert all(p.live for p in pages_of(ticketshop.suspended).values())


def test_a_product_back_in_the_catalogue_comes_back(ticketshop):
    run_import()
    change_state(ticketshop.suspended, State.RUNNING)
    ticketshop.suspended.state = State.SUSPENDED
    from ticketshop.catalogue.models import Product

    Product.objects.filter(pk=ticketshop.suspended.pk).update(state=State.VALIDATED)
    run_import()
    assert not any(p.live for p in pages_of(ticketshop.suspended).values())
    Product.objects.filter(pk=ticketshop.suspended.pk).update(state=State.RUNNING)
    ticketshop.suspended.refresh_from_db()
    ticketshop.suspended.save()  # a new setup update
    run_import()
    assert all(p.live for p in pages_of(ticketshop.suspended).values())


def test_a_page_an_editor_unpublished_stays_unpublished(ticketshop):
    run_import()
    page = pages_of(ticketshop.concert)["en"]
    page.unpublish()
    ticketshop.concert.name_en = "Renamed"
    ticketshop.concert.save()
    run_import()
    page = EventPage.objects.get(pk=page.pk)
    assert not page.live and page.title == "Renamed"


@pytest.mark.parametrize(
    "breakage",
    [
        "ticketshop down",
        "ticketshop hangs",
        "wrong credentials",
        "malformed answer",
        "fails half-way",
    ],
)
def test_a_failed_run_changes_nothing_and_says_why(
    ticketshop, settings, monkeypatch, request, breakage
):
    run_import()
    ticketshop.concert.name_en = "Changed"
    ticketshop.concert.save()
    change_state(ticketshop.suspended, State.CANCELED)
    before = snapshot()
    if breakage == "ticketshop down":
        settings.SECUTIX = {**settings.SECUTIX, "API_BASE_URL": "http://127.0.0.1:9"}
    elif breakage == "ticketshop hangs":
        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(5)  # accepts, never answers: the call times out
        request.addfinalizer(silent.close)
        soap_client._client.cache_clear()
        settings.SECUTIX = {
            **settings.SECUTIX,
            "API_BASE_URL": f"http://127.0.0.1:{silent.getsockname()[1]}",
            "TIMEOUT_SECONDS": 0.5,
        }
    elif breakage == "wrong credentials":
        settings.SECUTIX = {**settings.SECUTIX, "API_PASSWORD": "wrong"}
    elif breakage == "malformed answer":
        monkeypatch.setattr(
            soap_client, "catalogue_detailed", lambda: {"seasons": [{"products": [{"id": 1}]}]}
        )
    else:
        original = importer.Importer._import_product
        calls = []

        def breaks_after_a_write(self, facts, pages, *args):
            calls.append(original(self, facts, pages, *args))  # a product's pages written…
            raise RuntimeError("disk full")  # …then the disk fills up

        monkeypatch.setattr(importer.Importer, "_import_product", breaks_after_a_write)
    run = run_import()
    assert run.status == ImportRun.Status.FAILED
    assert run.errors == 1 and run.error_log
    assert snapshot() == before
    expected = {
        "ticketshop down": "WSDL",
        "ticketshop hangs": "WSDL",
        "wrong credentials": "getLastSetupUpdate failed",
        "malformed answer": "without id or code",
        "fails half-way": "disk full",
    }[breakage]
    assert expected in run.error_log


def test_in_progress_is_polled_with_the_integer_request_id_over_soap(ticketshop, settings):
    """The ticketshop answers a large catalogue in_progress (here: any catalogue); the plugin
    asks again with the Integer requestId it was given, through real SOAP, and imports."""
    settings.TICKETSHOP = {**settings.TICKETSHOP, "API_CATALOGUE_IN_PROGRESS_FROM": 0}
    seen = []
    original = soap_client._call

    def spy(service, method, **params):
        answer = original(service, method, **params)
        seen.append((method, params.get("requestId"), answer["statusCode"], answer["requestId"]))
        return answer

    soap_client._call = spy
    try:
        run = run_import()
    finally:
        soap_client._call = original
    assert run.status == ImportRun.Status.SUCCESS, run.error_log
    assert run.created == 3 * 4
    catalogue_calls = [s for s in seen if s[0] == "getCatalogDetailed"]
    [(_m, asked_1, status_1, id_1), (_m2, asked_2, status_2, id_2)] = catalogue_calls
    assert asked_1 is None and status_1 == "in_progress" and isinstance(id_1, int)
    assert asked_2 == id_1 and status_2 == "success" and id_2 == id_1


def test_the_command_shows_progress_and_a_summary(ticketshop):
    out = StringIO()
    call_command("import_catalogue", stdout=out)
    text = out.getvalue()
    assert "3/3 products" in text and "created 12" in text
    out = StringIO()
    call_command("import_catalogue", stdout=out)
    assert "has not changed" in out.getvalue()


def test_the_command_fails_loudly(ticketshop, settings):
    settings.SECUTIX = {**settings.SECUTIX, "API_PASSWORD": "wrong"}
    with pytest.raises(CommandError, match="Import failed"):
        call_command("import_catalogue", stdout=StringIO())


def test_the_daily_schedule_is_created_by_migrate(db):
    schedule = Schedule.objects.get(func=IMPORT_TASK)
    assert schedule.schedule_type == Schedule.DAILY and schedule.repeats == -1


def test_an_unchanged_import_costs_the_same_queries_whatever_the_catalogue_size(
    ticketshop, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    run_import()
    with CaptureQueriesContext(connection) as small:
        run_import(force=True)
    for code in ("EXTRA1", "EXTRA2", "EXTRA3"):
        product = type(ticketshop.concert).objects.create(
            season=ticketshop.season, code=code, family="EVENT", name_en=code
        )
        for state in (State.VALIDATED, State.RUNNING):
            change_state(product, state)
    run_import()
    with CaptureQueriesContext(connection) as large:
        run_import(force=True)
    # 3 → 6 products, 12 → 24 pages: the unchanged run does not ask once per page
    assert len(large) == len(small)


def test_imported_fields_are_read_only_in_the_editor(ticketshop, client, django_user_model):
    run_import()
    page = pages_of(ticketshop.concert)["en"]
    django_user_model.objects.create_superuser("editor", "e@example.com", "Editor-pw-2026")
    client.login(username="editor", password="Editor-pw-2026")
    form = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert "From the ticketshop" in form
    assert 'name="product_code"' not in form and 'name="title"' not in form
    assert 'name="teaser_image"' in form  # the editors' own fields stay editable


def test_admin_run_import_now_and_list_of_runs(ticketshop, client, django_user_model):
    editor = django_user_model.objects.create_user("plain", "p@example.com", "Plain-pw-2026")
    client.force_login(editor)
    assert client.get("/admin/catalogue-imports/").status_code in (302, 403)
    assert client.post("/admin/catalogue-imports/run/").status_code in (302, 403)
    assert not ImportRun.objects.exists()

    django_user_model.objects.create_superuser("boss", "b@example.com", "Boss-pw-2026")
    client.login(username="boss", password="Boss-pw-2026")
    response = client.post("/admin/catalogue-imports/run/", follow=True)  # sync in tests
    run = ImportRun.objects.get()
    assert run.trigger == ImportRun.Trigger.ADMIN and run.status == ImportRun.Status.SUCCESS
    html = response.content.decode()
    assert "Run import now" in html and "Run from the admin" in html and ">12<" in html
    assert Page.objects.type(EventPage).count() == 12
