# Over 400 lines: one report: its two sources of the reseller's side (SOAP, our records), its six kinds of difference and their export rows, read in a bounded number of queries.
"""The reconciliation report of one reseller interface (R11): our contingent state and orders
against the reseller's sales state, for the performances of a period.

Scope: the performances that START in the period (a season is reconciled by its dates), with
every sale made for them, whenever it was made. It names:
- SOLD_BOTH: a seat the reseller sold that is also sold by another order of ours;
- MISSING_HERE: a sale the reseller has and we do not (not integrated, or cancelled here only);
- MISSING_THERE: a sale we have and the reseller does not (unknown there, or cancelled there);
- PRICE_DIFF: the reseller's price against our price list, or our ticket's price against the
  reseller's (after the interface's price policy);
- NOT_EXPORTED: contingent places still to export;
- NOT_TAKEN_BACK: places asked back that the reseller has not given back, and unsold places
  still held past the interface's release deadline.

The reseller's side comes from a *source* (`source_for`): the reseller's EtatVentes over SOAP
for the batch resellers; for a real-time reseller (Digitick, ClassicTic), its own records of
what it sold and cancelled, read from its "sales since" endpoint (realtime_sales.py, registered
with `register_source(kind, factory)`), or our own records when it has no endpoint configured.
Our side of a real-time reseller is its confirmed baskets, one line a place, "REF#n". Queries are bounded: a handful per report, whatever the
number of rows (no query per sale or per seat).
"""

import datetime as dt
import time
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import requests
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ticketshop.catalogue.models import Performance, Price
from ticketshop.resellers.client import ExternalError, ResellerClient
from ticketshop.resellers.mappings import Mapper, MappingError
from ticketshop.resellers.models import (
    Basket,
    BasketPlace,
    ContingentSeat,
    Mapping,
    ResellerInterface,
    ResellerSale,
)
from ticketshop.sales.lifecycle import SOLD_STATES
from ticketshop.sales.models import OrderLine

S = ContingentSeat.State
K = Mapping.Kind
CENT = Decimal("0.01")
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

SOLD_BOTH, MISSING_HERE, MISSING_THERE = "SOLD_BOTH", "MISSING_HERE", "MISSING_THERE"
PRICE_DIFF, NOT_EXPORTED, NOT_TAKEN_BACK = "PRICE_DIFF", "NOT_EXPORTED", "NOT_TAKEN_BACK"
KINDS = {
    SOLD_BOTH: _("Seat sold on both sides"),
    MISSING_HERE: _("Sale at the reseller, not here"),
    MISSING_THERE: _("Sale here, not at the reseller"),
    PRICE_DIFF: _("Price difference"),
    NOT_EXPORTED: _("Contingent not exported"),
    NOT_TAKEN_BACK: _("Contingent not taken back"),
}


# --- the reseller's side ----------------------------------------------------------------------


@dataclass
class TheirSale:
    """One sale as the reseller reports it (a SALE, and whether a CANCEL followed)."""

    sale_id: str
    performance_code: str
    seat_id: str
    category_id: str
    customer_category_id: str
    price: Decimal
    at: dt.datetime
    cancelled: bool = False
    place: str = ""


class SoapSource:
    """A batch reseller's sales state: EtatVentes.getSales over SOAP (zeep)."""

    label = _("the reseller's sales state (EtatVentes, SOAP)")

    def __init__(self, interface):
        self.interface = interface

    def _read(self):
        """getSales, read twice at most: a read changes nothing, and a connection dropped once
        (a reseller restarting, a proxy) should not fail a report; a second failure does."""
        try:
            return ResellerClient(self.interface).get_sales(EPOCH, None)
        except ExternalError as exc:
            if not isinstance(exc.__cause__, requests.ConnectionError):
                raise
        time.sleep(0.5)
        return ResellerClient(self.interface).get_sales(EPOCH, None)

    def sales(self):
        found = {}
        for line in self._read():
            sale_id = str(line.saleId)
            if line.kind == "CANCEL":
                if sale_id in found:
                    found[sale_id].cancelled = True
                else:  # a cancellation whose sale is unknown: still a sale there, cancelled
                    found[sale_id] = _their(line, cancelled=True)
            elif line.kind == "SALE" and sale_id not in found:
                found[sale_id] = _their(line)
            elif line.kind == "SALE":
                found[sale_id] = _their(line, cancelled=found[sale_id].cancelled)
        return found


