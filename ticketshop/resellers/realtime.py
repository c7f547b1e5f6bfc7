# Over 400 lines: one protocol (hold, confirm, release, cancel, status) whose lock order and idempotence read best in one place; parsing and answers sit beside it.
"""Real-time resellers (R9: Digitick, ClassicTic): they sell our seats at their counter or on
their site, drawing on their contingent, through the JSON API of `ticketshop/api/realtime_views`.

- What a reseller sees: the contingents of its interface whose product family it may sell, on
  performances still on sale; in each, the places left per seat category and the prices of the
  tariffs it has a mapping for (its customer categories).
- **Hold**: a basket of places of its contingent (the best of a category, or chosen seats),
  for `RESELLERS["REALTIME_BASKET_MINUTES"]` (10). The places stay what they are in the booking
  core — reservations of the contingent, HELD without expiry — and are given to the basket
  under the performance's lock (THE lock order of `sales/lifecycle.py`, step 4), after which
  no other basket may take them until it expires. An expired basket gives its places back to
  the contingent by expiring; the task `expire_baskets` records it.
- **Confirm**: under the basket's row lock (taken first: the basket is this path's "order"),
  then the performance's, the places become one paid order on the waiting account through the
  core (new cart → lines on the contingent's reservations → start_payment → confirm_order), as
  the batch integration does; tickets get barcodes and the beneficiaries' names (never contact
  data). Idempotent: the basket already confirmed, or a sale reference already used by this
  reseller (a unique constraint decides, even for two confirms at the same moment), answer the
  one order there is.
- **Cancel**: tickets of a sale go through the core's `cancel_paid_order` (per ticket); their
  places return to the reseller's contingent (the reseller may sell them again; the box office
  takes them back from the contingent like any other contingent place).
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ticketshop.catalogue.models import Price, SeatCategory
from ticketshop.catalogue.offer import is_bookable
from ticketshop.resellers import conf
from ticketshop.resellers.mappings import Mapper, MappingError
from ticketshop.resellers.models import (
    Basket,
    BasketPlace,
    Contingent,
    ContingentSeat,
    Mapping,
    ResellerInterface,
)
from ticketshop.sales.holds import _choose_seats
from ticketshop.sales.lifecycle import (
    BookingError,
    HoldsLost,
    cancel_paid_order,
    confirm_order,
    lock_places,
    new_cart,
    start_payment,
)
from ticketshop.sales.models import OrderLine, SeatReservation

S = ContingentSeat.State
B = Basket.State
K = Mapping.Kind
AVAILABLE = (S.TO_EXPORT, S.EXPORTED)  # a real-time contingent's places are never exported
CENT = Decimal("0.01")


class RealtimeError(Exception):
    """A refusal with a stable code, a readable (translated) message and an HTTP status."""

    def __init__(self, code, message, status=409):
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.status = status


def bad_request(message):
    return RealtimeError("BAD_REQUEST", message, 400)


def interface_of(account):
    """The active real-time interface linked to this API account, or None."""
    return (
        ResellerInterface.objects.select_related(
            "point_of_sales__channel__organisation", "waiting_contact"
        )
        .filter(
            api_account=account,
            kind__in=ResellerInterface.REALTIME_KINDS,
            status=ResellerInterface.Status.ACTIVE,
        )
        .first()
    )


# --- what the reseller may sell ------------------------------------------------------------


def visible_contingents(interface, now=None):
    """Its contingents on performances to come, of families it may sell."""
    now = now or timezone.now()
    return (
        Contingent.objects.filter(
            interface=interface,
            performance__start__gt=now,
            performance__product__family__in=interface.families(),
        )
        .select_related("performance__product__season", "performance__product__price_grid")
        .order_by("performance__start", "pk")
    )


def contingent_for(interface, performance_id):
    """The reseller's contingent on this performance, or UNKNOWN_PERFORMANCE (404): another
    reseller's performance, or one it may not sell, is not known to it."""
    try:
        performance_id = int(performance_id)
    except (TypeError, ValueError) as exc:
        raise bad_request(_("performance must be a performance id.")) from exc
    contingent = visible_contingents(interface).filter(performance_id=performance_id).first()
    if contingent is None:
        raise RealtimeError(
            "UNKNOWN_PERFORMANCE",
            _("Unknown performance %(id)s: it is not in your contingents.")
            % {"id": performance_id},
            404,
        )
    return contingent


