"""The order lifecycle (B1, B3): one state machine, every transition under the order's lock.

    CART ──► PAYING ──► PAID ──► PARTLY_REFUNDED ──► REFUNDED
     ▲  │      │ │        │                             ▲
     └──┼──────┘ │        └─────────────────────────────┘
        ▼        ▼
    EXPIRED / CANCELLED  (EXPIRED ──► PAID: a card payment that succeeded late, seats still free)

THE LOCK ORDER — every path (shop, box office, resellers, payments, the expiry task) takes its
row locks in this order and no other, so two transactions never wait for each other in a cycle:

    1. the order(s)            `lock_order` / `lock_expired_orders` (by id, `of=("self",)`: never
                               the shared point-of-sales row)
    2. the order's payments, gift vouchers, credit accounts   (the payments layer, by reference)
    3. undated products (their quota), by id                  `lock_places`
    4. performances, by id                                    `lock_places`
    5. seat reservations: written only once 3 and 4 are held

Only what becomes less available is locked: buyers of two performances never queue on one row.
On SQLite, `select_for_update` is a no-op: the product's settings open every transaction with
BEGIN IMMEDIATE, so writers are serialised by the database itself.
"""

import datetime as dt
import secrets

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ticketshop.catalogue.models import Performance, Product
from ticketshop.sales.models import Order, OrderLine, OrderMessage, SeatReservation
from ticketshop.sales.places import free_for
from ticketshop.sales.signals import order_refunded, orders_ended

S = Order.Status
TRANSITIONS = {
    S.CART: {S.PAYING, S.EXPIRED, S.CANCELLED},
    S.PAYING: {S.CART, S.PAID, S.EXPIRED, S.CANCELLED},
    S.EXPIRED: {S.PAID},
    S.CANCELLED: set(),
    S.PAID: {S.REFUNDED, S.PARTLY_REFUNDED},
    S.PARTLY_REFUNDED: {S.REFUNDED, S.PARTLY_REFUNDED},
    S.REFUNDED: set(),
}
UNPAID = (S.CART, S.PAYING)
SOLD_STATES = (S.PAID, S.PARTLY_REFUNDED)
PAYMENT_GRACE_MINUTES = 15  # a cart being paid is kept this long after the payment starts
EXPIRY_BATCH = 500


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


class InvalidTransition(BookingError):
    pass


# --- locks, in THE order -------------------------------------------------------------------


def lock_order(order_id):
    """1. The order row, and only it (`of=self`), for the rest of the transaction."""
    return (
        Order.objects.select_for_update(of=("self",))
        .select_related("point_of_sales__channel", "contact")  # read, not locked
        .get(pk=order_id)
    )


def _lock_rows(model, ids):
    ids = sorted(set(ids))
    if not ids:
        return
    if connection.features.has_select_for_update:
        list(model.objects.select_for_update().filter(id__in=ids).order_by("id").values_list("id"))
    else:  # SQLite: a write takes the database's write lock (already held in IMMEDIATE mode)
        model.objects.filter(id__in=ids).update(updated_at=F("updated_at"))


def lock_places(product_ids=(), performance_ids=()):
    """3 and 4: undated products, then performances, each by id."""
    _lock_rows(Product, product_ids)
    _lock_rows(Performance, performance_ids)


def lock_places_of(lines):
    lock_places(
        [line.product_id for line in lines if line.performance_id is None],
        [line.performance_id for line in lines if line.performance_id],
    )


def transition(order, to, **fields):
    """Move the locked `order` to `to`, or InvalidTransition (nothing changed)."""
    if to not in TRANSITIONS[order.status]:
        raise InvalidTransition(
            _("This order cannot go from %(old)s to %(new)s.") % {"old": order.status, "new": to}
        )
    order.status = to
    for name, value in fields.items():
        setattr(order, name, value)
    order.save(update_fields=["status", *fields])
    return order