def _their(line, cancelled=False):
    place = " ".join(str(p) for p in (line.block, line.row, line.number) if p)
    return TheirSale(
        sale_id=str(line.saleId),
        performance_code=str(line.performanceCode or ""),
        seat_id=str(line.seatId or ""),
        category_id=str(line.categoryId or ""),
        customer_category_id=str(line.customerCategoryId or ""),
        price=Decimal(str(line.price)),
        at=line.at,
        cancelled=cancelled,
        place=place,
    )


class OwnRecordsSource:
    """A real-time reseller's side, from our own records (each sale is ours the moment the
    reseller confirms it): the report then checks prices, seats and contingents, and finds no
    missing sale by construction. A real-time reseller's status answers plug in here later."""

    label = _("our own records (real-time reseller)")

    def __init__(self, interface):
        self.interface = interface

    def sales(self):
        mapper = Mapper(self.interface)
        rows = ResellerSale.objects.filter(interface=self.interface).values(
            "sale_id",
            "reseller_price",
            "sold_at",
            "line__cancelled_at",
            "line__performance_id",
            "line__performance__product__season_id",
            "line__tariff_id",
            "line__seat_category_id",
            "contingent_seat__seat_id",
        )
        found = {}
        for row in rows:
            season = SimpleSeason(row["line__performance__product__season_id"])
            found[row["sale_id"]] = TheirSale(
                sale_id=row["sale_id"],
                performance_code=str(row["line__performance_id"]),
                seat_id=str(row["contingent_seat__seat_id"] or ""),
                category_id=_first(mapper, K.SEAT_CATEGORY, row["line__seat_category_id"], season),
                customer_category_id=_first(mapper, K.TARIFF, row["line__tariff_id"], season),
                price=row["reseller_price"],
                at=row["sold_at"],
                cancelled=row["line__cancelled_at"] is not None,
            )
        for sale_id, row in our_realtime(self.interface).items():
            season = SimpleSeason(row["season_id"])
            found[sale_id] = TheirSale(
                sale_id=sale_id,
                performance_code=str(row["line__performance_id"]),
                seat_id=str(row["contingent_seat__seat_id"] or ""),
                category_id=_first(mapper, K.SEAT_CATEGORY, row["seat_category_id"], season),
                customer_category_id=row["customer_category"],
                price=row["reseller_price"],
                at=row["sold_at"],
                cancelled=row["line__cancelled_at"] is not None,
            )
        return found


def our_realtime(interface, performance_ids=None):
    """Our side of a real-time reseller: the places of its confirmed baskets, keyed
    "<sale reference>#<n>" (n: the place's number in its basket, as the API answers them),
    each shaped as a ResellerSale row of `reconcile`. One query."""
    places = BasketPlace.objects.filter(
        basket__interface=interface, basket__state=Basket.State.CONFIRMED
    )
    if performance_ids is not None:
        places = places.filter(basket__contingent__performance_id__in=list(performance_ids))
    found, numbers = {}, {}
    for row in places.order_by("basket_id", "pk").values(
        "basket_id",
        "basket__sale_reference",
        "basket__confirmed_at",
        "price",
        "reseller_price",
        "customer_category",
        "line_id",
        "line__price",
        "line__cancelled_at",
        "line__performance_id",
        "line__seat_category_id",
        "line__performance__product__season_id",
        "contingent_seat__seat_id",
        "contingent_seat__seat__block__code",
        "contingent_seat__seat__row",
        "contingent_seat__seat__number",
    ):
        numbers[row["basket_id"]] = numbers.get(row["basket_id"], 0) + 1
        if row["line_id"] is None:
            continue
        sale_id = f"{row['basket__sale_reference']}#{numbers[row['basket_id']]}"
        found[sale_id] = {
            **row,
            "sale_id": sale_id,
            "reseller_price": row["price"]
            if row["reseller_price"] is None
            else row["reseller_price"],
            "sold_at": row["basket__confirmed_at"],
            "seat_category_id": row["line__seat_category_id"],
            "season_id": row["line__performance__product__season_id"],
        }
    return found


