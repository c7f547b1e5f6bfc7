"""The batch sales integration (R6, P6): the checks of a run's sale lines, read once per run
(`_Reads`, `_check_line`), and the writes, a batch of INTEGRATION_BATCH sales or cancellations in
one transaction each, in bulk (`integrate_batch`, `cancel_batch`), under THE lock order of
`sales/lifecycle.py`. The run around them (lock, window, log) is services.py's, with the one
sale at a time fallback (`integrate_sale`) for a batch a constraint refuses."""

import datetime as dt
from collections import deque
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

from django.db import transaction
from django.db.models import Q

from ticketshop.catalogue.models import Performance, Price
from ticketshop.resellers.client import ExternalError
from ticketshop.resellers.mappings import MappingError
from ticketshop.resellers.models import (
    ContingentSeat,
    Mapping,
    ResellerInterface,
    ResellerSale,
    RunError,
)
from ticketshop.sales.lifecycle import (
    PAYMENT_GRACE_MINUTES,
    SOLD_STATES,
    InvalidTransition,
    lock_places,
    new_barcode,
    transition,
)
from ticketshop.sales.models import Order, OrderLine, OrderMessage, SeatReservation
from ticketshop.sales.signals import order_refunded

S = ContingentSeat.State
K = Mapping.Kind
E = RunError.Kind
CENT = Decimal("0.01")


def _price(interface, reseller_price, ours):
    policy = interface.price_policy
    P = ResellerInterface.PricePolicy
    if policy == P.ERROR:
        return ours
    if policy == P.COMMISSION:
        rate = interface.commission_percent / Decimal(100)
        return (reseller_price * (1 - rate)).quantize(CENT, ROUND_HALF_UP)
    return reseller_price


class _Reads:
    """What the checks of a run's sale lines read, once per run (not once per line): the
    performances, the interface's contingents on them, each contingent's live numbered
    places, our prices."""

    def __init__(self, interface, lines):
        self.interface = interface
        codes = {_int(line.performanceCode) for line in lines} - {None}
        self.performances = Performance.objects.select_related("product__season").in_bulk(codes)
        self.contingents = {}
        for contingent in interface.contingents.filter(performance_id__in=codes):
            contingent.performance = self.performances[contingent.performance_id]
            self.contingents.setdefault(contingent.performance_id, contingent)
        self._places, self._prices = {}, {}

    def place_category(self, contingent, seat_id):
        """The seat category of a live place (exported, to take back, sold) of the seat, or
        False when the contingent has no such place."""
        if contingent.pk not in self._places:  # the run's contingents, in one query per 500
            ids = [c.pk for c in self.contingents.values() if c.pk not in self._places]
            ids = ids if contingent.pk in ids else [contingent.pk]
            for start in range(0, len(ids), 500):
                part = ids[start : start + 500]
                self._places.update({pk: {} for pk in part})
                for pk, seat, category in ContingentSeat.objects.filter(
                    contingent_id__in=part,
                    seat__isnull=False,
                    state__in=(S.EXPORTED, S.TO_TAKE_BACK, S.SOLD),
                ).values_list("contingent_id", "seat_id", "seat_category_id"):
                    self._places[pk][seat] = category
        return self._places[contingent.pk].get(seat_id, False)

    def price(self, grid_id, category_id, tariff_id):
        key = (grid_id, category_id, tariff_id)
        if key not in self._prices:
            self._prices[key] = Price.objects.filter(
                grid_id=grid_id, seat_category_id=category_id, tariff_id=tariff_id
            ).first()
        return self._prices[key]


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _check_line(interface, line, mapper, known, batch_sales, errors, reads=None):
    """Everything one sale line needs, or its errors: (performance, contingent, tariff id,
    seat category id, price) for a SALE."""
    reads = reads or _Reads(interface, [line])
    performance = reads.performances.get(_int(line.performanceCode))
    if performance is None:
        errors.append(
            (E.EXTERNAL, f"Sale {line.saleId}: unknown performance {line.performanceCode}.")
        )
        return None
    product = performance.product
    season = product.season
    contingent = reads.contingents.get(performance.pk)
    if contingent is None:
        errors.append(
            (E.MAPPING, f"Sale {line.saleId}: {interface.code} has no contingent on {performance}.")
        )
        return None
    if line.kind == "CANCEL":
        if line.saleId not in known and line.saleId not in batch_sales:
            errors.append((E.EXTERNAL, f"Cancellation of an unknown sale {line.saleId}."))
        return None
    if product.family not in interface.families():
        errors.append(
            (
                E.MAPPING,
                f"Sale {line.saleId}: {interface.code} may not sell {product.code} "
                f"(family {product.family}).",
            )
        )
    if not mapper.matches(K.EVENT, product.pk, season, line.manifestationId):
        errors.append(
            (
                E.MAPPING,
                f"Sale {line.saleId}: missing mapping: manifestation "
                f"“{line.manifestationId}” → {product.code} (season {season.code}).",
            )
        )
    try:
        tariff_id = mapper.ours(K.TARIFF, line.customerCategoryId, season)
    except MappingError as exc:
        errors.append((E.MAPPING, f"Sale {line.saleId}: {exc}"))
        return None
    if line.seatId:
        category_id = reads.place_category(contingent, _int(line.seatId))
        if category_id is False:
            errors.append(
                (E.EXTERNAL, f"Sale {line.saleId}: seat {line.seatId} is not in the contingent.")
            )
            return None
    else:
        try:
            category_id = mapper.ours(K.SEAT_CATEGORY, line.categoryId, season)
        except MappingError as exc:
            errors.append((E.MAPPING, f"Sale {line.saleId}: {exc}"))
            return None
    price = reads.price(product.price_grid_id, category_id, tariff_id)
    if price is None:
        errors.append((E.MAPPING, f"Sale {line.saleId}: no price of ours for this tariff."))
        return None
    reseller_price = Decimal(str(line.price))
    if (
        interface.price_policy == ResellerInterface.PricePolicy.ERROR
        and reseller_price != price.amount
    ):
        errors.append(
            (
                E.MAPPING,
                f"Sale {line.saleId}: the reseller's price {reseller_price} differs "
                f"from ours {price.amount} (price policy: error).",
            )
        )
        return None
    return SimpleNamespace(
        performance=performance,
        contingent=contingent,
        tariff_id=tariff_id,
        category_id=category_id,
        price=_price(interface, reseller_price, price.amount),
        reseller_price=reseller_price,
    )


