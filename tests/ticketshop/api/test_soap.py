"""The SOAP services through zeep over HTTP, against a live server (C2, C3)."""

from datetime import timedelta

import pytest
import requests
import zeep
from django.utils import timezone
from lxml import etree
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry
from zeep.exceptions import Fault
from zeep.transports import Transport
from zeep.wsse.username import UsernameToken

from tests.fixtures.venue import SECRET, USERNAME, sell
from ticketshop.sales.availability import MAX_IDS

pytestmark = pytest.mark.django_db(transaction=True)

CATALOG = (
    "/tnseb/external-remoting/com.secutix.service.realtime.catalog.v1_33.CatalogService.webservice"
)
AVAILABILITY = (
    "/tnseb/external-remoting/"
    "com.secutix.service.realtime.availability.v1_33.AvailabilityService.webservice"
)


def closing_session():
    """No keep-alive: the live server's request threads end with each answer, before the test
    database is flushed (otherwise they may close their connection after the test ends)."""
    session = requests.Session()
    session.headers["Connection"] = "close"
    # urllib3 may still reuse the closed connection: retry that (tests only call idempotent
    # reads; a refused call is a SOAP fault, which is an answer, not a retried error).
    retry = Retry(total=3, connect=3, read=3, allowed_methods=None, status=0)
    session.mount("http://", HTTPAdapter(max_retries=retry))
    return session


def client(live_server, path, username=USERNAME, secret=SECRET):
    wsse = UsernameToken(username, secret) if username is not None else None
    transport = Transport(session=closing_session(), timeout=10)
    return zeep.Client(f"{live_server.url}{path}?wsdl", wsse=wsse, transport=transport)


def test_catalogue_through_zeep(live_server, shop):
    service = client(live_server, CATALOG).service
    result = service.getCatalogDetailed(requestId=7)
    assert result.statusCode == "success"
    assert result.requestId == 7
    [season] = result.catalogData.seasons
    assert season.code == "S2026"
    assert {t.locale: t.value for t in season.externalName.translations} == {
        "en": "Season 2026",
        "fr": "Saison 2026",
    }
    # Only RUNNING and SUSPENDED products are exported.
    assert {p.code: p.state for p in season.products} == {
        "CONCERT": "RUNNING",
        "SUSP": "SUSPENDED",
        "PASS": "RUNNING",
    }
    concert = next(p for p in season.products if p.code == "CONCERT")
    assert concert.productFamilyType == "SINGLE_ENTRY" and concert.vatCodeId
    assert {n.locale: n.value for n in concert.externalName.translations} == {
        "en": "Concert show",
        "fr": "Spectacle concert",
    }
    assert [p.id for p in concert.event.performances] == [shop.concert_1.pk, shop.concert_2.pk]
    performance = concert.event.performances[0]
    assert performance.duration == 90 * 60 and performance.space.code == "MAIN"
    codes = {c.id: c.code for c in performance.seatCategories}
    subs = {s.id: s.code for a in season.audienceCategories for s in a.audienceSubCategories}
    prices = {(codes[p.seatCatId], subs[p.audSubCatId]): p.amount for p in performance.prices}
    # Integer thousandths of the currency unit.
    assert prices == {
        ("CAT1", "ADULT"): 45500,
        ("CAT1", "CHILD"): 30000,
        ("CAT2", "ADULT"): 25000,
        ("CAT2", "CHILD"): 12250,
    }
    assert [level.id for level in season.priceLevels] == [shop.concert.price_grid_id]
    kinds = {
        s.code: s.audienceCategoryKind
        for a in season.audienceCategories
        for s in a.audienceSubCategories
    }
    assert kinds == {"ADULT": "FULL", "CHILD": "REDUCED"}
    assert service.getCatalog().catalogData.seasons[0].code == "S2026"
    config = service.getPOSConfig().posConfigData
    assert (config.posId, config.currencyCode, config.organizationTimeZone) == (
        shop.pos.pk,
        "EUR",
        "Europe/Paris",
    )
    assert service.isCatalogServiceAlive().statusCode == "success"
    assert service.getLastSetupUpdate().lastSetupUpdate is not None


@pytest.mark.parametrize(
    "username,secret",
    [(None, None), (USERNAME, "wrong"), ("nobody", SECRET), ("", "")],
)
def test_soap_refuses_missing_or_wrong_credentials(live_server, shop, username, secret):
    service = client(live_server, CATALOG, username, secret).service
    with pytest.raises(Fault) as excinfo:
        service.getCatalogDetailed(requestId=1)
    assert "catalogData" not in str(excinfo.value)
    with pytest.raises(Fault):
        client(live_server, AVAILABILITY, username, secret).service.getProductAvailability(
            productIds=[shop.concert.pk]
        )


