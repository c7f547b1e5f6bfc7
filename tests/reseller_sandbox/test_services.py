"""The sandbox's four SOAP services through zeep over HTTP (R8): clients built from the WSDL the
live server serves, calls as the ticketshop makes them."""

import time
from datetime import UTC, datetime
from decimal import Decimal
from io import StringIO

import pytest
import requests
from zeep.exceptions import Fault, TransportError

from tests.reseller_sandbox.conftest import CODES, cancel, closing_session, sandbox_state, sell

pytestmark = pytest.mark.django_db(transaction=True)

FNAC = CODES["fnac"]
SHOW = datetime(2026, 12, 1, 19, 30, tzinfo=UTC)
PRICES = {
    "CategoryPrice": [
        {"categoryId": "30", "customerCategoryId": "44", "amount": Decimal("12.50")},
        {"categoryId": "30", "customerCategoryId": "6", "amount": Decimal("9.00")},
    ]
}


def seat(seat_id, row="B", category="30"):
    return {
        "seatId": seat_id,
        "block": "AUDI",
        "row": row,
        "number": seat_id,
        "categoryId": category,
    }


def allot_seats(service, seat_ids, performance="101", code=FNAC):
    return service.allot(
        code,
        manifestationId="MOSA02",
        performanceCode=performance,
        performanceDate=SHOW,
        seats={"AllottedSeat": [seat(s) for s in seat_ids]},
        count=0,
        categoryId="",
        prices=PRICES,
    )


def held(service, performance="101", code=FNAC):
    return {(s.seatId, s.categoryId, s.sold) for s in service.listAllotment(code, performance)}


def fault_code(excinfo):
    return excinfo.value.code.rpartition(":")[2]


def test_each_instance_serves_its_own_wsdl(live_server, sandbox):
    session = closing_session()
    for instance in ("fnac", "ticketnet"):
        url = f"{live_server.url}/reseller-sandbox/{instance}/Contingentement/"
        wsdl = session.get(url + "?wsdl", timeout=10)
        assert wsdl.status_code == 200
        assert 'targetNamespace="urn:reseller-sandbox:Contingentement"' in wsdl.text
        assert f'location="{url}"' in wsdl.text  # zeep posts where the WSDL says
        for operation in ("allot", "takeBack", "listAllotment"):
            assert f'operation name="{operation}"' in wsdl.text
    sales = session.get(f"{live_server.url}/reseller-sandbox/fnac/EtatVentes/?wsdl", timeout=10)
    assert "urn:reseller-sandbox:EtatVentes" in sales.text and "getSales" in sales.text
    assert (
        session.get(f"{live_server.url}/reseller-sandbox/nope/EtatVentes/?wsdl").status_code == 404
    )
    assert session.get(f"{live_server.url}/reseller-sandbox/fnac/Nope/?wsdl").status_code == 404
    assert session.get(f"{live_server.url}/reseller-sandbox/fnac/EtatVentes/").status_code == 405


def test_allot_numbered_seats_is_idempotent(soap):
    service = soap("fnac", "Contingentement")
    result = allot_seats(service, ["1", "2", "3"])
    assert (result.allotted, result.held) == (3, 3)
    result = allot_seats(service, ["2", "3", "4"])  # 2 and 3 again: no-ops
    assert (result.allotted, result.held) == (1, 4)
    seats = service.listAllotment(FNAC, "101")
    assert [(s.seatId, s.block, s.row, s.number, s.categoryId, s.sold) for s in seats] == [
        (n, "AUDI", "B", n, "30", False) for n in ("1", "2", "3", "4")
    ]
    assert service.listAllotment(FNAC, "999") == []


def test_allot_unnumbered_places_and_take_back_a_count(soap):
    service = soap("fnac", "Contingentement")
    result = service.allot(
        FNAC,
        manifestationId="MOSA01",
        performanceCode="202",
        performanceDate=SHOW,
        seats={"AllottedSeat": []},
        count=5,
        categoryId="30",
        prices=PRICES,
    )
    assert (result.allotted, result.held) == (5, 5)
    assert [(s.seatId or "", s.categoryId, s.sold) for s in service.listAllotment(FNAC, "202")] == [
        ("", "30", False)
    ] * 5
    sell("fnac", "202", 2, names="Ada Lovelace,Alan Turing")
    result = service.takeBack(
        FNAC, performanceCode="202", seatIds={"string": []}, count=5, categoryId="30"
    )
    assert result.takenBackCount == 3  # the 2 sold places stay with the reseller
    assert sorted(s.sold for s in service.listAllotment(FNAC, "202")) == [True, True]


