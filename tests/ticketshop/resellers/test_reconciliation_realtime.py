"""R11 for a real-time reseller (R9: Digitick, ClassicTic): the reconciliation reads the
reseller's OWN records of what it sold and cancelled, over HTTP from its "sales since" endpoint
(the bundled sandbox's /reseller-sandbox/<instance>/realtime/sales/ on the live server), kept
by the simulated reseller (`manage.py realtime_reseller_sandbox`) from our API's answers.
Differences are planted on the reseller's side the way they happen (a confirm that never
reached us, a customer charged another price, a seat the reseller sold that we sold on the web,
a cancellation at its counter never sent to us): each is named by the report; a clean case
names nothing; a reseller down, answering garbage or unreachable is said so, changing nothing."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from reseller_sandbox.models import RealtimeSale, SandboxInstance
from tests.ticketshop.resellers.realtime_setup import allot, make_realtime
from tests.ticketshop.resellers.test_reconciliation import web_ticket
from ticketshop.catalogue import models as cat
from ticketshop.resellers.models import Basket, ContingentSeat
from ticketshop.sales.models import Order, OrderLine

pytestmark = pytest.mark.django_db(transaction=True)


def period():
    today = timezone.localdate()
    return {"from": today.isoformat(), "to": (today + dt.timedelta(days=30)).isoformat()}


def url(interface):
    return f"/backoffice/resellers/resellerinterface/{interface.pk}/reconciliation/"


@pytest.fixture
def staff(client):
    user = get_user_model().objects.create_user(
        "boxoffice", password="pw", is_staff=True, is_superuser=True
    )
    client.force_login(user)
    return client


@pytest.fixture
def digitick(shop, live_server):
    call_command("setup_reseller_sandbox", stdout=StringIO())
    interface, operator, secret = make_realtime(
        shop.org, "digitick", tariffs=[(shop.full, "0|44")], categories=[(shop.cat2, "31")]
    )
    interface.sales_url = f"{live_server.url}/reseller-sandbox/digitick/realtime/sales/"
    interface.sales_user, interface.sales_password = "digitick-sales", "sales-secret"
    interface.save()
    allot(interface, shop.concert_1, seat_category=shop.cat2, count=6)
    interface.operator, interface.secret = operator, secret
    return interface


def sell(live_server, interface, *args):
    out = StringIO()
    call_command(
        "realtime_reseller_sandbox", "--interface", "digitick", "--operator", interface.operator,
        "--secret", interface.secret, "--url", live_server.url, *args, stdout=out,
    )  # fmt: skip
    return out.getvalue()


def report_of(staff, interface, status=200):
    page = staff.get(url(interface), period())
    assert page.status_code == status, page.content.decode()[:500]
    return page


def named(report):
    return sorted((f.kind, f.sale_id) for f in report.findings)


def test_a_clean_realtime_reseller_reports_nothing(shop, live_server, digitick, staff):
    out = sell(live_server, digitick, "--buyers", "1", "--sales", "3")
    assert "3 sales confirmed" in out and "3 tickets kept in the reseller's records" in out
    references = list(
        Basket.objects.filter(state="CONFIRMED").values_list("sale_reference", flat=True)
    )
    # A cancellation through the API, kept by the reseller too: both sides agree.
    out = sell(live_server, digitick, "--cancel", references[0])
    assert "1 cancellations kept" in out

    page = report_of(staff, digitick)
    html = page.content.decode()
    report = page.context["report"]
    assert "realtime/sales/" in str(report.source) and "realtime/sales/" in html
    assert report.clean, named(report)
    assert 'id="reconciliation-clean"' in html
    assert (report.their_sales, report.our_sales, report.matched) == (2, 2, 2)
    assert report.their_amount == report.our_amount > 0


def test_planted_differences_are_named(shop, live_server, digitick, staff):
    sell(live_server, digitick, "--buyers", "1", "--sales", "3")
    instance = SandboxInstance.objects.get(slug="digitick")
    kept = list(RealtimeSale.objects.filter(instance=instance).order_by("pk"))
    assert len(kept) == 3
    priced, cancelled, _clean = kept
    orders_before = Order.objects.count()

    # 1. A confirm that never reached us: the reseller sold a place of its contingent.
    unsold = ContingentSeat.objects.filter(
        contingent__interface=digitick, state="TO_EXPORT"
    ).first()
    lost = RealtimeSale.objects.create(
        instance=instance, line_id="DGT-LOST#1", sale_reference="DGT-LOST", kind="SALE",
        at=timezone.now(), performance_code=str(shop.concert_1.pk), seat_id=str(unsold.seat_id),
        category_id="31", customer_category_id="0|44", price=priced.price,
    )  # fmt: skip
    # 2. Its customer was charged another price than the one confirmed to us.
    RealtimeSale.objects.filter(pk=priced.pk).update(price=Decimal("99.00"))
    # 3. A seat it sold that we sold on the web too.
    web_seat = (
        cat.Seat.objects.exclude(pk__in=ContingentSeat.objects.values("seat_id"))
        .order_by("pk")
        .first()
    )
    web_order = web_ticket(shop, shop.concert_1, web_seat, shop.full)
    RealtimeSale.objects.create(
        instance=instance, line_id="DGT-BOTH#1", sale_reference="DGT-BOTH", kind="SALE",
        at=timezone.now(), performance_code=str(shop.concert_1.pk), seat_id=str(web_seat.pk),
        category_id="31", customer_category_id="0|44", price=priced.price,
    )  # fmt: skip
    # 4. A cancellation at its counter that never reached us: still sold here.
    RealtimeSale.objects.create(
        instance=instance, line_id=cancelled.line_id, sale_reference=cancelled.sale_reference,
        kind="CANCEL", at=timezone.now(), performance_code=cancelled.performance_code,
        seat_id=cancelled.seat_id, category_id="31", customer_category_id="0|44",
        price=cancelled.price,
    )  # fmt: skip

    report = report_of(staff, digitick).context["report"]
    found = named(report)
    assert ("MISSING_HERE", lost.line_id) in found
    assert ("PRICE_DIFF", priced.line_id) in found
    assert ("SOLD_BOTH", "DGT-BOTH#1") in found
    assert ("MISSING_THERE", cancelled.line_id) in found
    both = next(f for f in report.findings if f.kind == "SOLD_BOTH")
    assert f"#{web_order.pk}" in both.ours
    price = next(f for f in report.findings if f.sale_id == priced.line_id)
    assert price.theirs == "99.00" and price.ours == str(priced.price)
    gone = next(f for f in report.findings if f.kind == "MISSING_THERE")
    assert "Cancelled at the reseller" in gone.detail
    # Nothing else is named (the clean sale, the contingent's unsold places).
    assert {k for k, _s in found} == {"MISSING_HERE", "PRICE_DIFF", "SOLD_BOTH", "MISSING_THERE"}
    assert not [s for k, s in found if s == _clean.line_id]
    # A report changes nothing on either side.
    assert Order.objects.count() == orders_before + 1  # the web order only
    assert OrderLine.objects.filter(cancelled_at__isnull=False).count() == 0

    rows = staff.get(url(digitick), {**period(), "format": "csv"}).content.decode()
    assert "DGT-LOST#1" in rows and "DGT-BOTH#1" in rows and cancelled.line_id in rows


@pytest.mark.parametrize(
    ("mode", "says"), [("down", "HTTP 503"), ("garbage", "not JSON"), ("refused", "unreachable")]
)
def test_a_reseller_that_cannot_be_read_is_said_so(shop, live_server, digitick, staff, mode, says):
    sell(live_server, digitick, "--buyers", "1", "--sales", "1")
    before = (Order.objects.count(), RealtimeSale.objects.count(), Basket.objects.count())
    if mode == "refused":
        digitick.sales_url = "http://127.0.0.1:9/realtime/sales/"  # nothing listens there
        digitick.save()
    else:
        call_command("reseller_sandbox", "mode", "digitick", mode, stdout=StringIO())
    page = report_of(staff, digitick, status=502)
    html = page.content.decode()
    assert "The reseller could not be read" in html and says in html
    assert page.context["report"] is None
    assert (Order.objects.count(), RealtimeSale.objects.count(), Basket.objects.count()) == before


def test_wrong_credentials_are_refused_and_said_so(shop, live_server, digitick, staff):
    digitick.sales_password = "wrong"
    digitick.save()
    html = report_of(staff, digitick, status=502).content.decode()
    assert "HTTP 401" in html


def test_without_an_endpoint_our_own_records_stay_the_source(shop, live_server, digitick, staff):
    sell(live_server, digitick, "--buyers", "1", "--sales", "2", "--no-record")
    digitick.sales_url = ""
    digitick.save()
    report = report_of(staff, digitick).context["report"]
    assert "our own records" in str(report.source)
    assert report.clean and report.matched == 2


def test_a_reseller_too_slow_to_answer_is_said_so(shop, live_server, digitick, staff, settings):
    settings.RESELLERS = {**settings.RESELLERS, "REALTIME_SALES_TIMEOUT": 1}
    call_command(
        "reseller_sandbox", "mode", "digitick", "slow", "--seconds", "3", stdout=StringIO()
    )
    html = report_of(staff, digitick, status=502).content.decode()
    assert "no answer from" in html and "within 1 s" in html
