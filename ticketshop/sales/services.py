"""The booking service (B1, B2, B3) every channel calls: the web shop, the box office and the
resellers. The order lifecycle and THE lock order are in `lifecycle.py`; holding places in
`holds.py`; this module is their one public face, plus ticket holders and the paid tickets.
"""

from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ticketshop.contacts.services import usable_links
from ticketshop.sales.holds import (  # noqa: F401 — the service's public face
    MAX_PLACES_PER_HOLD,
    hold_places,
    hold_undated_places,
    is_undated,
    is_unseated,
    prices_for,
    remove_line,
)
from ticketshop.sales.lifecycle import (  # noqa: F401 — the service's public face
    PAYMENT_GRACE_MINUTES,
    SOLD_STATES,
    BookingError,
    CartExpired,
    HoldsLost,
    InvalidTransition,
    NotEnoughPlaces,
    back_to_cart,
    cancel_cart,
    cancel_paid_order,
    confirm_order,
    is_live_cart,
    live_tickets,
    lock_order,
    new_barcode,
    new_cart,
    release_expired,
    start_payment,
)
from ticketshop.sales.models import Order, OrderLine

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


def set_holders(order, contact, holders, point_of_sales):
    """At checkout, under the order's lock: {line id: contact id} for the lines of `order`, all
    checked against the possible holders at once (one query), only the changed lines written (one
    query). The buyer on a line without a holder needs no write: the buyer holds what nobody
    else does (confirm_order)."""
    lines = {line.pk: line for line in order.lines.all()}
    allowed = None
    changed = []
    for line_id, holder_id in holders.items():
        line = lines.get(line_id)
        if line is None or not holder_id:
            continue
        try:
            holder_id = int(holder_id)
        except (TypeError, ValueError) as exc:
            raise BookingError(_("Choose the ticket holder among you and your friends.")) from exc
        if holder_id != contact.pk:  # the buyer is always a possible holder
            if allowed is None:
                allowed = {c.pk for c in possible_holders(contact, point_of_sales)}
            if holder_id not in allowed:
                raise BookingError(_("Choose the ticket holder among you and your friends."))
        if line.holder_id != holder_id and not (line.holder_id is None and holder_id == contact.pk):
            line.holder_id = holder_id
            changed.append(line)
    if changed:
        OrderLine.objects.bulk_update(changed, ["holder"])
    return changed


def tickets_of(contact):
    """The paid tickets bought by `contact` or held by them."""
    return (
        live_tickets()
        .filter(Q(order__contact=contact) | Q(holder=contact))
        .select_related(
            "order",
            "product",
            "performance",
            "reservation__seat__block__zone",
            "seat_category",
            "tariff",
        )
        .distinct()
    )


def cart_summary(order):
    """(quantity, amount) of a cart."""
    lines = list(order.lines.all()) if order else []
    return len(lines), sum((line.price for line in lines), Decimal("0.00"))


def paid_order_of(contact, order_id):
    """The order `order_id` that `contact` bought and paid (refunded since, or not), with its
    lines as `order.ticket_lines`; None otherwise (anybody else's order: never shown)."""
    if contact is None:
        return None
    order = Order.objects.filter(
        pk=order_id, contact=contact, status__in=(*SOLD_STATES, Order.Status.REFUNDED)
    ).first()
    if order is not None:
        order.ticket_lines = order.lines.select_related(
            "product", "performance", "reservation__seat__block__zone", "tariff", "seat_category"
        )
    return order


def orders_of(contact):
    """The orders `contact` bought and paid (refunded since, or not), newest first."""
    return (
        Order.objects.filter(contact=contact, status__in=(*SOLD_STATES, Order.Status.REFUNDED))
        .prefetch_related("lines")
        .order_by("-paid_at")
    )
