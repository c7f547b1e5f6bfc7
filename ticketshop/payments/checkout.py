"""The checkout service (B1, F6): what every channel does to have a cart paid — the ticket
holders chosen, then voucher, credit and card — in one call, under the order's lock."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ticketshop.payments import services as payments
from ticketshop.sales import lifecycle
from ticketshop.sales import services as sales
from ticketshop.sales.models import Order


@dataclass
class ReturnUrls:
    notify: str  # the provider's server-to-server notification
    back: str  # where the provider sends the visitor back (success or refusal)
    cancel: str  # where the provider's cancel link leads


def checkout(order, contact, *, holders=None, voucher_code="", use_credit=False, urls=None):
    """Have `contact` pay the cart `order`. `holders`: {line id: contact id}; `urls`: ReturnUrls.
    Returns payments.PaymentStart; BookingError (and the cart unchanged) on refusal.

    Paying again gives up the payment in progress first (in its own transaction). A cart read
    as CART skips that step; if another tab started paying meanwhile, the cart is found PAYING
    under the lock, nothing is done, and the payment in progress is given up before one retry."""
    if order.contact_id not in (None, contact.pk):
        raise sales.BookingError(_("This cart is not yours."))
    if order.status != Order.Status.CART:
        payments.abandon_payment(order)
    args = (contact, holders or {}, voucher_code, use_credit, urls)
    try:
        return _pay(order, *args)
    except lifecycle.CartExpired:
        if not payments.abandon_payment(order):
            raise
        return _pay(order, *args)


def _pay(order, contact, holders, voucher_code, use_credit, urls):
    """One transaction; the order's lock first (THE lock order: here, or `pay`'s own)."""
    with transaction.atomic():
        order = lifecycle.live_cart(order.pk)
        if holders:
            sales.set_holders(order, contact, holders, order.point_of_sales)
        return payments.pay(
            order,
            contact,
            voucher_code=voucher_code,
            use_credit=use_credit,
            urls=lambda reference: (urls.notify, urls.back, urls.cancel),
            locked=True,
        )