def queue_message(order, kind, amount=None):
    """An email the order owes its buyer, in the outbox (same transaction: never lost), sent
    by a django-q2 task queued on commit — not in the buyer's request (B2: rendering and
    sending the email was a fifth of a checkout's CPU). If queueing fails, the minute task
    (tasks.release_expired_holds → tickets.send_pending) sends it; `send_message` sends each
    message once whoever gets to it first. An order without a buyer (a box-office sale to
    nobody in particular) owes no email."""
    if order.contact_id is None:
        return None
    message = OrderMessage.objects.create(order=order, kind=kind, amount=amount)
    # robust: a broker or mail server down must not turn a committed sale into a 500 page (X5,
    # seen under load in grown-up mode); the message stays in the outbox for the minute task.
    transaction.on_commit(lambda: _enqueue(message.pk), robust=True)
    return message


SEND_TASK = "ticketshop.sales.tickets.send_message"


def _enqueue(message_id):
    from django_q.conf import Conf
    from django_q.tasks import async_task

    if Conf.SYNC:  # synchronous django-q (the tests): sent here and now, as a worker would
        from ticketshop.sales.tickets import send_message

        send_message(message_id)
        return
    async_task(SEND_TASK, message_id, task_name=f"order-message-{message_id}")


# --- carts -----------------------------------------------------------------------------------


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
        and order.status == S.CART
        and (order.expires_at is None or order.expires_at > now)
    )


def live_cart(order_id, now=None):
    """Lock the order; CartExpired unless it is a live CART (frozen while PAYING)."""
    order = lock_order(order_id)
    if not is_live_cart(order, now):
        raise CartExpired(_("Your cart has expired. Please choose your tickets again."))
    return order


def _release_reservations(order_ids, now):
    """Held places of these (locked) orders return to sale: places, then reservations."""
    held = SeatReservation.objects.filter(
        line__order_id__in=order_ids, status=SeatReservation.Status.HELD
    )
    pairs = list(held.values_list("product_id", "performance_id"))
    lock_places([p for p, perf in pairs if perf is None], [perf for _p, perf in pairs if perf])
    return held.update(status=SeatReservation.Status.RELEASED, updated_at=now)


def cancel_cart(order_id, now=None):
    """The visitor empties an unpaid cart: its holds return to sale (once). False otherwise."""
    now = now or timezone.now()
    with transaction.atomic():
        order = lock_order(order_id)
        if order.status not in UNPAID:
            return False
        orders_ended.send(Order, order_ids=[order.pk], status=S.CANCELLED)
        _release_reservations([order.pk], now)
        transition(order, S.CANCELLED)
    return True


def lock_expired_orders(now, limit=EXPIRY_BATCH):
    """1. Expired unpaid orders, by id; rows another transaction holds (a payment being
    recorded) are skipped: the next run sees them again, with their new status."""
    qs = Order.objects.filter(status__in=UNPAID, expires_at__lte=now).order_by("pk")
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return list(qs.values_list("pk", flat=True)[:limit])


def release_expired(now=None, batch=EXPIRY_BATCH):
    """The task: expired carts end, their held places return to sale. Returns places freed."""
    now = now or timezone.now()
    freed = 0
    while True:
        with transaction.atomic():
            order_ids = lock_expired_orders(now, batch)
            if not order_ids:
                return freed
            orders_ended.send(Order, order_ids=order_ids, status=S.EXPIRED)
            freed += _release_reservations(order_ids, now)
            Order.objects.filter(pk__in=order_ids, status__in=UNPAID).update(status=S.EXPIRED)
        if len(order_ids) < batch:
            return freed


def start_payment(order_id, contact, now=None):
    """CART → PAYING (to be called under the order's lock, by the payments layer): the cart is
    frozen, becomes `contact`'s and is kept a little longer."""
    now = now or timezone.now()
    with transaction.atomic():
        order = live_cart(order_id, now)
        expires = max(order.expires_at, now + dt.timedelta(minutes=PAYMENT_GRACE_MINUTES))
        held = SeatReservation.objects.filter(
            line__order=order, status=SeatReservation.Status.HELD
        ).update(expires_at=expires)
        if not held and not order.lines.exists():  # (rolled back with the transaction)
            raise BookingError(_("Your cart is empty."))
        return transition(order, S.PAYING, contact=contact, expires_at=expires)


def keep_holds(lines, expires):
    """The held places of `lines` (of a locked order going to PAYING) are kept until `expires`."""
    return SeatReservation.objects.filter(
        pk__in=[line.reservation_id for line in lines], status=SeatReservation.Status.HELD
    ).update(expires_at=expires)