def busy_places(now):
    """Contingent places in a live basket."""
    return BasketPlace.objects.filter(basket__state=B.HELD, basket__expires_at__gt=now).values(
        "contingent_seat_id"
    )


def free_places(contingent, now):
    return contingent.seats.filter(
        state__in=AVAILABLE, reservation__status=SeatReservation.Status.HELD
    ).exclude(pk__in=busy_places(now))


def _tariff_rows(interface, season):
    """[(our tariff id, the reseller's customer category ids)] of its tariff mappings."""
    mapper = Mapper(interface)
    rows = {}
    for row in mapper._rows(K.TARIFF, season.pk if season else None):
        if row.object_id is not None and row.object_id not in rows:
            rows[row.object_id] = row.external_ids()
    return mapper, rows


def describe_performance(contingent, now=None):
    now = now or timezone.now()
    performance = contingent.performance
    product = performance.product
    interface = contingent.interface
    left = dict(
        free_places(contingent, now)
        .values("seat_category_id")
        .annotate(n=Count("pk"))
        .values_list("seat_category_id", "n")
    )
    categories = SeatCategory.objects.in_bulk([k for k in left if k is not None])
    mapper, tariffs = _tariff_rows(interface, product.season)
    prices = Price.objects.filter(grid_id=product.price_grid_id, tariff_id__in=list(tariffs))
    by_category = {}
    for price in prices.select_related("tariff").order_by("tariff_id"):
        by_category.setdefault(price.seat_category_id, []).append(price)
    answer = []
    for category_id, remaining in sorted(left.items(), key=lambda kv: (kv[0] is None, kv[0])):
        category = categories.get(category_id)
        answer.append(
            {
                "category": category_id,
                "code": category.code if category else None,
                "name": category.name() if category else str(_("Unnumbered places")),
                "externalId": (
                    mapper.all_external(K.SEAT_CATEGORY, category_id, product.season) or [None]
                )[0],
                "remaining": remaining,
                "prices": [
                    {
                        "tariff": price.tariff_id,
                        "tariffCode": price.tariff.code,
                        "customerCategories": tariffs[price.tariff_id],
                        "amount": str(price.amount),
                    }
                    for price in by_category.get(category_id, [])
                ],
            }
        )
    return {
        "performance": performance.pk,
        "product": product.code,
        "name": product.name(),
        "start": performance.start.isoformat(),
        "onSale": is_bookable(performance),
        "numbered": product.quota is None,
        "currency": interface.point_of_sales.channel.organisation.currency,
        "categories": answer,
    }


def list_performances(interface):
    now = timezone.now()
    return [describe_performance(c, now) for c in visible_contingents(interface, now)]


# --- holding -------------------------------------------------------------------------------