def test_take_back_refuses_sold_seats_and_unknown_ones(soap):
    service = soap("fnac", "Contingentement")
    allot_seats(service, ["1", "2", "3"])
    [(sale_id, _barcode)] = sell("fnac", "101", 1, names="Ada Lovelace")  # seat 1
    result = service.takeBack(
        FNAC,
        performanceCode="101",
        seatIds={"string": ["1", "2", "3", "99"]},
        count=0,
        categoryId="",
    )
    assert result.takenBack.string == ["2", "3"]
    assert result.takenBackCount == 2
    assert [(r.seatId, r.reason) for r in result.refused.RefusedSeat] == [
        ("1", "SOLD"),
        ("99", "UNKNOWN"),
    ]
    assert held(service) == {("1", "30", True)}


def test_sales_window_cancellation_and_access_control(soap):
    allot_seats(soap("fnac", "Contingentement"), ["1", "2", "3", "4"])
    first = sell("fnac", "101", 2, names="Ada Lovelace,Alan Turing", at="2026-11-20T10:00:00")
    [(late_id, _)] = sell(
        "fnac",
        "101",
        1,
        customer_category="6",
        price="8.80",
        names="Grace Hopper",
        at="2026-11-20T12:00:00",
    )
    cancel("fnac", first[0][0], at="2026-11-20T13:00:00")
    sales = soap("fnac", "EtatVentes")

    def window(since, until=None):
        return [(line.kind, line.saleId) for line in sales.getSales(FNAC, since=since, until=until)]

    morning = sales.getSales(
        FNAC,
        since=datetime(2026, 11, 20, 9, tzinfo=UTC),
        until=datetime(2026, 11, 20, 12, tzinfo=UTC),
    )
    assert [(line.kind, line.saleId) for line in morning] == [("SALE", i) for i, _ in first]
    ada, alan = morning
    assert (ada.firstName, ada.lastName, alan.firstName, alan.lastName) == (
        "Ada",
        "Lovelace",
        "Alan",
        "Turing",
    )
    assert (ada.seatId, ada.block, ada.row, ada.number, ada.categoryId) == (
        "1",
        "AUDI",
        "B",
        "1",
        "30",
    )
    assert (ada.manifestationId, ada.performanceCode, ada.customerCategoryId) == (
        "MOSA02",
        "101",
        "44",
    )
    assert ada.price == Decimal("12.50")  # the allotted price of customer category 44
    assert ada.at == datetime(2026, 11, 20, 10, tzinfo=UTC)
    assert len(ada.barcode) >= 16 and ada.barcode != alan.barcode
    # since <= at < until, ordered by at; until is optional
    assert window(datetime(2026, 11, 20, 12, tzinfo=UTC)) == [
        ("SALE", late_id),
        ("CANCEL", first[0][0]),
    ]
    assert window(
        datetime(2026, 11, 20, 10, tzinfo=UTC), datetime(2026, 11, 20, 10, 0, 1, tzinfo=UTC)
    ) == [("SALE", i) for i, _ in first]
    assert window(datetime(2026, 11, 20, 13, 0, 1, tzinfo=UTC)) == []
    [grace, cancelled] = sales.getSales(FNAC, since=datetime(2026, 11, 20, 11, tzinfo=UTC))
    assert (grace.customerCategoryId, grace.price, grace.lastName) == (
        "6",
        Decimal("8.80"),
        "Hopper",
    )
    # The CANCEL line repeats the sale's id, seat and barcode; the seat is unsold again.
    assert (cancelled.kind, cancelled.saleId, cancelled.seatId, cancelled.barcode) == (
        "CANCEL",
        ada.saleId,
        "1",
        ada.barcode,
    )
    assert held(soap("fnac", "Contingentement")) == {
        ("1", "30", False),
        ("2", "30", True),
        ("3", "30", True),
        ("4", "30", False),
    }

    prepared = soap("fnac", "PrepareCtrlAcces").prepareAccessControl(FNAC, "101")
    assert prepared.count == 3 and prepared.requestId
    barcodes = soap("fnac", "GetCtrlAcces").getAccessControl(FNAC, prepared.requestId)
    assert {(b.barcode, b.performanceCode, b.saleId, b.status) for b in barcodes} == {
        (ada.barcode, "101", ada.saleId, "CANCELLED"),
        (alan.barcode, "101", alan.saleId, "VALID"),
        (grace.barcode, "101", grace.saleId, "VALID"),
    }
    with pytest.raises(Fault) as excinfo:
        soap("fnac", "GetCtrlAcces").getAccessControl(FNAC, "no-such-request")
    assert fault_code(excinfo) == "Client.BadRequest"
    assert "no-such-request" in excinfo.value.message


