"""Paying an order (B1): gift voucher and credit balance first, the rest by card.

The payments layer orchestrates the order lifecycle of `ticketshop.sales.lifecycle` and takes
its locks in THE order written there: the order first, then its payments, vouchers and credit.

- `pay`: CART → PAYING, voucher and credit taken and the card payment created in ONE transaction
  under the order's lock: the cart is frozen from then on (a second tab adding seats must
  `abandon_payment` first, atomically).
- `record_outcome`: the provider's outcome, once. A success is recorded whatever happens: it
  confirms the order only when this payment is the order's current one and the money captured
  matches the order's total (card + voucher + credit); a success that arrives after the cart
  expired confirms it if its places are still free; in every other case the card is refunded
  through the provider and the buyer told. Never a capture without a record.
"""

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ticketshop.payments import refunds
from ticketshop.payments.models import CreditAccount, GiftVoucher, Payment
from ticketshop.payments.providers import REFUSED, SUCCEEDED, get_provider
from ticketshop.sales import lifecycle
from ticketshop.sales import services as sales
from ticketshop.sales.models import Order, OrderMessage

ZERO = Decimal("0.00")
S = Order.Status


class PaymentError(sales.BookingError):
    pass


@dataclass
class PaymentStart:
    order: Order
    redirect_url: str | None  # the provider's hosted page, or None when already paid


def credit_balance(contact):
    account = CreditAccount.objects.filter(contact=contact).first()
    return account.balance if account else ZERO


def _reference():
    return secrets.token_urlsafe(24)


class VoucherRefused(PaymentError):
    """The gift-voucher code was refused (unknown, expired, other currency, used up): a guess
    the channels count (ticketshop.idp.limits, scope "voucher")."""


def _take_voucher(order, code, amount, now):
    voucher = (
        GiftVoucher.objects.select_for_update()
        .filter(
            code__iexact=(code or "").strip(),
            organisation_id=order.point_of_sales.channel.organisation_id,
        )
        .first()
    )
    if voucher is None or (voucher.valid_until and voucher.valid_until <= now):
        raise VoucherRefused(_("This gift voucher code is not valid."))
    if voucher.currency != order.currency:
        raise VoucherRefused(_("This gift voucher is in another currency."))
    used = min(voucher.balance, amount)
    if used <= ZERO:
        raise VoucherRefused(_("This gift voucher has been used up."))
    GiftVoucher.objects.filter(pk=voucher.pk).update(balance=F("balance") - used)
    _captured(order, Payment.Method.VOUCHER, used, voucher=voucher)
    return used


def _take_credit(order, contact, amount):
    account = CreditAccount.objects.select_for_update().filter(contact=contact).first()
    used = min(account.balance, amount) if account else ZERO
    if used <= ZERO:
        raise PaymentError(_("You have no credit balance."))
    CreditAccount.objects.filter(pk=account.pk).update(balance=F("balance") - used)
    _captured(order, Payment.Method.CREDIT, used)
    return used


def _captured(order, method, amount, **extra):
    """A payment taken at once from the shop's own means (voucher, credit)."""
    return Payment.objects.create(
        order=order,
        method=method,
        status=Payment.Status.CAPTURED,
        amount=amount,
        currency=order.currency,
        reference=_reference(),
        **extra,
    )


def pay(
    order, contact, *, voucher_code="", use_credit=False, urls=None, provider=None, locked=False
):
    """Start paying the cart `order` as `contact`: voucher, then credit, then card.

    `urls`: a function reference -> (notify_url, return_url, cancel_url) for the card provider.
    `locked`: the caller's transaction holds the lock of the live cart `order` already.
    Returns a PaymentStart; PaymentError/BookingError (and the cart unchanged) on refusal.

    One transaction, no savepoint (a refusal rolls it back whole: nobody catches one inside),
    the order locked once and its lines read once: CART → PAYING, voucher and credit taken, then
    the card payment created (the holds kept for the payment's grace) or, paid in full, PAID."""
    now = timezone.now()
    provider = provider or get_provider()
    with transaction.atomic(savepoint=False):
        if not locked:
            order = lifecycle.live_cart(order.pk, now)  # 1. the order: CART → PAYING below
        lines = lifecycle.order_lines(order)
        if not lines:
            raise sales.BookingError(_("Your cart is empty."))
        expires = max(order.expires_at, now + dt.timedelta(minutes=sales.PAYMENT_GRACE_MINUTES))
        lifecycle.transition(order, S.PAYING, contact=contact, expires_at=expires)
        remaining = sum((line.price for line in lines), ZERO)
        if voucher_code and remaining > ZERO:
            remaining -= _take_voucher(order, voucher_code, remaining, now)
        if use_credit and remaining > ZERO:
            remaining -= _take_credit(order, contact, remaining)
        card = None
        if remaining > ZERO:
            lifecycle.keep_holds(lines, expires)
            card = Payment.objects.create(
                order=order,
                method=Payment.Method.CARD,
                amount=remaining,
                currency=order.currency,
                reference=_reference(),
                provider=provider.code,
            )
        else:
            order = lifecycle.confirm_locked(order, lines, now)
    if card is None:
        return PaymentStart(order=order, redirect_url=None)
    notify_url, return_url, cancel_url = urls(card.reference)
    url = provider.start(card, notify_url=notify_url, return_url=return_url, cancel_url=cancel_url)
    return PaymentStart(order=order, redirect_url=url)