@dataclass(frozen=True)
class SimpleSeason:
    pk: int
    code: str = ""


def _first(mapper, kind, object_id, season):
    try:
        return mapper.external(kind, object_id, season)
    except MappingError:
        return ""


SOURCES = {}  # ResellerInterface.kind → factory(interface) of a source
REALTIME_KINDS = {"DIGITICK", "CLASSICTIC"}  # the real-time resellers of seed 004


def register_source(kind, factory):
    SOURCES[kind] = factory


def source_for(interface):
    if interface.kind in SOURCES:
        return SOURCES[interface.kind](interface)
    if interface.kind in REALTIME_KINDS or getattr(interface, "realtime", False):
        return OwnRecordsSource(interface)
    return SoapSource(interface)


# --- the report ---------------------------------------------------------------------------------


@dataclass
class Finding:
    kind: str
    performance: str
    place: str = ""
    sale_id: str = ""
    ours: str = ""
    theirs: str = ""
    detail: str = ""

    @property
    def label(self):
        return KINDS[self.kind]


@dataclass
class Reconciliation:
    interface: ResellerInterface
    period: object
    source: str
    generated_at: dt.datetime
    performances: int = 0
    their_sales: int = 0
    our_sales: int = 0
    matched: int = 0
    their_amount: Decimal = Decimal("0.00")
    our_amount: Decimal = Decimal("0.00")
    findings: list = field(default_factory=list)

    def count(self, kind):
        return sum(1 for f in self.findings if f.kind == kind)

    @property
    def counts(self):
        return [(kind, label, self.count(kind)) for kind, label in KINDS.items()]

    @property
    def clean(self):
        return not self.findings

    def summary_rows(self):
        return [
            [str(_("Interface")), self.interface.code],
            [str(_("Period (performances)")), str(self.period)],
            [str(_("Reseller's side")), str(self.source)],
            [str(_("Generated at")), timezone.localtime(self.generated_at).isoformat()],
            [str(_("Performances")), self.performances],
            [str(_("Sales at the reseller")), self.their_sales],
            [str(_("Sales here")), self.our_sales],
            [str(_("Sales on both sides")), self.matched],
            [str(_("Amount at the reseller")), self.their_amount],
            [str(_("Amount here")), self.our_amount],
            *[[str(label), n] for _k, label, n in self.counts],
        ]

    def finding_rows(self):
        header = [
            str(_("Difference")),
            str(_("Code")),
            str(_("Performance")),
            str(_("Place")),
            str(_("Sale id")),
            str(_("Here")),
            str(_("At the reseller")),
            str(_("Detail")),
        ]
        rows = [
            [str(f.label), f.kind, f.performance, f.place, f.sale_id, f.ours, f.theirs, f.detail]
            for f in self.findings
        ]
        return [header, *rows]


def _expected_line_price(interface, their_price):
    if interface.price_policy == ResellerInterface.PricePolicy.COMMISSION:
        rate = interface.commission_percent / Decimal(100)
        return (their_price * (1 - rate)).quantize(CENT, ROUND_HALF_UP)
    return their_price


def _performance_label(p):
    return f"{p['product__code']} {timezone.localtime(p['start']):%Y-%m-%d %H:%M} (#{p['pk']})"


