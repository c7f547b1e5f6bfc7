"""C4: the importer's rules, each pinned (issue 18: the survivors of `make mutate`).

Through the import's public face: a SecuTix-shaped answer (v1_33 getCatalogDetailed) served by
the stand-in of zeep's service, `run_import()`, and the event pages it writes."""

import datetime as dt
from decimal import Decimal

import pytest

from home.demo import load_site_demo
from secutix_integration import soap_client
from secutix_integration.importer import run_import
from secutix_integration.models import ImportRun
from secutix_integration.pages import get_event_page_model
from tests.secutix_integration import answers

LOCALES = 4  # fr, en, de, es
PARIS = dt.timezone(dt.timedelta(hours=1))


@pytest.fixture
def shop(db, monkeypatch, settings):
    """The site's pages, and the plugin talking to a stand-in answering `shop.catalogue`."""
    load_site_demo()
    settings.SECUTIX = {**settings.SECUTIX, "IMPORT_IN_PROGRESS_WAIT_SECONDS": 0}
    service = answers.Service(answers.catalogue([answers.product(n) for n in range(2)]))
    monkeypatch.setattr(soap_client, "_service", lambda *args, **kwargs: service)
    return service


def page(ticketshop_id, language="en"):
    return get_event_page_model().objects.get(
        ticketshop_id=ticketshop_id, locale__language_code=language
    )


def performance(pk, start, venue, categories, prices, duration=5400):
    return {
        "id": pk,
        "start": start.isoformat(),
        "duration": duration,
        "state": "RUNNING",
        "site": {"externalName": answers.text(venue)},
        "space": {"externalName": answers.text("Hall A", fr="Salle A")},
        "seatCategories": [
            {"id": cid, "code": code, "externalName": answers.text(f"Cat {code}")}
            for cid, code in categories
        ],
        "prices": [{"seatCatId": cid, "amount": amount} for cid, amount in prices],
    }


def rich_product():
    """Performances out of order, in another time zone, with two venues, prices per category,
    a pass price on the product, two sales periods, a theme and its sub-theme, texts missing
    in some languages."""
    late = dt.datetime(2030, 3, 2, 21, tzinfo=PARIS)
    early = dt.datetime(2030, 3, 1, 20, 30, tzinfo=PARIS)
    product = answers.product(1, code="RICH")
    product["externalName"] = answers.text("Rich show", fr="Grand spectacle")
    product["externalDescription"] = {"translations": [{"locale": "de", "value": "Nur Deutsch"}]}
    product["themes"] = [
        {"id": 1, "code": "MUSIC", "externalName": answers.text("Music", fr="Musique")},
        {"id": 2, "code": "JAZZ", "parentId": 1, "externalName": answers.text("Jazz")},
    ]
    product["event"]["performances"] = [
        performance(901, late, "Zenith", [(7, "CAT1"), (8, "CAT2")], [(7, 40_000), (7, 55_500)]),
        performance(902, early, "Arena", [(7, "CAT1")], [(7, 12_500)], duration=None),
    ]
    product["prices"] = [{"amount": 90_000}]  # the pass's own price
    product["salesPeriods"] = [
        {"start": "2026-02-01T10:00:00+01:00", "end": "2030-03-01T12:00:00+01:00"},
        {"start": "2026-01-15T00:00:00+00:00", "end": "2030-03-02T18:00:00+00:00"},
    ]
    return product


def test_a_products_facts_become_its_pages_fields_in_each_language(shop):
    shop.catalogue = answers.catalogue([rich_product()])
    run = run_import()
    assert run.status == ImportRun.Status.SUCCESS, run.error_log
    en, fr, es = page(50_001), page(50_001, "fr"), page(50_001, "es")
    assert (en.title, fr.title, es.title) == ("Rich show", "Grand spectacle", "Rich show")
    # a text in none of the page's nor the default language: the one there is
    assert en.imported_description == fr.imported_description == "Nur Deutsch"
    assert en.season_code == "S30" and en.season_name == "2030" and en.currency == "EUR"
    assert en.family == "SINGLE_ENTRY" and en.state == "RUNNING"
    assert not en.season_highlighted
    # in UTC, the earliest and the latest performance, whatever their order in the answer
    assert en.first_performance == dt.datetime(2030, 3, 1, 19, 30, tzinfo=dt.UTC)
    assert en.last_performance == dt.datetime(2030, 3, 2, 20, tzinfo=dt.UTC)
    assert [p["id"] for p in en.performances] == [902, 901]  # sorted by start
    assert en.performances[0]["start"] == "2030-03-01T19:30:00+00:00"
    assert [p["durationMinutes"] for p in en.performances] == [None, 90]
    assert [p["venue"] for p in en.performances] == ["Arena", "Zenith"]
    assert fr.performances[0]["hall"] == "Salle A" and en.performances[0]["hall"] == "Hall A"
    assert en.venue_names == "Arena, Zenith"
    zenith = en.performances[1]["seatCategories"]
    assert zenith == [
        {"id": 7, "code": "CAT1", "name": "Cat CAT1", "minPrice": "40.00", "maxPrice": "55.50"},
        {"id": 8, "code": "CAT2", "name": "Cat CAT2", "minPrice": None, "maxPrice": None},
    ]
    # the lowest and highest of every price: the performances' and the product's own
    assert (en.price_min, en.price_max) == (Decimal("12.50"), Decimal("90.00"))
    # sales open with the first period and close with the last
    assert en.sales_start == dt.datetime(2026, 1, 15, tzinfo=dt.UTC)
    assert en.sales_end == dt.datetime(2030, 3, 2, 18, tzinfo=dt.UTC)
    assert en.theme_codes == ",MUSIC,JAZZ,"
    assert fr.themes == [
        {"code": "MUSIC", "name": "Musique", "parentCode": None},
        {"code": "JAZZ", "name": "Jazz", "parentCode": "MUSIC"},
    ]
    assert not en.withdrawn_by_import and en.live