def _decimal(value, name):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise bad_request(_('%(name)s must be an amount such as "25.00".') % {"name": name})
    try:
        amount = Decimal(str(value)).quantize(CENT, ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise bad_request(
            _('%(name)s must be an amount such as "25.00".') % {"name": name}
        ) from exc
    if amount < 0 or not amount.is_finite():
        raise bad_request(_('%(name)s must be an amount such as "25.00".') % {"name": name})
    return amount


def _int(value, name):
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad_request(_("%(name)s must be a whole number.") % {"name": name})
    return value


def parse_hold(data):
    """(performance id, category id or None, seat ids or None, [(customer category, quantity,
    reseller price or None)]) of a hold request, or BAD_REQUEST."""
    performance_id = _int(data.get("performance"), "performance")
    category = data.get("category")
    category = None if category is None else _int(category, "category")
    seats = data.get("seats")
    if seats is not None:
        if not isinstance(seats, list) or not seats:
            raise bad_request(_("seats must be a non-empty list of seat ids."))
        seats = [_int(s, "seats") for s in seats]
        if len(set(seats)) != len(seats):
            raise bad_request(_("seats must not repeat a seat."))
    tickets = data.get("tickets")
    if not isinstance(tickets, list) or not tickets:
        raise bad_request(
            _("tickets must be a non-empty list of {customerCategory, quantity, price}.")
        )
    parsed = []
    for ticket in tickets:
        if not isinstance(ticket, dict):
            raise bad_request(_("Each ticket is an object {customerCategory, quantity, price}."))
        customer = ticket.get("customerCategory")
        if isinstance(customer, int) and not isinstance(customer, bool):
            customer = str(customer)
        if not isinstance(customer, str) or not customer.strip():
            raise bad_request(_("customerCategory is your customer category id."))
        quantity = _int(ticket.get("quantity", 1), "quantity")
        if quantity < 1:
            raise bad_request(_("quantity must be at least 1."))
        parsed.append((customer.strip(), quantity, _decimal(ticket.get("price"), "price")))
    count = sum(q for _c, q, _p in parsed)
    maximum = conf.get("REALTIME_MAX_PLACES")
    if count > maximum:
        raise bad_request(_("At most %(max)d places in one basket.") % {"max": maximum})
    if seats is not None and len(seats) != count:
        raise bad_request(_("Give as many seats as tickets."))
    return performance_id, category, seats, parsed


def apply_price_policy(interface, reseller_price, ours):
    """The ticket's price under the interface's policy (R3), or PRICE_REFUSED."""
    P = ResellerInterface.PricePolicy
    if reseller_price is None:
        reseller_price = ours
    if interface.price_policy == P.ERROR:
        if reseller_price != ours:
            raise RealtimeError(
                "PRICE_REFUSED",
                _(
                    "Your price %(theirs)s differs from ours %(ours)s: refused by the price "
                    "policy of your interface."
                )
                % {"theirs": reseller_price, "ours": ours},
            )
        return ours, reseller_price
    if interface.price_policy == P.COMMISSION:
        rate = interface.commission_percent / Decimal(100)
        return (reseller_price * (1 - rate)).quantize(CENT, ROUND_HALF_UP), reseller_price
    return reseller_price, reseller_price


def hold(interface, data):
    """A new basket of the reseller's places (the hold request's `data`), or RealtimeError."""
    performance_id, category_id, seat_ids, tickets = parse_hold(data)
    contingent = contingent_for(interface, performance_id)
    performance = contingent.performance
    if not is_bookable(performance):
        raise RealtimeError("NOT_ON_SALE", _("This performance is not on sale."))
    season = performance.product.season
    mapper = Mapper(interface)
    wanted = []  # (tariff id, customer category, reseller price), one per place
    for customer, quantity, price in tickets:
        try:
            tariff_id = mapper.ours(K.TARIFF, customer, season)
        except MappingError as exc:
            raise RealtimeError(
                "UNKNOWN_TARIFF",
                _("Unknown customer category “%(id)s”: no tariff of ours is mapped to it.")
                % {"id": customer},
                400,
            ) from exc
        wanted += [(tariff_id, customer, price)] * quantity
    count = len(wanted)
    with transaction.atomic():
        lock_places(performance_ids=[performance.pk])
        now = timezone.now()  # read under the lock: the same moment for every decision
        free = free_places(contingent, now).select_related("seat")
        if seat_ids is not None:
            mine = set(
                contingent.seats.filter(seat_id__in=seat_ids, state__in=AVAILABLE).values_list(
                    "seat_id", flat=True
                )
            )
            if mine != set(seat_ids):
                raise RealtimeError(
                    "NOT_IN_CONTINGENT",
                    _("Seats %(seats)s are not in your contingent.")
                    % {"seats": ", ".join(str(s) for s in sorted(set(seat_ids) - mine))},
                )
            places = list(free.filter(seat_id__in=seat_ids))
            if len(places) != count:
                raise RealtimeError(
                    "NOT_ENOUGH_PLACES", _("Some of these seats are held or sold already.")
                )
        else:
            if category_id is None and free.filter(seat_category__isnull=False).exists():
                raise bad_request(_("Give the seat category (category) or the seats."))
            of_category = contingent.seats.filter(seat_category_id=category_id)
            if not of_category.exists():
                raise RealtimeError(
                    "NOT_IN_CONTINGENT",
                    _("Your contingent has no place in the seat category %(id)s.")
                    % {"id": category_id},
                )
            candidates = list(
                free.filter(seat_category_id=category_id).order_by(
                    "seat__block_id", "seat__row", "seat__number", "pk"
                )
            )
            if len(candidates) < count:
                raise RealtimeError(
                    "NOT_ENOUGH_PLACES",
                    _("Only %(n)d places are left in your contingent in this category.")
                    % {"n": len(candidates)},
                )
            if candidates[0].seat_id is None:
                places = candidates[:count]
            else:
                by_seat = {c.seat_id: c for c in candidates}
                rows = [(c.seat.block_id, c.seat.row, c.seat.number, c.seat_id) for c in candidates]
                places = [by_seat[s] for s in _choose_seats(rows, count)]
        ours = {
            (p.seat_category_id, p.tariff_id): p.amount
            for p in Price.objects.filter(
                grid_id=performance.product.price_grid_id,
                tariff_id__in={t for t, _c, _p in wanted},
            )
        }
        basket = Basket.objects.create(
            interface=interface,
            contingent=contingent,
            expires_at=now + dt.timedelta(minutes=conf.get("REALTIME_BASKET_MINUTES")),
        )
        rows = []
        for place, (tariff_id, customer, reseller_price) in zip(places, wanted, strict=True):
            amount = ours.get((place.seat_category_id, tariff_id))
            if amount is None:
                raise RealtimeError(
                    "UNKNOWN_TARIFF",
                    _("The customer category “%(id)s” is not sold in this seat category.")
                    % {"id": customer},
                    400,
                )
            price, theirs = apply_price_policy(interface, reseller_price, amount)
            rows.append(
                BasketPlace(
                    basket=basket,
                    contingent_seat=place,
                    tariff_id=tariff_id,
                    customer_category=customer,
                    price=price,
                    reseller_price=theirs,
                )
            )
        BasketPlace.objects.bulk_create(rows)
    return basket


# --- confirming ----------------------------------------------------------------------------


def basket_of(interface, basket_id, lock=False):
    try:
        basket_id = int(basket_id)
    except (TypeError, ValueError):
        basket_id = None
    qs = Basket.objects.filter(interface=interface, pk=basket_id)
    if lock:
        qs = qs.select_for_update(of=("self",))
    basket = qs.first()
    if basket is None:
        raise RealtimeError("NOT_FOUND", _("Unknown basket."), 404)
    return basket


def parse_confirm(data, count):
    reference = data.get("saleReference")
    if not isinstance(reference, str) or not reference.strip() or len(reference.strip()) > 100:
        raise bad_request(_("saleReference is your sale's reference (1 to 100 characters)."))
    names = data.get("beneficiaries")
    if not isinstance(names, list) or len(names) != count:
        raise bad_request(_("beneficiaries must list one name per place (%(n)d).") % {"n": count})
    clean = []
    for name in names:
        if isinstance(name, dict):
            name = f"{name.get('firstName') or ''} {name.get('lastName') or ''}"
        if not isinstance(name, str) or not name.strip() or len(name.strip()) > 220:
            raise bad_request(_("Each beneficiary is a name (a string, or firstName/lastName)."))
        clean.append(" ".join(name.split()))
    return reference.strip(), clean


def _live(basket, now):
    if basket.state == B.HELD and basket.expires_at <= now:
        return False
    return basket.state == B.HELD


def _refuse_not_held(basket, now):
    if basket.state == B.RELEASED:
        raise RealtimeError("BASKET_RELEASED", _("This basket was released: nothing was sold."))
    raise RealtimeError(
        "BASKET_EXPIRED",
        _("This basket expired at %(at)s: its places went back to your contingent.")
        % {"at": basket.expires_at.isoformat()},
    )


def confirm(interface, basket_id, data):
    """The basket's one paid order (and whether it was created now), or RealtimeError."""
    basket = basket_of(interface, basket_id)
    reference, names = parse_confirm(data, basket.places.count())
    if basket.state == B.CONFIRMED:
        return basket, False
    existing = Basket.objects.filter(interface=interface, sale_reference=reference).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return _confirm(interface, basket.pk, reference, names)
    except IntegrityError:  # the same sale reference confirmed meanwhile: the constraint's word
        existing = Basket.objects.filter(interface=interface, sale_reference=reference).first()
        if existing is None:
            raise
        return existing, False


def _confirm(interface, basket_id, reference, names):
    basket = basket_of(interface, basket_id, lock=True)  # 1. this path's "order": the basket
    if basket.state == B.CONFIRMED:  # confirmed meanwhile (the lock waited for it)
        return basket, False
    contingent = basket.contingent
    performance = contingent.performance
    contact = interface.waiting_contact
    cart = new_cart(interface.point_of_sales, contact=contact)  # a new row: nobody waits on it
    lock_places(performance_ids=[performance.pk])  # 4. the performance
    now = timezone.now()
    if not _live(basket, now):
        _refuse_not_held(basket, now)
    places = list(basket.places.select_related("contingent_seat"))
    if any(p.contingent_seat.state not in AVAILABLE for p in places):
        raise RealtimeError(
            "PLACES_LOST", _("Places of this basket were taken back by the box office.")
        )
    lines = OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=cart,
                reservation_id=p.contingent_seat.reservation_id,
                product=performance.product,
                performance=performance,
                seat_category_id=p.contingent_seat.seat_category_id,
                tariff_id=p.tariff_id,
                price=p.price,
            )
            for p in places
        ]
    )
    try:
        start_payment(cart.pk, contact, now)
        confirm_order(cart.pk, now)
    except HoldsLost as exc:
        raise RealtimeError("PLACES_LOST", exc.message) from exc
    sold = {line.pk: line for line in OrderLine.objects.filter(order=cart)}
    for place, line, name in zip(places, lines, names, strict=True):
        ticket = sold[line.pk]
        ticket.holder = None  # the beneficiary's name only, never contact data (R6)
        ticket.holder_name = name
        place.line = ticket
    OrderLine.objects.bulk_update(list(sold.values()), ["holder", "holder_name"])
    BasketPlace.objects.bulk_update(places, ["line"])
    ContingentSeat.objects.filter(pk__in=[p.contingent_seat_id for p in places]).update(
        state=S.SOLD
    )
    basket.state = B.CONFIRMED
    basket.order = cart
    basket.sale_reference = reference
    basket.confirmed_at = now
    basket.save(update_fields=["state", "order", "sale_reference", "confirmed_at"])
    return basket, True