def test_inactive_account_is_refused(live_server, shop):
    shop.account.active = False
    shop.account.save()
    with pytest.raises(Fault):
        client(live_server, CATALOG).service.isCatalogServiceAlive()


def test_availability_through_zeep(live_server, shop):
    sell(shop.concert_1, shop.seats[:16])  # 4 of 20 left: 0.2 <= 0.25 -> orange
    sell(shop.concert_2, shop.seats)  # full
    # an expired hold gives its seat back
    sell(
        shop.suspended_1,
        shop.seats[:1],
        status="HELD",
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    service = client(live_server, AVAILABILITY).service
    answer = service.getPerformanceAvailability(
        performanceIds=[shop.concert_1.pk, shop.concert_2.pk, shop.suspended_1.pk, 999999],
        bySeatCategory=True,
    )
    found = {a.performanceId: (a.indicator, a.remaining) for a in answer.availabilities}
    assert found == {
        shop.concert_1.pk: (2, 4),
        shop.concert_2.pk: (3, 0),
        shop.suspended_1.pk: (1, 20),
    }
    assert answer.unknownIds == [999999]
    first = answer.availabilities[0]
    assert {c.seatCategoryId: c.remaining for c in first.seatCategories} == {
        shop.cat1.pk: 0,
        shop.cat2.pk: 4,
    }

    products = service.getProductAvailability(productIds=[shop.concert.pk, shop.pass_.pk])
    assert {a.productId: a.indicator for a in products.availabilities} == {
        shop.concert.pk: 2,  # the best of its performances
        shop.pass_.pk: 1,
    }

    since = timezone.now() - timedelta(minutes=5)
    updated = service.getUpdatedAvailabilities(pointOfSalesId=shop.pos.pk, referenceDate=since)
    changed = {a.productId for a in updated.availabilityUpdateData}
    assert {shop.concert.pk, shop.suspended.pk} <= changed

    too_many = service.getProductAvailability(productIds=list(range(1, MAX_IDS + 2)))
    assert too_many.statusCode == "error.ids.tooMany" and str(MAX_IDS) in too_many.statusDetail
    assert not too_many.availabilities


def _post(live_server, path, body):
    return closing_session().post(
        live_server.url + path,
        data=body,
        headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": ""},
        timeout=10,
    )


ENVELOPE = """<?xml version="1.0"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"
  xmlns:a="http://v1_33.availability.realtime.service.secutix.com/">
 <soap:Header><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">
  <wsse:UsernameToken><wsse:Username>{user}</wsse:Username><wsse:Password>{secret}</wsse:Password></wsse:UsernameToken>
 </wsse:Security></soap:Header>
 <soap:Body><a:getProductAvailability><a:productIds>{ids}</a:productIds></a:getProductAvailability></soap:Body>
</soap:Envelope>"""


def test_bad_soap_input_gives_faults(live_server, shop):
    good = _post(
        live_server,
        AVAILABILITY,
        ENVELOPE.format(user=USERNAME, secret=SECRET, ids=shop.concert.pk),
    )
    assert good.status_code == 200
    ns = "{http://v1_33.availability.realtime.service.secutix.com/}"
    assert etree.fromstring(good.content).findtext(f".//{ns}indicator") == "1"
    wrong_type = _post(
        live_server, AVAILABILITY, ENVELOPE.format(user=USERNAME, secret=SECRET, ids="abc")
    )
    assert wrong_type.status_code == 500 and b"Fault" in wrong_type.content
    assert b"indicator" not in wrong_type.content
    malformed = _post(live_server, AVAILABILITY, b"<soap:Envelope><unclosed>")
    assert malformed.status_code == 500 and b"Malformed XML" in malformed.content
    entity = _post(
        live_server,
        AVAILABILITY,
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        + ENVELOPE.split("?>", 1)[1].format(user="&e;", secret=SECRET, ids=1),
    )
    assert entity.status_code == 400 and b"root:" not in entity.content
    assert b"soap:Client" in entity.content and b"(DTD)" in entity.content
    wsdl = closing_session().get(live_server.url + AVAILABILITY + "?wsdl", timeout=10)
    assert wsdl.status_code == 200 and b"getProductAvailability" in wsdl.content