def _amount(value, default):
    if value is None:
        return default
    try:
        return Decimal(value)
    except InvalidOperation as exc:
        raise PaymentError(_("Unknown payment.")) from exc


def record_outcome(reference, outcome, amount=None):
    """Act on a provider's outcome for the card payment `reference`, once. Returns the payment."""
    with transaction.atomic():
        order_id = (
            Payment.objects.filter(reference=reference).values_list("order_id", flat=True).first()
        )
        if order_id is None:
            raise PaymentError(_("Unknown payment."))
        order = lifecycle.lock_order(order_id)  # 1. the order, then 2. its payment
        payment = Payment.objects.select_for_update().get(reference=reference)
        if outcome == SUCCEEDED:
            if payment.status in (Payment.Status.PENDING, Payment.Status.ABANDONED):
                _succeeded(order, payment, _amount(amount, payment.amount))
        elif payment.status == Payment.Status.PENDING:
            payment.status = Payment.Status.ABANDONED
            if outcome == REFUSED:
                payment.status = Payment.Status.REFUSED
            payment.save(update_fields=["status", "updated_at"])
            refunds.reverse_captured(order.pk, order.contact_id)
            sales.back_to_cart(order.pk)
    payment.refresh_from_db()
    return payment


def _succeeded(order, payment, captured):
    """Money was taken: record it, then sell or refund — never neither."""
    current = payment.status == Payment.Status.PENDING and order.status == S.PAYING
    late = payment.status == Payment.Status.ABANDONED and order.status == S.EXPIRED
    payment.status = Payment.Status.CAPTURED
    payment.save(update_fields=["status", "updated_at"])
    if (current or late) and captured == payment.amount:
        try:
            with transaction.atomic():  # a savepoint: a refusal undoes the retaking only
                if late and not refunds.retake_reversed(order):
                    raise sales.HoldsLost("a voucher or credit was spent meanwhile")
                if refunds.captured_total(order) != order.total:
                    raise sales.HoldsLost("the order's total is not what was paid")
                sales.confirm_order(order.pk)
            return
        except sales.BookingError:
            pass
    if captured != payment.amount:
        Payment.objects.filter(pk=payment.pk).update(amount=captured)
        payment.amount = captured
    refunds.refund_payment(payment, captured, reason="not sold", contact_id=order.contact_id)
    if current:  # this attempt failed: its voucher and credit back, the cart the visitor's
        refunds.reverse_captured(order.pk, order.contact_id)
        sales.back_to_cart(order.pk)
    # (an older, abandoned attempt gave its voucher and credit back when it was abandoned: a
    # newer attempt in progress is left alone)
    lifecycle.queue_message(order, OrderMessage.Kind.LATE_PAYMENT_REFUNDED, captured)


def abandon_payment(order):
    """The visitor gives up a payment in progress (cancels, or changes the cart from another
    tab), atomically under the order's lock: pending card payments are abandoned, voucher and
    credit given back, and the cart is the visitor's again. False when nothing was in progress."""
    with transaction.atomic():
        order = lifecycle.lock_order(order.pk)
        if order.status != S.PAYING:
            return False
        Payment.objects.filter(order=order, status=Payment.Status.PENDING).update(
            status=Payment.Status.ABANDONED
        )
        refunds.reverse_captured(order.pk, order.contact_id)
        sales.back_to_cart(order.pk)
    return True


def cancel_paid_order(order, line_ids=None):
    """Cancel and refund a paid order, whole or some tickets: the one service call of the back
    office and the resellers' cancellation (the money moves in the same transaction)."""
    return sales.cancel_paid_order(order.pk, line_ids)