def release_basket(interface, basket_id):
    """The reseller gives a held basket back before confirming: its places are free again."""
    with transaction.atomic():
        basket = basket_of(interface, basket_id, lock=True)
        if basket.state == B.CONFIRMED:
            raise RealtimeError(
                "BASKET_CONFIRMED",
                _("This basket is sold: cancel its tickets through its sale instead."),
            )
        if basket.state == B.HELD:
            basket.state = B.RELEASED if basket.expires_at > timezone.now() else B.EXPIRED
            basket.save(update_fields=["state"])
    return basket


def expire_baskets(now=None):
    """The task: held baskets past their expiry are recorded EXPIRED (their places are free for
    the reseller's next holds from the moment they expired). Returns how many."""
    now = now or timezone.now()
    return Basket.objects.filter(state=B.HELD, expires_at__lte=now).update(state=B.EXPIRED)


# --- sales: status and cancellation --------------------------------------------------------


def sale_of(interface, reference, lock=False):
    qs = Basket.objects.filter(interface=interface, sale_reference=reference, state=B.CONFIRMED)
    if lock:
        qs = qs.select_for_update(of=("self",))
    basket = qs.first()
    if basket is None:
        raise RealtimeError("NOT_FOUND", _("Unknown sale reference."), 404)
    return basket


