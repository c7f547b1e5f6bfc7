"""The booking rules (B1, B2, B3): hold places, expire holds, confirm an order, ticket holders.

One rule for every channel: the web shop, the box office and the resellers all call
`hold_places` and `confirm_order`. Each runs in one transaction that first locks what becomes
less available, always in the same order (the order row, then the performances by id), then
re-checks availability under the lock:

- on PostgreSQL, `SELECT … FOR UPDATE` on those rows serialises the buyers of a performance;
- on SQLite, the settings open every transaction with BEGIN IMMEDIATE, so writers are serialised
  by the database itself (and a no-op write takes the lock first when they do not);
- whatever the caller checked, the partial unique constraint on SeatReservation (a seat is HELD
  or SOLD once per performance) is the last guard: a violation is answered as "sold out".

Held places count as taken until they expire (the availability rule of `availability.py`);
expired holds are released here under the same lock, and by the `release_expired` task.
"""

import datetime as dt
import secrets
from collections import defaultdict
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, Sum
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ticketshop.catalogue.models import Performance, Price, Product, SeatAssignment, State
from ticketshop.contacts.services import usable_links
from ticketshop.sales.models import Order, OrderLine, SeatReservation

MAX_PLACES_PER_HOLD = 10
PAYMENT_GRACE_MINUTES = 15  # a cart being paid is kept this long after the payment starts
ON_SALE = (State.RUNNING,)

orders_ended = Signal()  # sent with `order_ids` when carts expire or are cancelled


class BookingError(Exception):
    """A refusal the visitor can read (the message is translated)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class NotEnoughPlaces(BookingError):
    pass


class CartExpired(BookingError):
    pass


class HoldsLost(BookingError):
    pass


# --- locks ---------------------------------------------------------------------------------


def _lock_order(order_id):
    return Order.objects.select_for_update().select_related("point_of_sales").get(pk=order_id)


def _lock_rows(model, ids):
    """Lock rows of `model` in a fixed order (by id) so that two buyers never deadlock."""
    ids = sorted(set(ids))
    if not ids:
        return
    if connection.features.has_select_for_update:
        list(model.objects.select_for_update().filter(id__in=ids).order_by("id").values_list("id"))
    else:  # SQLite: a write takes the database's write lock (already held in IMMEDIATE mode)
        model.objects.filter(id__in=ids).update(updated_at=F("updated_at"))


def _lock_performances(ids):
    _lock_rows(Performance, ids)


def _lock_products(ids):
    """Undated products' rows (their quota) are locked before any performance."""
    _lock_rows(Product, ids)


def _release_expired_of(performance_ids, now, product_ids=()):
    where = Q(performance_id__in=performance_ids)
    if product_ids:
        where |= Q(product_id__in=product_ids, performance__isnull=True)
    return SeatReservation.objects.filter(
        where, status=SeatReservation.Status.HELD, expires_at__lte=now
    ).update(status=SeatReservation.Status.RELEASED, updated_at=now)


# --- carts ---------------------------------------------------------------------------------


def new_cart(point_of_sales, contact=None, now=None):
    now = now or timezone.now()
    return Order.objects.create(
        point_of_sales=point_of_sales,
        contact=contact,
        currency=point_of_sales.channel.organisation.currency,
        expires_at=now + dt.timedelta(minutes=point_of_sales.cart_expiry_minutes),
    )


def is_live_cart(order, now=None):
    now = now or timezone.now()
    return (
        order is not None
        and order.status == Order.Status.CART
        and (order.expires_at is None or order.expires_at > now)
    )


def prices_for(performance, seat_category=None, product=None):
    """{tariff id: Price} of a performance's product (or of an undated `product`) in a seat
    category (None: unseated)."""
    grid_id = (product or performance.product).price_grid_id
    if grid_id is None:
        return {}
    prices = Price.objects.filter(grid_id=grid_id).select_related("tariff")
    if seat_category is None:
        prices = prices.filter(seat_category__isnull=True)
    else:
        prices = prices.filter(seat_category=seat_category)
    return {p.tariff_id: p for p in prices}


def is_unseated(performance):
    return performance.product.quota is not None