def reconcile(interface, period, now=None, source=None):
    """The reconciliation of `interface` for the performances starting in `period`."""
    now = now or timezone.now()
    source = source or source_for(interface)
    report = Reconciliation(interface, period, source.label, now)
    performances = {
        p["pk"]: p
        for p in Performance.objects.filter(start__gte=period.start, start__lt=period.end).values(
            "pk",
            "start",
            "product__code",
            "product__season_id",
            "product__price_grid_id",
        )
    }
    report.performances = len(performances)
    labels = {pk: _performance_label(p) for pk, p in performances.items()}

    theirs = source.sales()
    in_scope = {}
    elsewhere = []
    for sale in theirs.values():
        code = sale.performance_code
        if code.isdigit() and int(code) in performances:
            in_scope[sale.sale_id] = sale
        else:
            elsewhere.append(sale)
    codes = {int(s.performance_code) for s in elsewhere if s.performance_code.isdigit()}
    known = set(Performance.objects.filter(pk__in=codes).values_list("pk", flat=True))
    for sale in elsewhere:  # a sale for a performance we do not have at all
        code = sale.performance_code
        if not sale.cancelled and not (code.isdigit() and int(code) in known):
            report.findings.append(
                Finding(
                    MISSING_HERE,
                    code,
                    sale.place,
                    sale.sale_id,
                    theirs=str(sale.price),
                    detail=str(_("Unknown performance here.")),
                )
            )

    ours = {
        row["sale_id"]: row
        for row in ResellerSale.objects.filter(
            interface=interface, line__performance_id__in=list(performances)
        ).values(
            "sale_id",
            "reseller_price",
            "line_id",
            "line__price",
            "line__cancelled_at",
            "line__performance_id",
            "contingent_seat__seat_id",
            "contingent_seat__seat__block__code",
            "contingent_seat__seat__row",
            "contingent_seat__seat__number",
        )
    }
    if interface.is_realtime:
        ours |= our_realtime(interface, performances)

    # Our price list, read once: (grid, seat category, tariff) → amount.
    grids = {p["product__price_grid_id"] for p in performances.values()} - {None}
    price_list = {
        (g, c, t): a
        for g, c, t, a in Price.objects.filter(grid_id__in=grids).values_list(
            "grid_id", "seat_category_id", "tariff_id", "amount"
        )
    }
    mapper = Mapper(interface)

    # Our live tickets on the seats the reseller sold: one query.
    sold_seats = {
        (int(s.performance_code), int(s.seat_id))
        for s in in_scope.values()
        if not s.cancelled and s.seat_id.isdigit()
    }
    lines_on_seat = {}
    if sold_seats:
        rows = OrderLine.objects.filter(
            performance_id__in={p for p, _s in sold_seats},
            reservation__seat_id__in={s for _p, s in sold_seats},
            cancelled_at__isnull=True,
            order__status__in=SOLD_STATES,
        ).values_list("performance_id", "reservation__seat_id", "pk", "order_id")
        for performance_id, seat_id, line_id, order_id in rows:
            if (performance_id, seat_id) in sold_seats:
                lines_on_seat.setdefault((performance_id, seat_id), []).append((line_id, order_id))

    for sale in sorted(in_scope.values(), key=lambda s: (s.performance_code, s.at, s.sale_id)):
        performance = performances[int(sale.performance_code)]
        label = labels[performance["pk"]]
        mine = ours.get(sale.sale_id)
        if sale.cancelled:
            continue  # cancelled there: MISSING_THERE below if it is still sold here
        report.their_sales += 1
        report.their_amount += sale.price
        if mine is None or mine["line__cancelled_at"] is not None:
            report.findings.append(
                Finding(
                    MISSING_HERE,
                    label,
                    sale.place,
                    sale.sale_id,
                    ours=str(_("cancelled")) if mine else "",
                    theirs=str(sale.price),
                    detail=str(_("Cancelled here, sold at the reseller."))
                    if mine
                    else str(_("Not confirmed here."))
                    if interface.is_realtime
                    else str(_("Not integrated here.")),
                )
            )
        else:
            report.matched += 1
            expected = _expected_line_price(interface, sale.price)
            if mine["line__price"] != expected:
                report.findings.append(
                    Finding(
                        PRICE_DIFF,
                        label,
                        sale.place,
                        sale.sale_id,
                        ours=str(mine["line__price"]),
                        theirs=str(sale.price),
                        detail=str(_("Our ticket's price is not the reseller's price.")),
                    )
                )
        # The reseller's price against our price list (its tariff and seat category mapped).
        season = SimpleSeason(performance["product__season_id"])
        try:
            tariff_id = mapper.ours(K.TARIFF, sale.customer_category_id, season)
            category_id = mapper.ours(K.SEAT_CATEGORY, sale.category_id, season)
        except MappingError:
            tariff_id = category_id = None
        listed = price_list.get((performance["product__price_grid_id"], category_id, tariff_id))
        if listed is not None and listed != sale.price:
            report.findings.append(
                Finding(
                    PRICE_DIFF,
                    label,
                    sale.place,
                    sale.sale_id,
                    ours=str(listed),
                    theirs=str(sale.price),
                    detail=str(_("The reseller's price is not our price list's.")),
                )
            )
        if sale.seat_id.isdigit():
            key = (performance["pk"], int(sale.seat_id))
            others = [
                (line_id, order_id)
                for line_id, order_id in lines_on_seat.get(key, [])
                if mine is None or line_id != mine["line_id"]
            ]
            for _line_id, order_id in others:
                report.findings.append(
                    Finding(
                        SOLD_BOTH,
                        label,
                        sale.place or sale.seat_id,
                        sale.sale_id,
                        ours=str(_("order #%(order)s") % {"order": order_id}),
                        theirs=str(sale.price),
                        detail=str(_("The reseller sold a seat sold here by another order.")),
                    )
                )

    for sale_id, mine in sorted(ours.items()):
        if mine["line__cancelled_at"] is not None:
            continue
        report.our_sales += 1
        report.our_amount += mine["line__price"]
        their = in_scope.get(sale_id)
        if their is None or their.cancelled:
            place = " ".join(
                str(v)
                for v in (
                    mine["contingent_seat__seat__block__code"],
                    mine["contingent_seat__seat__row"],
                    mine["contingent_seat__seat__number"],
                )
                if v
            )
            report.findings.append(
                Finding(
                    MISSING_THERE,
                    labels[mine["line__performance_id"]],
                    place,
                    sale_id,
                    ours=str(mine["line__price"]),
                    theirs=str(_("cancelled")) if their else "",
                    detail=str(_("Cancelled at the reseller, still sold here."))
                    if their
                    else str(_("Unknown to the reseller.")),
                )
            )

    _contingent_findings(report, interface, performances, labels, now)
    return report


