"""Holding places (B2): the best seats of a category, places of a quota, for a live cart.

Each hold runs in one transaction that takes its locks in the lifecycle's order (the order, then
the undated product or the performance), then re-checks availability under the lock:
- on PostgreSQL, `SELECT … FOR UPDATE` on the performance serialises the buyers of that
  performance only (the buyers of another performance do not wait);
- on SQLite, BEGIN IMMEDIATE (the product's database settings) serialises writers;
- whatever the caller checked, the partial unique constraint on SeatReservation (a seat is HELD
  or SOLD once per performance) is the last guard: a violation is answered as "sold out".

Held places count as taken until they expire (the rule of `availability.py`); expired holds
are released here under the same lock, and by the expiry task.
"""

from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ticketshop.catalogue.models import Price, SeatAssignment
from ticketshop.catalogue.offer import is_bookable
from ticketshop.sales.lifecycle import (
    BookingError,
    NotEnoughPlaces,
    live_cart,
    lock_places,
    lock_places_of,
)
from ticketshop.sales.models import OrderLine, SeatReservation
from ticketshop.sales.places import quota_taken, release_expired_of

MAX_PLACES_PER_HOLD = 10


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
    if not is_bookable(product) or not is_undated(product):
        raise BookingError(_("This product is not on sale."))
    prices = prices_for(None, None, product=product)
    if any(tariff_id not in prices for tariff_id in quantities):
        raise BookingError(_("This tariff is not sold for this product."))
    with transaction.atomic():
        order = live_cart(order.pk, now)
        lock_places(product_ids=[product.pk])
        release_expired_of([], now, product_ids=[product.pk])
        if product.quota - quota_taken(None, now, product=product) < count:
            raise NotEnoughPlaces(_("Not enough seats are left for this product."))
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
    if not is_bookable(performance):
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
            order = live_cart(order.pk, now)
            lock_places(performance_ids=[performance.pk])
            release_expired_of([performance.pk], now)
            if unseated:
                remaining = performance.product.quota - quota_taken(performance, now)
                if remaining < count:
                    raise NotEnoughPlaces(_("Not enough seats are left for this performance."))
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


def remove_line(order, line_id, now=None):
    """Give back one place of a live cart (never of a cart being paid: it is frozen). False
    when the line is not in this live cart."""
    now = now or timezone.now()
    with transaction.atomic():
        try:
            order = live_cart(order.pk, now)
        except BookingError:
            return False
        line = order.lines.filter(pk=line_id).first()
        if line is None:
            return False
        lock_places_of([line])
        SeatReservation.objects.filter(
            pk=line.reservation_id, status=SeatReservation.Status.HELD
        ).update(status=SeatReservation.Status.RELEASED, updated_at=now)
        line.delete()
    return True