def _choose_seats(free, count):
    """The best `count` seats of `free` (rows of (block, row, number, seat id), best first).

    Kept together when possible: the first row (in order of quality) with `count` adjacent free
    seats; else the first row with enough free seats; else the best seats row after row."""
    rows = defaultdict(list)
    for block_id, row, number, seat_id in free:
        rows[(block_id, row)].append((number, seat_id))
    for seats in rows.values():
        run = []
        for number, seat_id in seats:
            if run and number != run[-1][0] + 1:
                run = []
            run.append((number, seat_id))
            if len(run) == count:
                return [s for _n, s in run]
    for seats in rows.values():
        if len(seats) >= count:
            return [s for _n, s in seats[:count]]
    return [seat_id for *_rest, seat_id in free[:count]]


def _free_seats(performance, seat_category, now):
    taken = SeatReservation.objects.filter(
        Q(status=SeatReservation.Status.SOLD)
        | Q(status=SeatReservation.Status.HELD, expires_at__gt=now)
        | Q(status=SeatReservation.Status.HELD, expires_at__isnull=True),
        performance=performance,
        seat__isnull=False,
    ).values("seat_id")
    return list(
        SeatAssignment.objects.filter(
            configuration_id=performance.configuration_id, category=seat_category
        )
        .exclude(seat_id__in=taken)
        .order_by("seat__block_id", "seat__row", "seat__number")
        .values_list("seat__block_id", "seat__row", "seat__number", "seat_id")
    )


def _quota_taken(performance, now, product=None):
    where = Q(performance=performance) if performance else Q(product=product, performance=None)
    return (
        SeatReservation.objects.filter(
            Q(status=SeatReservation.Status.SOLD)
            | Q(status=SeatReservation.Status.HELD)
            & (Q(expires_at__gt=now) | Q(expires_at__isnull=True)),
            where,
        ).aggregate(n=Sum("quantity"))["n"]
        or 0
    )


def _clean_quantities(quantities):
    quantities = {int(t): int(q) for t, q in quantities.items() if int(q) > 0}
    count = sum(quantities.values())
    if count < 1:
        raise BookingError(_("Choose at least one ticket."))
    if count > MAX_PLACES_PER_HOLD:
        raise BookingError(_("At most %(max)d tickets at a time.") % {"max": MAX_PLACES_PER_HOLD})
    return quantities, count


def _create_lines(order, quantities, prices, seat_ids, *, product, performance, seat_category):
    reservations = SeatReservation.objects.bulk_create(
        [
            SeatReservation(
                performance=performance,
                product=None if performance else product,
                seat_id=seat_id,
                quantity=1,
                status=SeatReservation.Status.HELD,
                expires_at=order.expires_at,
            )
            for seat_id in seat_ids
        ]
    )
    tariffs = [t for t, q in sorted(quantities.items()) for _i in range(q)]
    return OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                reservation=reservation,
                product=product,
                performance=performance,
                seat_category=seat_category,
                tariff_id=tariff_id,
                price=prices[tariff_id].amount,
            )
            for reservation, tariff_id in zip(reservations, tariffs, strict=True)
        ]
    )


def is_undated(product):
    """An undated product (pass, subscription…) sold on its own quota, without performances."""
    return product.quota is not None and not product.performances.exists()


def hold_undated_places(order, product, quantities, now=None):
    """Hold places of an undated product's quota for the cart `order`: {tariff id: quantity}."""
    now = now or timezone.now()
    quantities, count = _clean_quantities(quantities)
    if product.state not in ON_SALE or not is_undated(product):
        raise BookingError(_("This product is not on sale."))
    prices = prices_for(None, None, product=product)
    if any(tariff_id not in prices for tariff_id in quantities):
        raise BookingError(_("This tariff is not sold for this product."))
    with transaction.atomic():
        order = _lock_order(order.pk)
        if not is_live_cart(order, now):
            raise CartExpired(_("Your cart has expired. Please choose your tickets again."))
        _lock_products([product.pk])
        _release_expired_of([], now, product_ids=[product.pk])
        if product.quota - _quota_taken(None, now, product=product) < count:
            raise NotEnoughPlaces(_("Not enough places are left for this product."))
        return _create_lines(
            order,
            quantities,
            prices,
            [None] * count,
            product=product,
            performance=None,
            seat_category=None,
        )