def cancel(interface, reference, data):
    """Cancel and refund tickets of a sale (all, or the barcodes in `tickets`) through the
    booking core; their places go back to the reseller's contingent. Cancelling a cancelled
    ticket again changes nothing. Returns (basket, amount refunded now)."""
    barcodes = data.get("tickets")
    if barcodes is not None and (
        not isinstance(barcodes, list)
        or not barcodes
        or any(not isinstance(b, str) for b in barcodes)
    ):
        raise bad_request(_("tickets must be a non-empty list of barcodes."))
    with transaction.atomic():
        basket = sale_of(interface, reference, lock=True)  # 1. the basket, then the order…
        places = list(
            basket.places.select_related("line", "contingent_seat__reservation").order_by("pk")
        )
        if barcodes is not None:
            known = {p.line.barcode for p in places}
            unknown = sorted(set(barcodes) - known)
            if unknown:
                raise RealtimeError(
                    "NOT_FOUND",
                    _("Tickets %(barcodes)s are not of this sale.")
                    % {"barcodes": ", ".join(unknown)},
                    404,
                )
            places = [p for p in places if p.line.barcode in set(barcodes)]
        todo = [p for p in places if p.line.cancelled_at is None]
        if not todo:
            return basket, Decimal("0.00")
        now = timezone.now()
        try:
            amount = cancel_paid_order(basket.order_id, [p.line_id for p in todo], now=now)
        except BookingError as exc:
            raise RealtimeError("NOT_CANCELLABLE", exc.message) from exc
        for place in todo:  # back to the contingent, under the performance lock held above
            old = place.contingent_seat
            reservation = SeatReservation.objects.create(
                performance_id=old.reservation.performance_id,
                seat_id=old.seat_id,
                expires_at=None,
            )
            ContingentSeat.objects.filter(pk=old.pk).update(state=S.SALE_CANCELLED)
            ContingentSeat.objects.create(
                contingent_id=old.contingent_id,
                reservation=reservation,
                seat_id=old.seat_id,
                seat_category_id=old.seat_category_id,
                state=S.TO_EXPORT,
            )
    return basket, amount