def _in_batches(items, size):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _free_places(sales, checked):
    """Under the performances' locks: the contingent place each sale takes (its seat, or the
    first free place of its category in an unnumbered hall), {sale id: (pk, seat id, seat
    category id, reservation id)}, read in one query for the batch; or ExternalError."""
    contingents = {checked[sale.saleId].contingent.pk for sale in sales}
    seat_ids = {int(sale.seatId) for sale in sales if sale.seatId}
    unnumbered_of = {checked[sale.saleId].contingent.pk for sale in sales if not sale.seatId}
    rows = (
        ContingentSeat.objects.filter(
            Q(seat_id__in=seat_ids) | Q(seat__isnull=True, contingent_id__in=unnumbered_of),
            contingent_id__in=contingents,
            state__in=(S.EXPORTED, S.TO_TAKE_BACK),
        )
        .order_by("pk")
        .values_list("contingent_id", "pk", "seat_id", "seat_category_id", "reservation_id")
    )
    numbered, unnumbered = {}, {}
    for contingent_id, *row in rows:
        if row[1] is None:
            unnumbered.setdefault((contingent_id, row[2]), deque()).append(tuple(row))
        else:
            numbered.setdefault((contingent_id, row[1]), tuple(row))
    place_of = {}
    for sale in sales:
        line = checked[sale.saleId]
        if sale.seatId:
            place = numbered.pop((line.contingent.pk, int(sale.seatId)), None)
        else:
            free = unnumbered.get((line.contingent.pk, line.category_id))
            place = free.popleft() if free else None
        if place is None:
            raise ExternalError(f"Sale {sale.saleId}: no place of the contingent left for it.")
        place_of[sale.saleId] = place
    return place_of


def integrate_batch(interface, sales, checked, now):
    """Reseller SALEs → one paid order each on the waiting account, in one transaction under
    their performances' locks (by id, THE lock order), written in bulk: what `integrate_sale` writes
    for one sale (order PAID, its place SOLD, a ticket with the beneficiary's names and the
    reseller's barcode, the ResellerSale row, the confirmation in the outbox). Sales
    integrated already are skipped. A constraint refusing the batch (another run, a barcode
    used) raises IntegrityError, nothing written: the run then does it one sale at a time
    (services.integrate_sale), which says which. Returns the orders created."""
    pos, contact = interface.point_of_sales, interface.waiting_contact
    with transaction.atomic():
        lock_places(performance_ids=[checked[sale.saleId].performance.pk for sale in sales])
        done = set(
            ResellerSale.objects.filter(
                interface=interface, sale_id__in=[sale.saleId for sale in sales]
            ).values_list("sale_id", flat=True)
        )
        sales = [sale for sale in sales if sale.saleId not in done]
        if not sales:
            return 0
        place_of = _free_places(sales, checked)
        places = [place_of[sale.saleId] for sale in sales]
        sold = SeatReservation.objects.filter(
            pk__in=[p[3] for p in places], status=SeatReservation.Status.HELD
        ).update(status=SeatReservation.Status.SOLD, expires_at=None, updated_at=now)
        if sold != len(places):
            raise ExternalError("Places of the contingent were released meanwhile.")
        minutes = max(pos.cart_expiry_minutes, PAYMENT_GRACE_MINUTES)
        orders = Order.objects.bulk_create(
            [
                Order(
                    point_of_sales=pos,
                    contact=contact,
                    currency=pos.channel.organisation.currency,
                    status=Order.Status.PAID,
                    expires_at=now + dt.timedelta(minutes=minutes),
                    paid_at=now,
                )
                for _sale in sales
            ]
        )
        tickets = OrderLine.objects.bulk_create(
            [
                OrderLine(
                    order=order,
                    reservation_id=place[3],
                    product_id=checked[sale.saleId].performance.product_id,
                    performance=checked[sale.saleId].performance,
                    seat_category_id=checked[sale.saleId].category_id,
                    tariff_id=checked[sale.saleId].tariff_id,
                    price=checked[sale.saleId].price,
                    holder=None,  # the beneficiary's names only, never contact data (R6)
                    holder_name=f"{sale.firstName or ''} {sale.lastName or ''}".strip(),
                    barcode=sale.barcode or new_barcode(),
                )
                for sale, order, place in zip(sales, orders, places, strict=True)
            ]
        )
        ContingentSeat.objects.filter(pk__in=[p[0] for p in places]).update(state=S.SOLD)
        ResellerSale.objects.bulk_create(
            [
                ResellerSale(
                    interface=interface,
                    sale_id=sale.saleId,
                    order=order,
                    line=ticket,
                    contingent_seat_id=place[0],
                    reseller_price=checked[sale.saleId].reseller_price,
                    sold_at=sale.at,
                )
                for sale, order, ticket, place in zip(sales, orders, tickets, places, strict=True)
            ]
        )
        if contact is not None:  # the outbox: sent by its task, as any order's email
            OrderMessage.objects.bulk_create(
                [OrderMessage(order=o, kind=OrderMessage.Kind.CONFIRMATION) for o in orders]
            )
    return len(sales)