def hold_places(order, performance, quantities, seat_category=None, now=None):
    """Hold places of `performance` for the cart `order`: {tariff id: quantity}.

    Seated products: the best available seats of `seat_category`, kept together where possible.
    Unseated products (a quota): places of the quota. Returns the new lines; NotEnoughPlaces
    (and nothing held) when there are not enough places left.
    """
    now = now or timezone.now()
    quantities, count = _clean_quantities(quantities)
    if performance.state not in ON_SALE or performance.product.state not in ON_SALE:
        raise BookingError(_("This performance is not on sale."))
    unseated = is_unseated(performance)
    if unseated:
        seat_category = None
    elif seat_category is None or seat_category.configuration_id != performance.configuration_id:
        raise BookingError(_("Choose a seat category of this performance."))
    prices = prices_for(performance, seat_category)
    if any(tariff_id not in prices for tariff_id in quantities):
        raise BookingError(_("This tariff is not sold for this seat category."))
    try:
        with transaction.atomic():
            order = _lock_order(order.pk)
            if not is_live_cart(order, now):
                raise CartExpired(_("Your cart has expired. Please choose your tickets again."))
            _lock_performances([performance.pk])
            _release_expired_of([performance.pk], now)
            if unseated:
                remaining = performance.product.quota - _quota_taken(performance, now)
                if remaining < count:
                    raise NotEnoughPlaces(_("Not enough places are left for this performance."))
                seat_ids = [None] * count
            else:
                free = _free_seats(performance, seat_category, now)
                if len(free) < count:
                    raise NotEnoughPlaces(_("Not enough seats are left in this category."))
                seat_ids = _choose_seats(free, count)
            lines = _create_lines(
                order,
                quantities,
                prices,
                seat_ids,
                product=performance.product,
                performance=performance,
                seat_category=seat_category,
            )
    except IntegrityError as exc:  # the constraint, last guard: someone else took a seat
        raise NotEnoughPlaces(_("Not enough seats are left in this category.")) from exc
    return lines


def remove_line(order, line_id):
    """Give back one place of a cart. False when the line is not in this live cart."""
    with transaction.atomic():
        order = _lock_order(order.pk)
        if not is_live_cart(order):
            return False
        line = order.lines.filter(pk=line_id).select_related("reservation").first()
        if line is None:
            return False
        SeatReservation.objects.filter(
            pk=line.reservation_id, status=SeatReservation.Status.HELD
        ).update(status=SeatReservation.Status.RELEASED, updated_at=timezone.now())
        line.delete()
    return True


def cancel_cart(order):
    """End a cart that is not paid: its holds return to sale (once)."""
    with transaction.atomic():
        order = _lock_order(order.pk)
        if order.status not in (Order.Status.CART, Order.Status.PAYING):
            return False
        SeatReservation.objects.filter(
            line__order=order, status=SeatReservation.Status.HELD
        ).update(status=SeatReservation.Status.RELEASED, updated_at=timezone.now())
        order.status = Order.Status.CANCELLED
        order.save(update_fields=["status"])
        transaction.on_commit(lambda: orders_ended.send(Order, order_ids=[order.pk]))
    return True


def release_expired(now=None):
    """The task: expired carts end and their held places return to sale. Returns places freed."""
    now = now or timezone.now()
    with transaction.atomic():
        order_ids = list(
            Order.objects.filter(
                status__in=(Order.Status.CART, Order.Status.PAYING), expires_at__lte=now
            ).values_list("pk", flat=True)
        )
        freed = SeatReservation.objects.filter(
            status=SeatReservation.Status.HELD, expires_at__lte=now
        ).update(status=SeatReservation.Status.RELEASED, updated_at=now)
        Order.objects.filter(pk__in=order_ids).update(status=Order.Status.EXPIRED)
    if order_ids:
        orders_ended.send(Order, order_ids=order_ids)
    return freed