def test_refused_calls_are_faults_and_change_nothing(soap, live_server):
    allot_seats(soap("fnac", "Contingentement"), ["1", "2"])
    before = sandbox_state()
    refused = [
        (soap("fnac", "Contingentement", password="wrong"), "Client.Authentication"),
        (soap("fnac", "Contingentement", username="nobody"), "Client.Authentication"),
        # a real user, but not allowed on this service
        (
            soap("fnac", "Contingentement", username="fnac-sales", password="sales-secret"),
            "Client.Authentication",
        ),
        # a user of another instance
        (soap("fnac", "Contingentement", username="ticketnet-allot"), "Client.Authentication"),
    ]
    for service, code in refused:
        with pytest.raises(Fault) as excinfo:
            allot_seats(service, ["7", "8"])
        assert fault_code(excinfo) == code
        with pytest.raises(Fault) as excinfo:
            service.takeBack(FNAC, performanceCode="101", seatIds={"string": ["1"]})
        assert fault_code(excinfo) == code
    service = soap("fnac", "Contingentement")
    with pytest.raises(Fault) as excinfo:
        allot_seats(service, ["7", "8"], code="TNET-CUBE")
    assert fault_code(excinfo) == "Client.ManagerCode"
    with pytest.raises(Fault) as excinfo:
        service.takeBack("", performanceCode="101", seatIds={"string": ["1"]})
    assert fault_code(excinfo) == "Client.ManagerCode"
    with pytest.raises(Fault) as excinfo:  # a seat without id, after a good one: none is held
        service.allot(
            FNAC,
            manifestationId="MOSA02",
            performanceCode="101",
            performanceDate=SHOW,
            seats={"AllottedSeat": [seat("7"), {"block": "AUDI", "categoryId": "30"}]},
        )
    assert fault_code(excinfo) == "Client.BadRequest"
    assert "seatId" in excinfo.value.message
    with pytest.raises(Fault) as excinfo:  # a count without its category
        service.allot(
            FNAC, manifestationId="MOSA02", performanceCode="101", performanceDate=SHOW, count=3
        )
    assert fault_code(excinfo) == "Client.BadRequest"
    with pytest.raises(Fault) as excinfo:  # a bad price
        service.allot(
            FNAC,
            manifestationId="MOSA02",
            performanceCode="101",
            performanceDate=SHOW,
            seats={"AllottedSeat": [seat("7")]},
            prices={"CategoryPrice": [{"categoryId": "30", "amount": Decimal("1")}]},
        )
    assert fault_code(excinfo) == "Client.BadRequest"
    with pytest.raises(Fault) as excinfo:
        soap("fnac", "EtatVentes").getSales(
            FNAC, since=SHOW, until=datetime(2026, 1, 1, tzinfo=UTC)
        )
    assert fault_code(excinfo) == "Client.BadRequest"
    # Not the schema (a count that is no number): the contract's BadRequest, not spyne's code.
    envelope = f"""<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"
        xmlns:c="urn:reseller-sandbox:Contingentement"
        xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">
      <soap:Header><wsse:Security><wsse:UsernameToken><wsse:Username>fnac-allot</wsse:Username>
        <wsse:Password>allot-secret</wsse:Password></wsse:UsernameToken></wsse:Security></soap:Header>
      <soap:Body><c:allot><c:managerCode>{FNAC}</c:managerCode><c:manifestationId>M</c:manifestationId>
        <c:performanceCode>101</c:performanceCode><c:performanceDate>2026-12-01T19:30:00Z</c:performanceDate>
        <c:count>three</c:count><c:categoryId>30</c:categoryId></c:allot></soap:Body></soap:Envelope>"""
    url = f"{live_server.url}/reseller-sandbox/fnac/Contingentement/"
    answer = closing_session().post(
        url, data=envelope, timeout=10, headers={"Content-Type": "text/xml; charset=utf-8"}
    )
    assert answer.status_code == 500
    assert ":Client.BadRequest</faultcode>" in answer.text
    answer = closing_session().post(url, data=b"<not xml", timeout=10)
    assert answer.status_code == 500 and "Client.BadRequest" in answer.text
    answer = closing_session().post(
        url,
        data=envelope.replace("<soap:Header>", "<soap:Header><x/>").replace(
            "wsse:Security>", "wsse:Nothing>"
        ),
        timeout=10,
    )
    assert "Client.Authentication" in answer.text
    assert sandbox_state() == before