def _contingent_findings(report, interface, performances, labels, now):
    """Places to export, asked back and not returned, or held past the release deadline:
    counted per contingent in one grouped query."""
    rows = (
        ContingentSeat.objects.filter(
            contingent__interface=interface,
            contingent__performance_id__in=list(performances),
            state__in=(S.TO_EXPORT, S.EXPORTED, S.TO_TAKE_BACK),
        )
        .values("contingent__performance_id", "contingent__export_contingent", "state")
        .annotate(n=Count("pk"))
        .order_by("contingent__performance_id", "state")
    )
    hours = interface.release_deadline_hours
    for row in rows:
        performance_id, state, n = row["contingent__performance_id"], row["state"], row["n"]
        label = labels[performance_id]
        past_deadline = (
            bool(hours) and performances[performance_id]["start"] - dt.timedelta(hours=hours) <= now
        )
        if state == S.TO_EXPORT and not interface.is_realtime:  # real-time: never exported
            detail = (
                _("%(n)s places to export.")
                if row["contingent__export_contingent"]
                else _("%(n)s places to export (export switched off for this contingent).")
            )
            report.findings.append(
                Finding(NOT_EXPORTED, label, ours=str(n), detail=str(detail % {"n": n}))
            )
        if state == S.TO_TAKE_BACK:
            report.findings.append(
                Finding(
                    NOT_TAKEN_BACK,
                    label,
                    ours=str(n),
                    detail=str(_("%(n)s places asked back, not given back yet.") % {"n": n}),
                )
            )
        elif past_deadline:
            report.findings.append(
                Finding(
                    NOT_TAKEN_BACK,
                    label,
                    ours=str(n),
                    detail=str(
                        _("%(n)s unsold places still held past the release deadline (%(h)s h).")
                        % {"n": n, "h": hours}
                    ),
                )
            )
