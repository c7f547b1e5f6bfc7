"""Money given back (B1, B3): what vouchers and credit paid on an order that will not be sold,
and refunds of captured payments (card through its provider, voucher, credit).

Everything here runs inside the transaction that changes the order, under its lock (lock order
of `ticketshop.sales.lifecycle`: the order, then its payments, vouchers and credit accounts):
either the order changes AND the money moves, or neither.
"""

from decimal import Decimal

from django.db.models import F, Sum

from ticketshop.payments.models import CreditAccount, GiftVoucher, Payment, Refund
from ticketshop.payments.providers import get_provider

ZERO = Decimal("0.00")
OWN_MEANS = (Payment.Method.VOUCHER, Payment.Method.CREDIT)


def _give_back(payment, amount, contact_id):
    """`amount` back to the voucher or the credit account that paid `payment`."""
    if payment.method == Payment.Method.VOUCHER:
        GiftVoucher.objects.filter(pk=payment.voucher_id).update(balance=F("balance") + amount)
    else:
        account, _created = CreditAccount.objects.get_or_create(contact_id=contact_id)
        CreditAccount.objects.filter(pk=account.pk).update(balance=F("balance") + amount)


def reverse_captured(order_id, contact_id):
    """Give back what vouchers and credit paid on an order that will not be sold (once)."""
    for payment in Payment.objects.select_for_update().filter(
        order_id=order_id, status=Payment.Status.CAPTURED, method__in=OWN_MEANS
    ):
        payment.status = Payment.Status.REVERSED
        payment.save(update_fields=["status", "updated_at"])
        _give_back(payment, payment.amount, contact_id)


def retake_reversed(order):
    """A late card payment for an expired order: take again what its voucher and credit had
    paid (given back at expiry). False, and nothing taken, when a balance no longer suffices."""
    reversed_ = list(
        Payment.objects.select_for_update().filter(
            order=order, status=Payment.Status.REVERSED, method__in=OWN_MEANS
        )
    )
    for payment in reversed_:
        if payment.method == Payment.Method.VOUCHER:
            rows = GiftVoucher.objects.filter(pk=payment.voucher_id, balance__gte=payment.amount)
        else:
            rows = CreditAccount.objects.filter(
                contact_id=order.contact_id, balance__gte=payment.amount
            )
        if not rows.update(balance=F("balance") - payment.amount):
            return False  # the caller's savepoint undoes what was taken before
        payment.status = Payment.Status.CAPTURED
        payment.save(update_fields=["status", "updated_at"])
    return True


def captured_total(order, methods=None):
    payments = Payment.objects.filter(order=order, status=Payment.Status.CAPTURED)
    if methods:
        payments = payments.filter(method__in=methods)
    return payments.aggregate(n=Sum("amount"))["n"] or ZERO


def refund_payment(payment, amount, reason="", contact_id=None):
    """Pay `amount` of the captured `payment` back: through its provider for a card (the
    provider's refund call), to the voucher or credit account otherwise."""
    if amount <= ZERO:
        return None
    provider_reference = ""
    if payment.method == Payment.Method.CARD:
        provider_reference = get_provider(payment.provider or None).refund(payment, amount)
    else:
        _give_back(payment, amount, contact_id)
    payment.refunded_amount += amount
    if payment.refunded_amount >= payment.amount:
        payment.status = Payment.Status.REFUNDED
    payment.save(update_fields=["refunded_amount", "status", "updated_at"])
    return Refund.objects.create(
        payment=payment, amount=amount, provider_reference=provider_reference, reason=reason
    )


def on_orders_ended(sender, order_ids, status, **kwargs):
    """Unpaid orders ended (expired or cancelled), inside their transaction: pending card
    payments are abandoned (a success arriving later is handled as a late payment) and what
    vouchers and credit paid is given back, once."""
    Payment.objects.filter(order_id__in=order_ids, status=Payment.Status.PENDING).update(
        status=Payment.Status.ABANDONED
    )
    taken = Payment.objects.filter(
        order_id__in=order_ids, status=Payment.Status.CAPTURED, method__in=OWN_MEANS
    ).values_list("order_id", "order__contact_id")
    for order_id, contact_id in set(taken):
        reverse_captured(order_id, contact_id)


def on_order_refunded(sender, order, amount, lines, **kwargs):
    """Tickets of a paid order were cancelled, inside its transaction: `amount` is paid back,
    card first (through the provider), then credit, then voucher."""
    rank = {Payment.Method.CARD: 0, Payment.Method.CREDIT: 1, Payment.Method.VOUCHER: 2}
    payments = sorted(
        Payment.objects.select_for_update().filter(order=order, status=Payment.Status.CAPTURED),
        key=lambda p: (rank[p.method], p.pk),
    )
    left = amount
    for payment in payments:
        part = min(left, payment.amount - payment.refunded_amount)
        refund_payment(payment, part, reason="cancelled tickets", contact_id=order.contact_id)
        left -= max(part, ZERO)
        if left <= ZERO:
            break
