"""The checkout service (B1, F6): what every channel does to have a cart paid — the ticket
holders chosen, then voucher, credit and card — in one call, under the order's lock."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ticketshop.payments import services as payments
from ticketshop.sales import lifecycle
from ticketshop.sales import services as sales


@dataclass
class ReturnUrls:
    notify: str  # the provider's server-to-server notification
    back: str  # where the provider sends the visitor back (success or refusal)
    cancel: str  # where the provider's cancel link leads


def checkout(order, contact, *, holders=None, voucher_code="", use_credit=False, urls=None):
    """Have `contact` pay the cart `order`. `holders`: {line id: contact id}; `urls`: ReturnUrls.
    Returns payments.PaymentStart; BookingError (and the cart unchanged) on refusal."""
    if order.contact_id not in (None, contact.pk):
        raise sales.BookingError(_("This cart is not yours."))
    payments.abandon_payment(order)  # paying again: the payment in progress is given up first
    with transaction.atomic():
        order = lifecycle.live_cart(order.pk)
        lines = {line.pk: line for line in order.lines.all()}
        for line_id, holder_id in (holders or {}).items():
            if line_id in lines and holder_id:
                sales.set_holder(lines[line_id], contact, holder_id, order.point_of_sales)
        return payments.pay(
            order,
            contact,
            voucher_code=voucher_code,
            use_credit=use_credit,
            urls=lambda reference: (urls.notify, urls.back, urls.cancel),
        )
