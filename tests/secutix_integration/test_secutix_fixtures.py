"""The plugin against answers shaped after SecuTix's documentation (fixtures/secutix/), not
against our ticketshop: a dialect shared by both could not hide here (C4, C5)."""

import json
from pathlib import Path

import pytest

from events.models import EventPage
from home.demo import load_site_demo
from secutix_integration import soap_client
from secutix_integration.importer import run_import
from secutix_integration.models import ImportRun

FIXTURES = Path(__file__).parent / "fixtures" / "secutix"


def answer(name):
    return json.loads((FIXTURES / f"{name}.json").read_text())


class RecordedService:
    """Stands for zeep's service proxy: each method answers its recorded document."""

    def __init__(self, catalogue_answers):
        self.catalogue_answers = list(catalogue_answers)
        self.calls = []

    def getLastSetupUpdate(self):  # noqa: N802
        self.calls.append(("getLastSetupUpdate", None))
        return answer("getLastSetupUpdate")

    def getPOSConfig(self):  # noqa: N802
        self.calls.append(("getPOSConfig", None))
        return answer("getPOSConfig")

    def getCatalogDetailed(self, requestId=None):  # noqa: N802, N803
        self.calls.append(("getCatalogDetailed", requestId))
        return self.catalogue_answers.pop(0)


@pytest.fixture
def recorded(db, monkeypatch, settings):
    load_site_demo()
    settings.SECUTIX = {**settings.SECUTIX, "IMPORT_IN_PROGRESS_WAIT_SECONDS": 0}
    service = RecordedService(
        [answer("getCatalogDetailed.in_progress"), answer("getCatalogDetailed")]
    )
    monkeypatch.setattr(soap_client, "_service", lambda *args, **kwargs: service)
    return service


def test_import_reads_the_documented_catalogue(recorded):
    run = run_import()
    assert run.status == ImportRun.Status.SUCCESS, run.error_log
    # in_progress, then the same Integer requestId again
    assert [c for c in recorded.calls if c[0] == "getCatalogDetailed"] == [
        ("getCatalogDetailed", None),
        ("getCatalogDetailed", 734221),
    ]
    assert run.created == 2 * 4
    ballet = {p.locale.language_code: p for p in EventPage.objects.filter(ticketshop_id=10229001)}
    assert ballet["fr"].title == "Le Lac des cygnes" and ballet["de"].title == "Schwanensee"
    assert ballet["es"].title == "Swan Lake"  # no Spanish name: the default language's
    en = ballet["en"]
    assert en.product_code == "BALLET" and en.family == "SINGLE_ENTRY" and en.state == "RUNNING"
    assert en.season_code == "S26" and en.season_name == "Season 2026/27"
    assert en.currency == "EUR"  # from posConfigData.currencyCode
    assert str(en.price_min) == "22.75" and str(en.price_max) == "65.00"  # thousandths
    first, second = en.performances
    assert first["id"] == 10229101 and first["durationMinutes"] == 120
    assert first["start"] == "2026-11-20T19:00:00+00:00"
    assert [(c["code"], c["minPrice"], c["maxPrice"]) for c in first["seatCategories"]] == [
        ("CAT1", "32.50", "65.00"),
        ("CAT2", "22.75", "45.50"),
    ]
    assert ballet["fr"].performances[0]["seatCategories"][0]["name"] == "Catégorie 1"
    assert second["state"] == "SUSPENDED"
    museum = EventPage.objects.get(ticketshop_id=10229002, locale__language_code="fr")
    assert museum.title == "Pass musée" and museum.family == "PASS" and museum.performances == []


def test_an_unchanged_last_setup_update_skips_the_catalogue(recorded):
    assert run_import().status == ImportRun.Status.SUCCESS
    recorded.calls.clear()
    second = run_import()
    assert second.status == ImportRun.Status.UNCHANGED
    assert recorded.calls == [("getLastSetupUpdate", None)]  # getCatalogDetailed not asked


def test_a_dialect_catalogue_is_refused(recorded):
    """The old invented vocabulary (names, family, performances under the product) is not
    read: the product has no name the plugin knows, so it falls back to its code only."""
    recorded.catalogue_answers[:] = [
        {
            "statusCode": "success",
            "requestId": 1,
            "catalogData": {
                "seasons": [{"code": "S", "products": [{"code": "X", "names": [{"value": "Y"}]}]}]
            },
        }
    ]
    run = run_import()
    assert run.status == ImportRun.Status.FAILED and "without id or code" in run.error_log


# The badges against the documented getProductAvailability / getPerformanceAvailability answers:
# tests/secutix_integration/test_availability_badges.py.
