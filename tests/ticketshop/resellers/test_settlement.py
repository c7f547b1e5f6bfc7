"""R11, the settlement statement, through the back office (/backoffice/, a staff user) and the
command line: a period seeded with reseller sales (some before it), cancellations integrated in
it, a commission that rounds; every figure is checked against the orders, to the cent, and the
downloads (xlsx, CSV) carry the same figures."""

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from reseller_sandbox.models import SaleLine
from tests.ticketshop.resellers.conftest import make_interface
from tests.ticketshop.resellers.test_reconciliation import ok_run
from ticketshop.resellers import services
from ticketshop.resellers.contingents import allot_seats
from ticketshop.resellers.models import Contingent, ResellerInterface, ResellerSale
from ticketshop.sales.models import OrderLine

pytestmark = pytest.mark.django_db(transaction=True)


def sell_at(performance, day, count, customer_category="44", instance="fnac"):
    noon = dt.datetime.combine(day, dt.time(12, 0), tzinfo=dt.UTC)
    at = min(noon, timezone.now() - dt.timedelta(seconds=10)).isoformat()  # never in the future
    names = ",".join(f"Buyer {i}" for i in range(count))
    call_command(
        "reseller_sandbox", "sell", instance, str(performance.pk), "--count", str(count),
        "--customer-category", customer_category, "--names", names, "--at", at,
    )  # fmt: skip
    return list(
        SaleLine.objects.filter(instance__slug=instance, kind="SALE")
        .order_by("-pk")
        .values_list("sale_id", flat=True)[:count]
    )


def ready(interface, shop, count):
    contingent = Contingent.objects.create(interface=interface, performance=shop.concert_1)
    allot_seats(contingent, seat_category=shop.cat1, count=count)
    ok_run(services.export_contingents, interface)


def integrate(interface):
    ok_run(services.integrate_sales, interface)


def url(interface):
    return f"/backoffice/resellers/resellerinterface/{interface.pk}/settlement/"


