"""The settlement statement of one reseller for a period (R11): the tickets it sold and those
refunded in the period, gross, its commission and the net it owes us, computed from the orders
(a batch reseller's ResellerSale → its order line; a real-time reseller's confirmed basket
place → its order line), in Decimal, to the cent.

- A ticket counts as sold in the period by its sale's date, as refunded by its ticket's
  cancellation date (the booking core's, whoever cancelled it) (a ticket sold in one period and refunded in the next appears in both).
- Per ticket: with the price policy “accept the reseller's price, less its commission” the
  order already holds the net: gross is the reseller's price, commission the difference, net
  the order line's price. Otherwise gross is the order line's price and the commission is the
  interface's commission % of it, rounded half up to the cent per ticket (so that a refund
  takes back exactly the commission its sale gave).
- Totals: gross = sold − refunded; commission likewise; net due = gross − commission.
Two queries per kind of reseller sale, whatever the number of tickets."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ticketshop.resellers.models import BasketPlace, ResellerInterface, ResellerSale

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
SOLD, REFUNDED = "SOLD", "REFUNDED"


@dataclass
class Ticket:
    kind: str  # SOLD or REFUNDED
    at: dt.datetime
    sale_id: str
    order_id: int
    barcode: str
    performance: str
    gross: Decimal
    commission: Decimal

    @property
    def net(self):
        return self.gross - self.commission

    @property
    def sign(self):
        return 1 if self.kind == SOLD else -1


@dataclass
class Statement:
    interface: ResellerInterface
    period: object
    generated_at: dt.datetime
    tickets: list = field(default_factory=list)

    def _sum(self, kind, attr):
        return sum((getattr(t, attr) for t in self.tickets if t.kind == kind), ZERO)

    @property
    def sold(self):
        return sum(1 for t in self.tickets if t.kind == SOLD)

    @property
    def refunded(self):
        return sum(1 for t in self.tickets if t.kind == REFUNDED)

    @property
    def gross_sold(self):
        return self._sum(SOLD, "gross")

    @property
    def gross_refunded(self):
        return self._sum(REFUNDED, "gross")

    @property
    def gross(self):
        return self.gross_sold - self.gross_refunded

    @property
    def commission(self):
        return self._sum(SOLD, "commission") - self._sum(REFUNDED, "commission")

    @property
    def net_due(self):
        return self.gross - self.commission

    def total_rows(self):
        return [
            [str(_("Reseller")), f"{self.interface.code} — {self.interface}"],
            [str(_("Period (sales and refunds)")), str(self.period)],
            [str(_("Commission (%)")), self.interface.commission_percent],
            [str(_("Price policy")), str(self.interface.get_price_policy_display())],
            [str(_("Generated at")), timezone.localtime(self.generated_at).isoformat()],
            [str(_("Tickets sold")), self.sold],
            [str(_("Tickets refunded")), self.refunded],
            [str(_("Gross sold")), self.gross_sold],
            [str(_("Gross refunded")), self.gross_refunded],
            [str(_("Gross")), self.gross],
            [str(_("Commission")), self.commission],
            [str(_("Net due")), self.net_due],
        ]

    def ticket_rows(self):
        header = [
            str(_("Movement")),
            str(_("Date")),
            str(_("Sale id")),
            str(_("Order")),
            str(_("Barcode")),
            str(_("Performance")),
            str(_("Gross")),
            str(_("Commission")),
            str(_("Net")),
        ]
        rows = [
            [
                str(_("Sold")) if t.kind == SOLD else str(_("Refunded")),
                timezone.localtime(t.at).strftime("%Y-%m-%d %H:%M"),
                t.sale_id,
                t.order_id,
                t.barcode,
                t.performance,
                t.gross * t.sign,
                t.commission * t.sign,
                t.net * t.sign,
            ]
            for t in self.tickets
        ]
        return [header, *rows]


def ticket_amounts(interface, line_price, reseller_price):
    """(gross, commission) of one ticket, by the interface's price policy."""
    if interface.price_policy == ResellerInterface.PricePolicy.COMMISSION:
        return reseller_price, reseller_price - line_price
    rate = interface.commission_percent / Decimal(100)
    return line_price, (line_price * rate).quantize(CENT, ROUND_HALF_UP)


def settle(interface, period, now=None):
    """The statement of `interface` for `period`."""
    statement = Statement(interface, period, now or timezone.now())
    for kind, rows, date in _movements(interface, period):
        for row in rows:
            gross, commission = ticket_amounts(
                interface, row["line__price"], row["price_at_reseller"]
            )
            start = row["line__performance__start"]
            statement.tickets.append(
                Ticket(
                    kind=kind,
                    at=row[date],
                    sale_id=row["sale_id"],
                    order_id=row["order_id"],
                    barcode=row["line__barcode"] or "",
                    performance=(
                        f"{row['line__product__code']} {timezone.localtime(start):%Y-%m-%d %H:%M}"
                        if start
                        else row["line__product__code"]
                    ),
                    gross=gross,
                    commission=commission,
                )
            )
    statement.tickets.sort(key=lambda t: (t.at, t.kind != SOLD, t.sale_id))
    return statement


_LINE_FIELDS = (
    "line__cancelled_at",
    "line__price",
    "line__barcode",
    "line__performance_id",
    "line__performance__start",
    "line__product__code",
)


def _movements(interface, period):
    """(kind, rows, date key) for the tickets sold and refunded in the period: the batch
    reseller's integrated sales and the real-time reseller's confirmed basket places, in the
    same row shape."""
    batch = ResellerSale.objects.filter(interface=interface).values(
        "sale_id", "sold_at", "order_id", *_LINE_FIELDS, price_at_reseller=F("reseller_price")
    )
    realtime = BasketPlace.objects.filter(basket__interface=interface, line__isnull=False).values(
        *_LINE_FIELDS,
        sale_id=F("basket__sale_reference"),
        sold_at=F("basket__confirmed_at"),
        order_id=F("basket__order_id"),
        price_at_reseller=Coalesce("reseller_price", "line__price"),
    )
    for rows in (batch, realtime):
        yield SOLD, rows.filter(sold_at__gte=period.start, sold_at__lt=period.end), "sold_at"
        refunded = rows.filter(
            line__cancelled_at__gte=period.start, line__cancelled_at__lt=period.end
        )
        yield REFUNDED, refunded, "line__cancelled_at"
