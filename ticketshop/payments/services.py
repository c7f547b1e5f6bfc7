"""Paying an order: gift voucher and credit balance first, the rest by card (B1).

Every change of a payment is a conditional update of its status (PENDING → CAPTURED / REFUSED /
ABANDONED, CAPTURED → REVERSED) under a row lock: a notification received twice, or a return
and a notification, act once. A refused or abandoned payment sells nothing, gives the voucher
and the credit back once, and leaves the cart (and its holds) as it was.
"""

import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ticketshop.payments.models import CreditAccount, GiftVoucher, Payment
from ticketshop.payments.providers import ABANDONED, REFUSED, SUCCEEDED, get_provider
from ticketshop.sales import services as sales
from ticketshop.sales.models import Order

ZERO = Decimal("0.00")


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
        raise PaymentError(_("This gift voucher code is not valid."))
    if voucher.currency != order.currency:
        raise PaymentError(_("This gift voucher is in another currency."))
    used = min(voucher.balance, amount)
    if used <= ZERO:
        raise PaymentError(_("This gift voucher has been used up."))
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


def _reverse_captured(order_id):
    """Give back what vouchers and credit paid on an order that will not be sold (once)."""
    for payment in Payment.objects.select_for_update().filter(
        order_id=order_id,
        status=Payment.Status.CAPTURED,
        method__in=(Payment.Method.VOUCHER, Payment.Method.CREDIT),
    ):
        if not Payment.objects.filter(pk=payment.pk, status=Payment.Status.CAPTURED).update(
            status=Payment.Status.REVERSED
        ):
            continue
        if payment.method == Payment.Method.VOUCHER:
            GiftVoucher.objects.filter(pk=payment.voucher_id).update(
                balance=F("balance") + payment.amount
            )
        else:
            order = Order.objects.get(pk=order_id)
            account, _created = CreditAccount.objects.get_or_create(contact_id=order.contact_id)
            CreditAccount.objects.filter(pk=account.pk).update(
                balance=F("balance") + payment.amount
            )


def pay(order, contact, *, voucher_code="", use_credit=False, urls=None, provider=None):
    """Start paying the cart `order` as `contact`: voucher, then credit, then card.

    `urls`: a function reference -> (notify_url, return_url, cancel_url) for the card provider.
    Returns a PaymentStart; PaymentError/BookingError (and the cart unchanged) on refusal."""
    now = timezone.now()
    order = sales.start_payment(order, contact)
    try:
        with transaction.atomic():
            order = (
                Order.objects.select_for_update()
                .select_related("point_of_sales__channel")
                .get(pk=order.pk)
            )
            remaining = order.total
            if voucher_code and remaining > ZERO:
                remaining -= _take_voucher(order, voucher_code, remaining, now)
            if use_credit and remaining > ZERO:
                remaining -= _take_credit(order, contact, remaining)
            card = None
            if remaining > ZERO:
                provider = provider or get_provider()
                card = Payment.objects.create(
                    order=order,
                    method=Payment.Method.CARD,
                    amount=remaining,
                    currency=order.currency,
                    reference=_reference(),
                    provider=provider.code,
                )
            else:
                sales.confirm_order(order)
    except sales.BookingError:
        sales.back_to_cart(order)
        raise
    if card is None:
        order.refresh_from_db()
        return PaymentStart(order=order, redirect_url=None)
    notify_url, return_url, cancel_url = urls(card.reference)
    url = provider.start(card, notify_url=notify_url, return_url=return_url, cancel_url=cancel_url)
    return PaymentStart(order=order, redirect_url=url)


def record_outcome(reference, outcome, amount=None):
    """Act on a provider's outcome for the card payment `reference`, once. Returns the payment."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(reference=reference).first()
        if payment is None:
            raise PaymentError(_("Unknown payment."))
        if payment.status != Payment.Status.PENDING:
            return payment  # already handled (the return and the notification both arrive)
        if outcome == SUCCEEDED and amount is not None and Decimal(amount) != payment.amount:
            outcome = REFUSED  # never sell for another amount than the one asked
        if outcome == SUCCEEDED:
            payment.status = Payment.Status.CAPTURED
            payment.save(update_fields=["status", "updated_at"])
            try:
                sales.confirm_order(payment.order)
            except sales.BookingError:
                # the holds were lost meanwhile: nothing is sold, everything is given back
                payment.status = Payment.Status.REVERSED
                payment.save(update_fields=["status", "updated_at"])
                _reverse_captured(payment.order_id)
        else:
            payment.status = (
                Payment.Status.REFUSED if outcome == REFUSED else Payment.Status.ABANDONED
            )
            payment.save(update_fields=["status", "updated_at"])
            _reverse_captured(payment.order_id)
            sales.back_to_cart(payment.order)
    return payment


def abandon_pending(order):
    """The visitor gives up a payment in progress: the cart is theirs again."""
    for payment in Payment.objects.filter(order=order, status=Payment.Status.PENDING):
        record_outcome(payment.reference, ABANDONED)
    sales.back_to_cart(order)


def on_orders_ended(sender, order_ids, **kwargs):
    """Carts ended (expired or cancelled): pending card payments are abandoned, the rest given
    back. A card success arriving later finds no hold and is reversed too."""
    with transaction.atomic():
        Payment.objects.filter(order_id__in=order_ids, status=Payment.Status.PENDING).update(
            status=Payment.Status.ABANDONED
        )
        for order_id in order_ids:
            _reverse_captured(order_id)
