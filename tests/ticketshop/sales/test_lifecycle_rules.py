"""The order lifecycle's rules at their edges (B1, B3), through the booking service every channel
calls (the shop, the box office, the resellers): the instant a cart expires, the payment's grace,
the expiry task's batches, the refusals that change nothing. Found unpinned by `make mutate`."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from ticketshop.sales import services as sales
from ticketshop.sales.models import Order, OrderMessage, SeatReservation


def _cart(shop, contact=None, seats=1, now=None, performance=None):
    cart = sales.new_cart(shop.pos, contact, now=now)
    performance = performance or shop.concert_1
    sales.hold_places(cart, performance, {shop.full.pk: seats}, shop.cat1, now=now)
    return cart


def _paid(shop, seats=2):
    cart = _cart(shop, shop.visitor, seats)
    sales.start_payment(cart.pk, shop.visitor)
    return sales.confirm_order(cart.pk)


def test_a_cart_is_live_until_its_expiry_instant_and_not_at_it(shop):
    cart = sales.new_cart(shop.pos, shop.visitor)
    assert cart.expires_at - cart.created_at >= dt.timedelta(minutes=20) - dt.timedelta(seconds=1)
    assert sales.is_live_cart(cart, now=cart.expires_at - dt.timedelta(microseconds=1))
    assert not sales.is_live_cart(cart, now=cart.expires_at)
    assert not sales.is_live_cart(None)
    with pytest.raises(sales.CartExpired):
        sales.hold_places(cart, shop.concert_1, {shop.full.pk: 1}, shop.cat1, now=cart.expires_at)
    assert not SeatReservation.objects.exists()


def test_paying_keeps_the_cart_the_grace_period_or_its_own_expiry_if_later(shop):
    now = timezone.now()
    cart = _cart(shop, seats=1, now=now)  # expires in 20 minutes
    paying = sales.start_payment(cart.pk, shop.visitor, now=now + dt.timedelta(minutes=19))
    grace = now + dt.timedelta(minutes=19 + sales.PAYMENT_GRACE_MINUTES)
    assert sales.PAYMENT_GRACE_MINUTES == 15
    assert (paying.status, paying.contact, paying.expires_at) == ("PAYING", shop.visitor, grace)
    assert SeatReservation.objects.get().expires_at == grace
    early = _cart(shop, seats=1, now=now)
    paying = sales.start_payment(early.pk, shop.visitor, now=now)
    assert paying.expires_at == now + dt.timedelta(minutes=20)  # later than now + 15


def test_an_empty_cart_cannot_be_paid_and_stays_a_cart(shop):
    cart = sales.new_cart(shop.pos)
    with pytest.raises(sales.BookingError, match="empty"):
        sales.start_payment(cart.pk, shop.visitor)
    cart.refresh_from_db()
    assert (cart.status, cart.contact) == ("CART", None)


def test_back_to_cart_only_from_paying(shop):
    cart = _cart(shop, shop.visitor)
    assert sales.back_to_cart(cart.pk) is False  # a cart is not being paid
    sales.start_payment(cart.pk, shop.visitor)
    assert sales.back_to_cart(cart.pk) is True
    assert Order.objects.get().status == "CART"


def test_cancelling_a_cart_releases_its_holds_once(shop):
    cart = _cart(shop, seats=3)
    assert sales.cancel_cart(cart.pk) is True
    assert sales.cancel_cart(cart.pk) is False  # already cancelled: nothing more
    assert set(SeatReservation.objects.values_list("status", flat=True)) == {"RELEASED"}
    assert Order.objects.get().status == "CANCELLED"
    paid = _paid(shop)
    assert sales.cancel_cart(paid.pk) is False  # a paid order is not a cart
    assert Order.objects.get(pk=paid.pk).status == "PAID"


def test_the_expiry_task_works_in_batches_until_none_is_left(shop):
    now = timezone.now()
    for _i in range(3):
        _cart(shop, seats=2, now=now - dt.timedelta(hours=1))
    live = _cart(shop, seats=1, now=now, performance=shop.concert_2)  # (another performance:
    # a hold of the same one would release the expired holds itself, without the task)
    assert sales.release_expired(now=now, batch=2) == 6  # 2 + 2 + 2 places, over two batches
    assert set(Order.objects.exclude(pk=live.pk).values_list("status", flat=True)) == {"EXPIRED"}
    assert Order.objects.get(pk=live.pk).status == "CART"
    assert SeatReservation.objects.filter(status="HELD").count() == 1
    assert sales.release_expired(now=now) == 0


def test_a_confirmed_order_gets_barcodes_holder_names_and_one_confirmation(shop):
    order = _paid(shop, seats=2)
    lines = list(order.lines.all())
    assert all(re.fullmatch(r"\d{20}", line.barcode) for line in lines)
    assert len({line.barcode for line in lines}) == 2
    assert {line.holder_name for line in lines} == {"Michel Shapira"}
    assert order.paid_at is not None
    assert sales.confirm_order(order.pk).paid_at == order.paid_at  # twice: nothing changes
    assert OrderMessage.objects.filter(order=order, kind="CONFIRMATION").count() == 1
    assert set(SeatReservation.objects.values_list("status", flat=True)) == {"SOLD"}


def test_an_order_without_a_buyer_owes_no_email(shop):
    cart = _cart(shop)  # a box-office sale to nobody in particular
    sales.start_payment(cart.pk, None)
    sales.confirm_order(cart.pk)
    assert Order.objects.get().status == "PAID"
    assert not OrderMessage.objects.exists()
    assert Order.objects.get().lines.get().holder_name == ""


def test_a_cart_that_is_not_being_paid_cannot_be_confirmed(shop):
    cart = _cart(shop)
    with pytest.raises(sales.HoldsLost):
        sales.confirm_order(cart.pk)  # CART -> PAID would skip the payment
    assert Order.objects.get().status == "CART"
    cancelled = _cart(shop)
    sales.cancel_cart(cancelled.pk)
    with pytest.raises(sales.HoldsLost):
        sales.confirm_order(cancelled.pk)
    assert not SeatReservation.objects.filter(status="SOLD").exists()


def test_cancelling_tickets_refunds_their_amount_partly_then_wholly(shop):
    order = _paid(shop, seats=3)
    first, second, third = order.lines.order_by("pk")
    assert sales.cancel_paid_order(order.pk, [first.pk]) == first.price
    order.refresh_from_db()
    assert order.status == "PARTLY_REFUNDED"
    assert sales.live_tickets().filter(order=order).count() == 2
    assert sales.cancel_paid_order(order.pk) == second.price + third.price
    order.refresh_from_db()
    assert order.status == "REFUNDED"
    assert not sales.live_tickets().exists()
    assert set(SeatReservation.objects.values_list("status", flat=True)) == {"RELEASED"}
    assert OrderMessage.objects.filter(kind="REFUND").count() == 2


def test_cancelling_a_ticket_of_another_order_or_twice_changes_nothing(shop):
    order = _paid(shop, seats=2)
    other = _paid(shop, seats=1)
    line, _second = order.lines.order_by("pk")
    for wrong in ([other.lines.get().pk], [line.pk, other.lines.get().pk], [], [10**9]):
        with pytest.raises(sales.BookingError, match="still valid"):
            sales.cancel_paid_order(order.pk, wrong)
    assert sales.cancel_paid_order(order.pk, [line.pk]) == line.price
    with pytest.raises(sales.BookingError, match="still valid"):
        sales.cancel_paid_order(order.pk, [line.pk])  # already cancelled
    assert Order.objects.get(pk=order.pk).status == "PARTLY_REFUNDED"
    assert sales.live_tickets().count() == 2
    cart = _cart(shop)
    with pytest.raises(sales.InvalidTransition):
        sales.cancel_paid_order(cart.pk)
