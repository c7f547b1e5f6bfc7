"""A real-time reseller's own sales records (R9, R11): what the simulated reseller keeps of
the API's answers, and its "sales since" endpoint as the venue reads it (HTTP Basic, JSON):
credentials, the since/until window, a CANCEL repeating its SALE's line id, bad input, and
the instance's failure modes."""

import base64
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from reseller_sandbox.models import RealtimeSale, SandboxInstance
from reseller_sandbox.realtime import sale_lines
from reseller_sandbox.realtime_records import record

pytestmark = pytest.mark.django_db
URL = "/reseller-sandbox/digitick/realtime/sales/"
T0 = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)


def basic(user="digitick-sales", password="sales-secret"):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


ANSWER = {  # the real-time API's answer to a confirm (ticketshop/resellers/realtime.py)
    "basket": 7,
    "state": "CONFIRMED",
    "performance": 42,
    "saleReference": "DGT-1",
    "places": [
        {
            "seat": {"id": 11, "block": "A", "row": "1", "number": 3},
            "category": 5,
            "customerCategory": "0|44",
            "price": "25.00",
            "resellerPrice": None,
            "ticket": {"barcode": "B" * 16, "holder": "Ada Lovelace", "state": "VALID"},
        },
        {
            "seat": {"id": 12, "block": "A", "row": "1", "number": 4},
            "category": 5,
            "customerCategory": "6",
            "price": "18.80",
            "resellerPrice": "20.00",
            "ticket": {"barcode": "C" * 16, "holder": "Alan Turing", "state": "CANCELLED"},
        },
    ],
}


@pytest.fixture
def digitick():
    call_command("setup_reseller_sandbox", stdout=StringIO())
    instance = SandboxInstance.objects.get(slug="digitick")
    assert record(instance, sale_lines(ANSWER, "31"), at=T0) == 2
    assert record(instance, sale_lines(ANSWER, "31"), at=T0) == 0  # kept once
    assert record(instance, sale_lines(ANSWER, kind="CANCEL"), at=T0 + timedelta(hours=1)) == 1
    return instance


def test_the_records_are_read_with_the_sales_user(client, digitick):
    body = client.get(URL, HTTP_AUTHORIZATION=basic()).json()
    assert body["reseller"] == "digitick"
    sales = body["sales"]
    assert [(s["lineId"], s["kind"]) for s in sales] == [
        ("DGT-1#1", "SALE"),
        ("DGT-1#2", "SALE"),
        ("DGT-1#2", "CANCEL"),
    ]
    first, second = sales[0], sales[1]
    assert first["seatId"] == "11" and first["block"] == "A" and first["number"] == "3"
    assert first["category"] == "31" and first["customerCategory"] == "0|44"
    assert first["price"] == "25.00" and first["holder"] == "Ada Lovelace"
    assert second["price"] == "20.00"  # what its customer paid, not our price after commission
    later = client.get(
        URL, {"since": (T0 + timedelta(minutes=30)).isoformat()}, HTTP_AUTHORIZATION=basic()
    ).json()["sales"]
    assert [s["kind"] for s in later] == ["CANCEL"]
    window = client.get(
        URL,
        {"since": T0.isoformat(), "until": (T0 + timedelta(minutes=1)).isoformat()},
        HTTP_AUTHORIZATION=basic(),
    ).json()["sales"]
    assert len(window) == 2
    assert RealtimeSale.objects.get(line_id="DGT-1#2", kind="SALE").price == Decimal("20.00")


@pytest.mark.parametrize(
    "header",
    [None, basic(password="wrong"), basic(user="fnac-sales"), basic(user="fnac-allot"), "Basic !!"],
)
def test_bad_credentials_are_refused(client, digitick, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get(URL, **extra)
    assert response.status_code == 401
    assert response.json()["code"] == "AUTHENTICATION"
    assert "sales" not in response.json()


def test_bad_input_and_failure_modes(client, digitick):
    response = client.get(URL, {"since": "yesterday"}, HTTP_AUTHORIZATION=basic())
    assert response.status_code == 400 and "ISO 8601" in response.json()["message"]
    assert client.get("/reseller-sandbox/nobody/realtime/sales/").status_code == 404
    assert client.post(URL, HTTP_AUTHORIZATION=basic()).status_code == 405
    call_command("reseller_sandbox", "mode", "digitick", "down", stdout=StringIO())
    assert client.get(URL, HTTP_AUTHORIZATION=basic()).status_code == 503
    call_command("reseller_sandbox", "mode", "digitick", "garbage", stdout=StringIO())
    garbage = client.get(URL, HTTP_AUTHORIZATION=basic())
    assert garbage.status_code == 200
    with pytest.raises(ValueError):
        garbage.json()
    assert RealtimeSale.objects.count() == 3  # nothing changed


def test_the_records_are_in_the_back_office(client, digitick):
    client.force_login(get_user_model().objects.create_superuser("boss", "b@example.com", "pw"))
    listing = client.get("/backoffice/reseller_sandbox/realtimesale/", {"q": "DGT-1"})
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "DGT-1#1" in html and "DGT-1#2" in html
    line = RealtimeSale.objects.get(line_id="DGT-1#1")
    page = client.get(f"/backoffice/reseller_sandbox/realtimesale/{line.pk}/change/")
    assert page.status_code == 200 and "price paid" in page.content.decode().lower()