def test_failure_modes_seen_by_zeep(soap, sandbox):
    from django.core.management import call_command

    service = soap("fnac", "Contingentement")  # the WSDL read while the instance works
    fast = soap("fnac", "Contingentement", timeout=0.5)
    allot_seats(service, ["1"])

    call_command("reseller_sandbox", "mode", "fnac", "down", stdout=StringIO())
    with pytest.raises(TransportError) as excinfo:
        service.listAllotment(FNAC, "101")
    assert excinfo.value.status_code == 503

    call_command("reseller_sandbox", "mode", "fnac", "garbage", stdout=StringIO())
    with pytest.raises(TransportError) as excinfo:
        service.listAllotment(FNAC, "101")
    assert excinfo.value.status_code == 200 and "invalid XML" in str(excinfo.value)

    call_command("reseller_sandbox", "mode", "fnac", "slow", "--seconds", "1.5", stdout=StringIO())
    started = time.monotonic()
    with pytest.raises(requests.exceptions.Timeout):
        fast.listAllotment(FNAC, "101")
    time.sleep(max(0, 1.7 - (time.monotonic() - started)))  # let the sleeping answer finish
    call_command("reseller_sandbox", "mode", "fnac", "slow", "--seconds", "0.3", stdout=StringIO())
    started = time.monotonic()
    assert held(service) == {("1", "30", False)}  # slow, but it answers
    assert time.monotonic() - started >= 0.3

    # Another instance is not affected; back to normal, fnac answers again.
    call_command("reseller_sandbox", "mode", "fnac", "down", stdout=StringIO())
    assert soap("ticketnet", "Contingentement").listAllotment(CODES["ticketnet"], "101") == []
    call_command("reseller_sandbox", "mode", "fnac", "normal", stdout=StringIO())
    assert held(service) == {("1", "30", False)}


def test_two_instances_are_isolated(soap):
    fnac = soap("fnac", "Contingentement")
    ticketnet = soap("ticketnet", "Contingentement")
    allot_seats(fnac, ["1", "2"])
    result = allot_seats(ticketnet, ["2", "3", "4"], code=CODES["ticketnet"])
    assert (result.allotted, result.held) == (3, 3)  # seat 2 at FNAC is no concern of Ticketnet's
    sell("fnac", "101", 1, names="Ada Lovelace")
    assert held(fnac) == {("1", "30", True), ("2", "30", False)}
    assert held(ticketnet, code=CODES["ticketnet"]) == {
        ("2", "30", False),
        ("3", "30", False),
        ("4", "30", False),
    }
    since = datetime(2020, 1, 1, tzinfo=UTC)
    assert len(soap("fnac", "EtatVentes").getSales(FNAC, since=since)) == 1
    assert soap("ticketnet", "EtatVentes").getSales(CODES["ticketnet"], since=since) == []
    with pytest.raises(Fault) as excinfo:  # FNAC's manager code means nothing at Ticketnet
        ticketnet.listAllotment(FNAC, "101")
    assert fault_code(excinfo) == "Client.ManagerCode"
    result = ticketnet.takeBack(
        CODES["ticketnet"], performanceCode="101", seatIds={"string": ["1"]}, count=0, categoryId=""
    )
    assert [(r.seatId, r.reason) for r in result.refused.RefusedSeat] == [("1", "UNKNOWN")]
    assert held(fnac) == {("1", "30", True), ("2", "30", False)}


def test_allot_many_performances_in_one_call(soap):
    service = soap("fnac", "Contingentement")

    def allotment(performance, seat_ids, manifestation="MOSA02"):
        return {
            "manifestationId": manifestation,
            "performanceCode": performance,
            "performanceDate": SHOW,
            "seats": {"AllottedSeat": [seat(s) for s in seat_ids]},
            "prices": PRICES,
        }

    results = service.allotMany(
        FNAC, allotments={"Allotment": [allotment("101", ["1", "2"]), allotment("102", ["7"])]}
    )
    assert [(r.performanceCode, r.allotted, r.held) for r in results] == [
        ("101", 2, 2),
        ("102", 1, 1),
    ]
    assert held(service, "101") == {("1", "30", False), ("2", "30", False)}
    assert held(service, "102") == {("7", "30", False)}
    # Sent again with one more seat: idempotent by seat, as allot is.
    again = service.allotMany(FNAC, allotments={"Allotment": [allotment("101", ["1", "2", "3"])]})
    assert [(r.allotted, r.held) for r in again] == [(1, 3)]
    # One bad allotment refuses the whole call: nothing of the others is written.
    with pytest.raises(Fault) as excinfo:
        service.allotMany(
            FNAC,
            allotments={"Allotment": [allotment("103", ["1"]), allotment("102", ["8"], "OTHER")]},
        )
    assert fault_code(excinfo) == "Client.BadRequest"
    assert held(service, "103") == set() and len(held(service, "102")) == 1
    with pytest.raises(Fault) as excinfo:
        service.allotMany(
            FNAC, allotments={"Allotment": [allotment("104", ["1"]), allotment("104", ["2"])]}
        )
    assert fault_code(excinfo) == "Client.BadRequest"
