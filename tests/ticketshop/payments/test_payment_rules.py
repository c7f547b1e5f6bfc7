"""Paying (B1) at the rules' edges, through the checkout over HTTP: every refusal of a gift
voucher or of the credit balance leaves the cart as it was; a voucher that covers the total
exactly needs no card. Found unpinned by `make mutate`."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.fixtures.booking import hold, sign_in
from ticketshop.organisation.models import Organisation
from ticketshop.payments.models import CreditAccount, GiftVoucher, Payment
from ticketshop.sales.models import Order, SeatReservation


@pytest.fixture
def cart(client, shop):
    """The visitor signed in, with 2 full-price seats of category 1 (91.00 EUR) in the cart."""
    sign_in(client)
    hold(client, shop, {shop.full: 2}, shop.cat1)
    return Order.objects.get()


def checkout(client, **data):
    return client.post("/shop/en/cart/checkout/", {"accept_terms": "1", **data})


def unchanged(cart):
    cart.refresh_from_db()
    assert cart.status == "CART" and not Payment.objects.exists()
    assert set(SeatReservation.objects.values_list("status", flat=True)) == {"HELD"}


@pytest.mark.parametrize(
    ("voucher", "message"),
    [
        ({"valid_until": timezone.now() - dt.timedelta(minutes=1)}, "not valid"),
        ({"currency": "CHF"}, "another currency"),
        ({"balance": "0.00"}, "used up"),
        ({"organisation": "other"}, "not valid"),
    ],
)
def test_a_refused_voucher_changes_nothing(client, shop, cart, voucher, message):
    if voucher.get("organisation") == "other":
        voucher["organisation"] = Organisation.objects.create(code="OTHER", name="Other")
    fields = {"organisation": shop.org, "code": "GIFT", "balance": "50.00", **voucher}
    GiftVoucher.objects.create(**fields)
    response = checkout(client, voucher="GIFT")
    assert response.status_code == 400 and message in response.content.decode()
    unchanged(cart)
    assert GiftVoucher.objects.get().balance == Decimal(fields["balance"])


def test_a_voucher_valid_a_little_longer_is_taken(client, shop, cart):
    GiftVoucher.objects.create(
        organisation=shop.org,
        code="GIFT",
        balance="91.00",
        valid_until=timezone.now() + dt.timedelta(minutes=5),
    )
    response = checkout(client, voucher=" gift ")  # the code as typed: any case, spaces
    assert response["Location"] == f"/shop/en/order/{cart.pk}/"
    # exactly the total: no card payment at all, the voucher used up
    assert list(Payment.objects.values_list("method", "amount", "status")) == [
        ("VOUCHER", Decimal("91.00"), "CAPTURED")
    ]
    assert GiftVoucher.objects.get().balance == 0
    assert Order.objects.get().status == "PAID"


@pytest.mark.parametrize("balance", [None, "0.00"])
def test_no_credit_balance_is_refused_and_changes_nothing(client, shop, cart, balance):
    if balance is not None:
        CreditAccount.objects.create(contact=shop.visitor, balance=balance)
    response = checkout(client, use_credit="1")
    assert response.status_code == 400 and "no credit balance" in response.content.decode()
    unchanged(cart)


def test_credit_of_exactly_the_total_pays_without_a_card(client, shop, cart):
    CreditAccount.objects.create(contact=shop.visitor, balance="91.00")
    response = checkout(client, use_credit="1")
    assert response["Location"] == f"/shop/en/order/{cart.pk}/"
    assert list(Payment.objects.values_list("method", "amount")) == [("CREDIT", Decimal("91.00"))]
    assert CreditAccount.objects.get().balance == 0


def test_payment_references_cannot_be_guessed(client, shop, cart):
    """A card payment's reference names it to the provider's notifications: 192 random bits."""
    GiftVoucher.objects.create(organisation=shop.org, code="GIFT", balance="10.00")
    response = checkout(client, voucher="GIFT")
    assert response.status_code == 302
    references = list(Payment.objects.values_list("reference", flat=True))
    assert len(references) == 2 and len(set(references)) == 2
    assert all(len(r) >= 32 and re.fullmatch(r"[A-Za-z0-9_-]+", r) for r in references)
