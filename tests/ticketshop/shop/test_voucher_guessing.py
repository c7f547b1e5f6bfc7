"""B1, X3: gift-voucher codes cannot be guessed at checkout. Refused codes are counted per
session, per contact and per client address (IDP_RATE_LIMITS["voucher"]); past the limit the
cart page answers 429 with a clear message and a Retry-After, and no code is tried — not even a
valid one — so the distinct refusal messages no longer tell a guesser much. Nothing changes.
"""

from decimal import Decimal

import pytest
from django.test import Client

from tests.fixtures.booking import hold, make_contact, sign_in
from ticketshop.payments.models import GiftVoucher, Payment
from ticketshop.sales.models import Order

CHECKOUT = "/shop/en/cart/checkout/"


@pytest.fixture
def limits(settings):
    settings.IDP_RATE_LIMITS = {
        "voucher": {"address": (6, 3600), "email": (4, 3600), "session": (3, 3600)}
    }


def cart(client, shop, email="michel@example.com"):
    sign_in(client, email)
    hold(client, shop, {shop.full: 1}, shop.cat1)
    return Order.objects.filter(contact__email=email).get()


def guess(client, code):
    return client.post(CHECKOUT, {"voucher": code, "accept_terms": "on"})


def test_refused_codes_are_limited_per_session_then_nothing_is_tried(client, shop, limits):
    cart(client, shop)
    voucher = GiftVoucher.objects.create(organisation=shop.org, code="GIFT-20", balance="20.00")
    for attempt in range(3):
        response = guess(client, f"GUESS-{attempt}")
        assert response.status_code == 400
        assert "This gift voucher code is not valid." in response.content.decode()
    blocked = guess(client, "GIFT-20")  # the right code, once the guesses are used up
    assert blocked.status_code == 429
    assert "Too many gift voucher codes were refused" in blocked.content.decode()
    assert 0 < int(blocked["Retry-After"]) <= 3600
    voucher.refresh_from_db()
    assert voucher.balance == Decimal("20.00")
    assert not Payment.objects.exists()
    assert Order.objects.get().status == "CART"
    # paying without a voucher is not a guess: still possible
    card = client.post(CHECKOUT, {"accept_terms": "on"})
    assert card.status_code == 302 and card["Location"].startswith("/payments/testcard/pay/")


def test_a_valid_code_is_not_counted(client, shop, limits):
    cart(client, shop)
    GiftVoucher.objects.create(organisation=shop.org, code="GIFT-99", balance="99.00")
    for attempt in range(2):
        assert guess(client, f"GUESS-{attempt}").status_code == 400
    paid = guess(client, "GIFT-99")
    assert paid.status_code == 302 and "/order/" in paid["Location"]


def test_a_new_session_does_not_reset_the_contacts_count(shop, limits):
    """The same contact signing in again (a new session) keeps its count: 4 per contact."""
    first = Client()
    cart(first, shop)
    for attempt in range(3):
        assert guess(first, f"A-{attempt}").status_code == 400
    second = Client()
    sign_in(second)
    hold(second, shop, {shop.full: 1}, shop.cat1)
    assert guess(second, "A-3").status_code == 400  # the contact's 4th
    assert guess(second, "A-4").status_code == 429  # its session has 1, the contact 4


def test_many_contacts_from_one_address_are_limited_together(shop, limits):
    """Contacts and sessions change, the address stays: 6 per address."""
    statuses = []
    for number in range(3):
        email = f"guesser{number}@example.com"
        make_contact(shop.org, email, "Guess", f"Er{number}")
        client = Client()
        cart(client, shop, email)
        statuses += [guess(client, f"{number}-{i}").status_code for i in range(3)]
    assert statuses == [400] * 6 + [429] * 3