def test_a_product_without_performance_theme_or_price_has_empty_facts(shop):
    bare = answers.product(2, code="BARE", performances=0)
    del bare["salesPeriods"]
    shop.catalogue = answers.catalogue([bare])
    run = run_import()
    assert run.status == ImportRun.Status.SUCCESS, run.error_log
    en = page(50_002)
    assert en.performances == [] and en.first_performance is None and en.last_performance is None
    assert en.price_min is None and en.price_max is None and en.venue_names == ""
    assert en.sales_start is None and en.sales_end is None
    assert en.theme_codes == "" and en.themes == []


def test_a_name_missing_everywhere_is_the_products_code(shop):
    nameless = answers.product(3, code="NONAME")
    del nameless["externalName"]
    shop.catalogue = answers.catalogue([nameless])
    assert run_import().status == ImportRun.Status.SUCCESS
    assert page(50_003, "fr").title == "NONAME"


def test_the_same_product_id_twice_fails_the_run_and_changes_nothing(shop):
    run_import()
    before = sorted(get_event_page_model().objects.values_list("pk", "title", "live"))
    twice = answers.product(1, name="Twice")
    twice["code"] = "OTHER"
    shop.catalogue = answers.catalogue([answers.product(0), answers.product(1), twice])
    run = run_import()
    assert run.status == ImportRun.Status.FAILED and run.errors == 1
    assert "the same product id appears twice" in run.error_log
    assert sorted(get_event_page_model().objects.values_list("pk", "title", "live")) == before


def test_a_date_without_time_zone_skips_its_product_with_the_reason(shop):
    naive = answers.product(1)
    naive["event"]["performances"][0]["start"] = "2030-01-02T20:00:00"
    shop.catalogue = answers.catalogue([answers.product(0), naive])
    run = run_import()
    assert run.status == ImportRun.Status.WARNINGS and run.errors == 1
    [skipped] = run.skipped
    assert skipped == {
        "id": 50_001,
        "code": "P0001",
        "reason": "a date without time zone: 2030-01-02 20:00:00",
    }
    assert run.created == LOCALES and run.error_log == (
        "Skipped products:\nP0001 (id 50001): a date without time zone: 2030-01-02 20:00:00"
    )


def test_an_unreadable_product_is_reported_as_far_as_it_can_be_read(shop):
    no_id = answers.product(1)
    no_id["id"] = "not a number"
    shop.catalogue = answers.catalogue([answers.product(0), "garbage", no_id])
    run = run_import()
    assert run.status == ImportRun.Status.WARNINGS and run.errors == 2
    assert [(s["id"], s["code"]) for s in run.skipped] == [(None, ""), (None, "P0001")]
    assert "? (id ?): " in run.error_log and "P0001 (id ?): " in run.error_log
    assert run.created == LOCALES


def test_only_readable_products_is_not_an_empty_answer_and_none_is(shop):
    shop.catalogue = answers.catalogue(["garbage"])
    run = run_import()
    assert run.status == ImportRun.Status.FAILED
    assert "no season or no readable product" in run.error_log
    assert "? (id ?): " in run.error_log  # why: the products it could not read
    assert not get_event_page_model().objects.exists()


def test_the_same_setup_version_is_not_imported_again_unless_forced(shop, monkeypatch):
    version = {"statusCode": "success", "requestId": 1, "lastSetupUpdate": "2026-05-01T00:00:00Z"}
    shop.getLastSetupUpdate = lambda: version
    assert run_import().status == ImportRun.Status.SUCCESS
    shop.catalogue = answers.catalogue([answers.product(0, name="Renamed"), answers.product(1)])
    run = run_import()
    assert run.status == ImportRun.Status.UNCHANGED and run.updated == 0
    assert page(50_000).title == "Show 0"
    run = run_import(force=True)
    # (the French name, "Spectacle 0", did not change: that page is left as it is)
    assert run.status == ImportRun.Status.SUCCESS and run.updated == LOCALES - 1
    assert page(50_000).title == "Renamed"
    # a new version is imported without force
    version = {**version, "lastSetupUpdate": "2026-05-02T00:00:00Z"}
    shop.catalogue = answers.catalogue([answers.product(0, name="Again"), answers.product(1)])
    assert run_import().status == ImportRun.Status.SUCCESS
    assert page(50_000).title == "Again"


def test_a_failed_run_is_not_the_version_an_unchanged_one_compares_with(shop):
    version = {"statusCode": "success", "requestId": 1, "lastSetupUpdate": "2026-05-01T00:00:00Z"}
    shop.getLastSetupUpdate = lambda: version
    shop.catalogue = {"seasons": []}
    assert run_import().status == ImportRun.Status.FAILED  # refused as suspicious
    shop.catalogue = answers.catalogue([answers.product(0)])
    assert run_import().status == ImportRun.Status.SUCCESS  # same version: imported all the same
    assert page(50_000).live


@pytest.mark.parametrize("flag, highlighted", [(True, True), ("yes", False), (None, False)])
def test_only_a_true_highlight_flag_highlights_the_season(shop, flag, highlighted):
    config = {"currencyCode": "CHF"} | ({"highlightSeason": flag} if flag is not None else {})
    shop.getPOSConfig = lambda: {"statusCode": "success", "requestId": 2, "posConfigData": config}
    assert run_import().status == ImportRun.Status.SUCCESS
    assert page(50_000).season_highlighted is highlighted and page(50_000).currency == "CHF"