def start_payment(order, contact):
    """The cart is being paid by `contact`: it becomes theirs and is kept a little longer."""
    now = timezone.now()
    with transaction.atomic():
        order = _lock_order(order.pk)
        if not is_live_cart(order, now):
            raise CartExpired(_("Your cart has expired. Please choose your tickets again."))
        if not order.lines.exists():
            raise BookingError(_("Your cart is empty."))
        expires = max(order.expires_at, now + dt.timedelta(minutes=PAYMENT_GRACE_MINUTES))
        SeatReservation.objects.filter(
            line__order=order, status=SeatReservation.Status.HELD
        ).update(expires_at=expires)
        Order.objects.filter(pk=order.pk).update(
            status=Order.Status.PAYING, contact=contact, expires_at=expires
        )
        order.refresh_from_db()
    return order


def back_to_cart(order):
    """A payment refused or abandoned: the cart is the visitor's again, its holds unchanged."""
    return bool(
        Order.objects.filter(pk=order.pk, status=Order.Status.PAYING).update(
            status=Order.Status.CART
        )
    )


def new_barcode():
    return "".join(str(secrets.randbelow(10)) for _i in range(20))


def confirm_order(order, now=None):
    """Sell the order's held places, once: HELD → SOLD under the lock, tickets get barcodes.

    HoldsLost (and nothing sold) when a hold was released meanwhile; a second confirmation of a
    paid order changes nothing and returns it."""
    now = now or timezone.now()
    with transaction.atomic():
        order = _lock_order(order.pk)
        if order.status == Order.Status.PAID:
            return order
        if order.status not in (Order.Status.CART, Order.Status.PAYING):
            raise HoldsLost(_("Your cart has expired: nothing was sold."))
        lines = list(order.lines.select_related("holder"))
        if not lines:
            raise BookingError(_("Your cart is empty."))
        _lock_products([line.product_id for line in lines if line.performance_id is None])
        _lock_performances([line.performance_id for line in lines if line.performance_id])
        sold = SeatReservation.objects.filter(
            line__order=order, status=SeatReservation.Status.HELD
        ).update(status=SeatReservation.Status.SOLD, expires_at=None, updated_at=now)
        if sold != len(lines):
            raise HoldsLost(_("Some of your seats were released: nothing was sold."))
        buyer = order.contact
        for line in lines:
            holder = line.holder or buyer
            line.holder = holder
            line.holder_name = f"{holder.first_name} {holder.last_name}" if holder else ""
            line.barcode = new_barcode()
        OrderLine.objects.bulk_update(lines, ["holder", "holder_name", "barcode"])
        order.status = Order.Status.PAID
        order.paid_at = now
        order.save(update_fields=["status", "paid_at"])
        transaction.on_commit(lambda: _send_confirmation(order.pk))
    return order


def _send_confirmation(order_id):
    from ticketshop.sales.tickets import send_confirmation

    send_confirmation(order_id)


# --- ticket holders (F6) -------------------------------------------------------------------


def possible_holders(contact, point_of_sales):
    """The visitor, then their linked contacts (links they accepted, when the point of sales
    asks for consent) when the point of sales allows purchase for friends and family."""
    holders = [contact]
    if point_of_sales.allow_purchase_for_friends_family:
        links = usable_links(contact).filter(child__is_active=True)  # accepted links only
        holders += [link.child for link in links.order_by("child__last_name", "child__first_name")]
    return holders


def set_holder(line, contact, holder_id, point_of_sales):
    """Give the ticket `line` of `contact`'s order to one of the possible holders."""
    allowed = {c.pk: c for c in possible_holders(contact, point_of_sales)}
    try:
        holder = allowed[int(holder_id)]
    except (KeyError, TypeError, ValueError) as exc:
        raise BookingError(_("Choose the ticket holder among you and your friends.")) from exc
    line.holder = holder
    fields = ["holder"]
    if line.barcode:
        line.holder_name = f"{holder.first_name} {holder.last_name}"
        fields.append("holder_name")
    line.save(update_fields=fields)
    return line


def tickets_of(contact):
    """The paid tickets bought by `contact` or held by them."""
    return (
        OrderLine.objects.filter(order__status=Order.Status.PAID, barcode__isnull=False)
        .filter(Q(order__contact=contact) | Q(holder=contact))
        .select_related(
            "order", "product", "performance", "reservation__seat", "seat_category", "tariff"
        )
        .distinct()
    )


def cart_summary(order):
    """(quantity, amount) of a cart."""
    lines = list(order.lines.all()) if order else []
    return len(lines), sum((line.price for line in lines), Decimal("0.00"))