# --- answers -------------------------------------------------------------------------------


def basket_answer(basket, now=None):
    now = now or timezone.now()
    state = basket.state
    if state == B.HELD and basket.expires_at <= now:
        state = B.EXPIRED
    places = list(
        basket.places.select_related("contingent_seat__seat__block", "line", "tariff").order_by(
            "pk"
        )
    )
    order = basket.order
    answer = {
        "basket": basket.pk,
        "state": str(state),
        "performance": basket.contingent.performance_id,
        "expiresAt": basket.expires_at.isoformat(),
        "saleReference": basket.sale_reference,
        "total": str(sum((p.price for p in places), Decimal("0.00"))),
        "order": None,
        "places": [],
    }
    if order is not None:
        order.refresh_from_db(fields=["status", "paid_at"])
        answer["order"] = {
            "id": order.pk,
            "status": order.status,
            "paidAt": order.paid_at.isoformat() if order.paid_at else None,
        }
    for place in places:
        seat = place.contingent_seat.seat
        line = place.line
        answer["places"].append(
            {
                "seat": (
                    {
                        "id": seat.pk,
                        "block": seat.block.code,
                        "row": seat.row,
                        "number": seat.number,
                    }
                    if seat
                    else None
                ),
                "category": place.contingent_seat.seat_category_id,
                "tariff": place.tariff_id,
                "customerCategory": place.customer_category,
                "price": str(place.price),
                "resellerPrice": None
                if place.reseller_price is None
                else str(place.reseller_price),
                "ticket": (
                    {
                        "barcode": line.barcode,
                        "holder": line.holder_name,
                        "state": "CANCELLED" if line.cancelled_at else "VALID",
                    }
                    if line
                    else None
                ),
            }
        )
    return answer


def performance_of(interface, performance_id):
    return describe_performance(contingent_for(interface, performance_id))