def cancel_batch(interface, sale_ids, now):
    """Reseller CANCELs, in one transaction, written in bulk: what `cancel_sale` does for each
    (the ticket cancelled and its order refunded as the booking core's cancellation does, the
    place held again for the contingent), under THE lock order: the orders, then the
    performances. Sales cancelled already are skipped. Returns how many were cancelled."""
    with transaction.atomic():
        sales = list(
            ResellerSale.objects.select_for_update(of=("self",))
            .select_related("contingent_seat", "line")
            .filter(interface=interface, sale_id__in=sale_ids, cancelled_at__isnull=True)
            .order_by("pk")
        )
        if not sales:
            return 0
        order_ids = sorted({sale.order_id for sale in sales})
        orders = {
            o.pk: o
            for o in Order.objects.select_for_update(of=("self",))
            .filter(pk__in=order_ids)
            .order_by("pk")
        }
        if any(o.status not in SOLD_STATES for o in orders.values()) or any(
            sale.line.cancelled_at for sale in sales
        ):
            raise InvalidTransition("Only a paid order can be cancelled and refunded.")
        lines = [sale.line for sale in sales]
        lock_places(performance_ids=[line.performance_id for line in lines])
        SeatReservation.objects.filter(
            pk__in=[line.reservation_id for line in lines], status=SeatReservation.Status.SOLD
        ).update(status=SeatReservation.Status.RELEASED, updated_at=now)
        OrderLine.objects.filter(pk__in=[line.pk for line in lines]).update(cancelled_at=now)
        still_live = set(
            OrderLine.objects.filter(order_id__in=order_ids, cancelled_at__isnull=True)
            .values_list("order_id", flat=True)
            .distinct()
        )
        messages = []
        for order_id in order_ids:
            order = orders[order_id]
            its_lines = [line for line in lines if line.order_id == order_id]
            amount = sum((line.price for line in its_lines), start=0)
            transition(
                order,
                Order.Status.PARTLY_REFUNDED if order_id in still_live else Order.Status.REFUNDED,
            )
            order_refunded.send(Order, order=order, amount=amount, lines=its_lines)
            if order.contact_id is not None:  # the outbox: sent by its task
                messages.append(
                    OrderMessage(order=order, kind=OrderMessage.Kind.REFUND, amount=amount)
                )
        OrderMessage.objects.bulk_create(messages)
        places = [sale.contingent_seat for sale in sales]
        reservations = SeatReservation.objects.bulk_create(
            [
                SeatReservation(
                    performance_id=line.performance_id, seat_id=place.seat_id, expires_at=None
                )
                for line, place in zip(lines, places, strict=True)
            ]
        )
        ContingentSeat.objects.filter(pk__in=[p.pk for p in places]).update(state=S.SALE_CANCELLED)
        ContingentSeat.objects.bulk_create(
            [
                ContingentSeat(
                    contingent_id=place.contingent_id,
                    reservation=reservation,
                    seat_id=place.seat_id,
                    seat_category_id=place.seat_category_id,
                    state=S.EXPORTED,
                )
                for place, reservation in zip(places, reservations, strict=True)
            ]
        )
        ResellerSale.objects.filter(pk__in=[sale.pk for sale in sales]).update(cancelled_at=now)
    return len(sales)