def test_statement_of_a_seeded_period_matches_the_orders(admin_client, fnac, shop):
    ResellerInterface.objects.filter(pk=fnac.pk).update(commission_percent=Decimal("12.5"))
    fnac.refresh_from_db()
    ready(fnac, shop, count=6)
    today = timezone.localdate()
    before = sell_at(shop.concert_1, today - dt.timedelta(days=10), 2)  # the previous period
    full = sell_at(shop.concert_1, today - dt.timedelta(days=2), 2)
    child = sell_at(shop.concert_1, today - dt.timedelta(days=2), 1, customer_category="6")
    for sale_id in (before[0], full[0]):  # cancelled at the reseller, integrated today
        call_command("reseller_sandbox", "cancel", "fnac", sale_id)
    integrate(fnac)

    period = {"from": (today - dt.timedelta(days=5)).isoformat(), "to": today.isoformat()}
    page = admin_client.get(url(fnac), period)
    assert page.status_code == 200
    statement = page.context["statement"]

    # Against the orders themselves (the order lines of the reseller's sales).
    start = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=5), dt.time.min))
    lines = OrderLine.objects.filter(reseller_sale__interface=fnac)
    sold = lines.filter(reseller_sale__sold_at__gte=start)
    refunded = lines.filter(cancelled_at__gte=start)
    assert statement.sold == sold.count() == 3
    assert statement.refunded == refunded.count() == 2
    assert statement.gross_sold == sold.aggregate(s=Sum("price"))["s"] == Decimal("121.00")
    assert statement.gross_refunded == refunded.aggregate(s=Sum("price"))["s"] == Decimal("91.00")
    assert statement.gross == Decimal("30.00")
    # 12.5 % per ticket, half up: 45.50 → 5.69 (×2 sold, ×2 refunded), 30.00 → 3.75.
    assert statement.commission == Decimal("3.75")
    assert statement.net_due == Decimal("26.25")
    html = page.content.decode()
    assert "Net due" in html and "26.25" in html and "121.00" in html

    rows = list(
        csv.reader(
            io.StringIO(admin_client.get(url(fnac), {**period, "format": "csv"}).content.decode())
        )
    )
    tickets = rows[1 : rows.index([])]
    assert sorted(r[2] for r in tickets if r[0] == "Sold") == sorted(full + child)
    assert sorted(r[2] for r in tickets if r[0] == "Refunded") == sorted([before[0], full[0]])
    assert sum(Decimal(r[6]) for r in tickets) == Decimal("30.00")
    assert sum(Decimal(r[8]) for r in tickets) == Decimal("26.25")
    totals = {r[0]: r[1] for r in rows[rows.index([]) + 1 :]}
    assert (totals["Gross"], totals["Commission"], totals["Net due"]) == ("30.00", "3.75", "26.25")
    assert totals["Tickets sold"] == "3" and totals["Tickets refunded"] == "2"

    download = admin_client.get(url(fnac), {**period, "format": "xlsx"})
    assert download["Content-Disposition"].endswith('.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(download.content))
    sheet = {r[0]: r[1] for r in book["Statement"].iter_rows(values_only=True)}
    assert Decimal(str(sheet["Net due"])) == Decimal("26.25")
    assert Decimal(str(sheet["Gross sold"])) == Decimal("121.00")
    assert book["Tickets"].max_row == 1 + 5

    # The previous period: the two sales made then, nothing refunded then.
    earlier = admin_client.get(
        url(fnac),
        {
            "from": (today - dt.timedelta(days=12)).isoformat(),
            "to": (today - dt.timedelta(days=6)).isoformat(),
        },
    ).context["statement"]
    assert (earlier.sold, earlier.refunded, earlier.gross) == (2, 0, Decimal("91.00"))
    assert earlier.commission == Decimal("11.38") and earlier.net_due == Decimal("79.62")

    out = io.StringIO()
    call_command(
        "reseller_report", "settle", "--interface", "fnac",
        "--from", period["from"], "--to", period["to"], stdout=out,
    )  # fmt: skip
    assert "Net due" in out.getvalue() and "26.25" in out.getvalue()


def test_commission_policy_orders_hold_the_net(admin_client, shop, sandbox, tmp_path):
    """“Accept the reseller's price, less its commission”: the order holds the net already;
    the statement shows the reseller's price as gross and the difference as commission."""
    ticketnet = make_interface(
        shop,
        sandbox.url,
        instance="ticketnet",
        price_policy=ResellerInterface.PricePolicy.COMMISSION,
        commission_percent=Decimal("10"),
    )
    ready(ticketnet, shop, count=2)
    today = timezone.localdate()
    sell_at(shop.concert_1, today, 1, instance="ticketnet")
    integrate(ticketnet)
    line = OrderLine.objects.get(reseller_sale__interface=ticketnet)
    assert line.price == Decimal("40.95")  # 45.50 less 10 %

    xlsx, csv_path = tmp_path / "s.xlsx", tmp_path / "s.csv"
    call_command(
        "reseller_report", "settle", "--interface", "ticketnet",
        "--from", today.isoformat(), "--to", today.isoformat(),
        "--xlsx", str(xlsx), "--csv", str(csv_path), stdout=io.StringIO(),
    )  # fmt: skip
    sheet = {
        r[0]: r[1] for r in openpyxl.load_workbook(xlsx)["Statement"].iter_rows(values_only=True)
    }
    assert Decimal(str(sheet["Gross"])) == Decimal("45.50")
    assert Decimal(str(sheet["Commission"])) == Decimal("4.55")
    assert Decimal(str(sheet["Net due"])) == line.price == line.order.total
    assert ResellerSale.objects.get(interface=ticketnet).reseller_price == Decimal("45.50")
    rows = list(csv.reader(csv_path.open(encoding="utf-8")))
    assert rows[1][6:9] == ["45.50", "4.55", "40.95"]