def back_to_cart(order_id):
    """PAYING → CART: a payment refused or abandoned, the cart is the visitor's again."""
    with transaction.atomic():
        order = lock_order(order_id)
        if order.status != S.PAYING:
            return False
        transition(order, S.CART)
    return True


# --- selling -----------------------------------------------------------------------------------


def new_barcode():
    return "".join(str(secrets.randbelow(10)) for _i in range(20))


def _retake_released(order, lines, now):
    """A late payment: the released places of `lines`, if nobody took them meanwhile."""
    released = [
        line for line in lines if line.reservation.status == SeatReservation.Status.RELEASED
    ]
    if not released:
        return True
    if not free_for(released, now):
        return False
    try:
        with transaction.atomic():
            SeatReservation.objects.filter(
                pk__in=[line.reservation_id for line in released],
                status=SeatReservation.Status.RELEASED,
            ).update(status=SeatReservation.Status.HELD, expires_at=None, updated_at=now)
    except IntegrityError:  # the constraint, last guard: a seat is taken again
        return False
    return True


def confirm_order(order_id, now=None):
    """PAYING (or EXPIRED, for a payment that arrived late) → PAID: the places are sold once,
    tickets get barcodes, the confirmation is queued. HoldsLost (nothing sold) when a place is
    gone; a second confirmation of a paid order changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        order = lock_order(order_id)
        if order.status in SOLD_STATES:
            return order
        if S.PAID not in TRANSITIONS[order.status]:
            raise HoldsLost(_("Your cart has expired: nothing was sold."))
        return confirm_locked(order, order_lines(order), now)


def order_lines(order):
    """The lines of the (locked) `order` as `confirm_locked` reads them."""
    return list(order.lines.select_related("holder", "reservation"))


def confirm_locked(order, lines, now):
    """The body of `confirm_order`, for a caller that holds the order's lock in its transaction
    and read its `lines` (`order_lines`) under it: the payments layer, which has just moved the
    order to PAYING (no second lock of the same row, no second read of the same lines)."""
    if not lines:
        raise BookingError(_("Your cart is empty."))
    lock_places_of(lines)
    if not _retake_released(order, lines, now):
        raise HoldsLost(_("Some of your seats were taken meanwhile: nothing was sold."))
    sold = SeatReservation.objects.filter(
        pk__in=[line.reservation_id for line in lines], status=SeatReservation.Status.HELD
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
    transition(order, S.PAID, paid_at=now)
    queue_message(order, OrderMessage.Kind.CONFIRMATION)
    return order


def cancel_paid_order(order_id, line_ids=None, now=None):
    """Cancel tickets of a paid order (all of them when `line_ids` is None), as the box office
    and the resellers' cancellation do: the places return to sale, the tickets are no longer
    valid, the order becomes REFUNDED or PARTLY_REFUNDED, and their amount is paid back (the
    payments layer, inside this transaction), and the buyer is told. Returns the amount."""
    now = now or timezone.now()
    with transaction.atomic():
        order = lock_order(order_id)
        if order.status not in SOLD_STATES:
            raise InvalidTransition(_("Only a paid order can be cancelled and refunded."))
        live = order.lines.filter(cancelled_at__isnull=True).select_related("reservation")
        lines = [line for line in live if line_ids is None or line.pk in set(line_ids)]
        if not lines or (line_ids is not None and len(lines) != len(set(line_ids))):
            raise BookingError(_("Choose tickets of this order that are still valid."))
        lock_places_of(lines)
        SeatReservation.objects.filter(
            pk__in=[line.reservation_id for line in lines], status=SeatReservation.Status.SOLD
        ).update(status=SeatReservation.Status.RELEASED, updated_at=now)
        OrderLine.objects.filter(pk__in=[line.pk for line in lines]).update(cancelled_at=now)
        amount = sum((line.price for line in lines), start=0)
        remaining = len(live) - len(lines)
        transition(order, S.PARTLY_REFUNDED if remaining else S.REFUNDED)
        order_refunded.send(Order, order=order, amount=amount, lines=lines)
        queue_message(order, OrderMessage.Kind.REFUND, amount)
    return amount


def live_tickets():
    """Tickets that are valid: of a paid order and not cancelled."""
    return OrderLine.objects.filter(
        order__status__in=SOLD_STATES, barcode__isnull=False, cancelled_at__isnull=True
    )
