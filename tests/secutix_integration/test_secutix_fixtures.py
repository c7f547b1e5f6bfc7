"""The plugin against answers shaped after SecuTix's documentation (fixtures/secutix/), not
against our ticketshop: a dialect shared by both could not hide here (C4, C5)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.template import Context, Template

from events.models import EventPage
from home.demo import load_site_demo
from secutix_integration import availability, soap_client
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


@pytest.fixture
def recorded_availability(settings):
    body = (FIXTURES / "public_availability.json").read_bytes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.SECUTIX = {
        **settings.SECUTIX,
        "API_BASE_URL": f"http://127.0.0.1:{server.server_address[1]}",
    }
    yield
    server.shutdown()
    server.server_close()


def test_badges_read_the_documented_availability_answers(recorded_availability):
    found = availability.get_availabilities(products=[10229001, 10229002], performances=[10229101])
    assert found[("product", 10229001)] == {"indicator": 2, "remaining": 7}
    assert found[("product", 10229002)]["indicator"] == 1
    assert found[("performance", 10229101)]["indicator"] == 3
    html = Template(
        "{% load secutix_tags %}{% availability_badge a 'product' 10229001 %}"
        "{% availability_badge a 'performance' 10229101 %}"
    ).render(Context({"a": found}))
    assert "availability-few-left" in html and "7 seats left" in html
    assert "availability-full" in html
