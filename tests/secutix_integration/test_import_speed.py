"""C4, P1: what keeps a first import fast. Its SQL statements do not grow with the number of
products (no statement per product or page: the pages are planned in memory and written in
bulk), and the large getCatalogDetailed answer is read by secutix_integration/fast_reply.py
into exactly what zeep gives (zeep's own path for anything else, faults included)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from zeep.helpers import serialize_object

from home.demo import load_site_demo
from secutix_integration import conf, fast_reply, soap_client
from secutix_integration.importer import run_import
from secutix_integration.models import ImportRun
from secutix_integration.pages import get_event_page_model
from tests.secutix_integration import answers
from ticketshop.api.models import ApiAccount


@pytest.fixture
def stand_in(db, monkeypatch, settings):
    load_site_demo()
    settings.SECUTIX = {**settings.SECUTIX, "IMPORT_IN_PROGRESS_WAIT_SECONDS": 0}
    service = answers.Service(answers.catalogue([]))
    monkeypatch.setattr(soap_client, "_service", lambda *args, **kwargs: service)
    return service


def _statements(service, products, force=False):
    service.catalogue = answers.catalogue(products)
    with CaptureQueriesContext(connection) as queries:
        run = run_import(force=force)
    assert run.status == ImportRun.Status.SUCCESS, run.error_log
    return run, len(queries.captured_queries)


def test_an_import_costs_as_many_statements_for_3_products_as_for_33(stand_in):
    small, small_count = _statements(stand_in, [answers.product(n) for n in range(3)])
    assert small.created == 3 * 4
    # 30 more new products: their 120 pages take about as many statements as the first 12 did.
    # A bulk insert is cut in batches by the database's limit on parameters (SQLite), so a few
    # more INSERTs are allowed — one per 20 new pages, never one per page or product.
    everything = [answers.product(n) for n in range(33)]
    large, large_count = _statements(stand_in, everything)
    assert large.created == 30 * 4 and large.unchanged == 3 * 4, large.error_log
    assert large_count <= small_count + large.created // 20, (small_count, large_count)
    # a forced re-import compares all 132 pages in memory: no statement per page either
    forced, forced_count = _statements(stand_in, everything, force=True)
    assert forced.unchanged == 33 * 4 and forced.created == forced.updated == 0
    assert forced_count <= small_count, (small_count, forced_count)


def _service():
    return soap_client._service(conf.CATALOGUE_SERVICE)


def _fast(service, method, monkeypatch, **params):
    """fast_reply.call, with zeep's own reading of the answer forbidden meanwhile."""

    def no_zeep(*args, **kwargs):
        raise AssertionError("the answer went to zeep's reading")

    with monkeypatch.context() as patch:
        patch.setattr(type(service._binding), "process_reply", no_zeep)
        return fast_reply.call(service, method, **params)


def test_the_fast_reading_of_the_catalogue_equals_zeeps(ticketshop, monkeypatch):
    service = _service()
    fast = _fast(service, "getCatalogDetailed", monkeypatch, requestId=None)
    by_zeep = serialize_object(service.getCatalogDetailed(requestId=None), dict)
    assert fast.pop("requestId") and by_zeep.pop("requestId")  # a new one per answer
    assert fast == by_zeep
    catalogue = fast["catalogData"]
    performances = catalogue["seasons"][0]["products"][0]["event"]["performances"]
    assert performances and isinstance(performances[0]["id"], int)
    assert performances[0]["start"].tzinfo is not None  # datetimes as zeep reads them
    # other calls (small answers) read the same too
    fast, by_zeep = (
        _fast(service, "getPOSConfig", monkeypatch),
        serialize_object(service.getPOSConfig(), dict),
    )
    assert fast.pop("requestId") and by_zeep.pop("requestId")
    assert fast == by_zeep and fast["posConfigData"]["currencyCode"]
    # and the import reads its catalogue this way: the pages hold the same facts
    run = run_import()
    assert run.status == ImportRun.Status.SUCCESS and run.created == 3 * 4, run.error_log
    english = get_event_page_model().objects.get(
        ticketshop_id=ticketshop.concert.pk, locale__language_code="en"
    )
    answered = {
        p["id"]
        for season in catalogue["seasons"]
        for product in season["products"]
        for p in (product["event"] or {}).get("performances") or []
    }
    assert len(english.performances) == 2
    assert {p["id"] for p in english.performances} <= answered


def test_a_refused_call_read_fast_gives_zeeps_error(ticketshop):
    ApiAccount.objects.all().delete()  # the ticketshop now answers a SOAP fault
    soap_client.close_clients()
    with pytest.raises(soap_client.TicketshopError) as fast:
        soap_client.catalogue_detailed()
    assert "getCatalogDetailed failed" in str(fast.value)
