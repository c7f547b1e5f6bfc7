"""The cart and checkout as a buyer reads them (issue 12, B1, L6): the terms of sale linked and
accepted before paying, the hold worded as a countdown, one vocabulary (seats) and one seat name
("Row A, seat 1") on the cart, the order, the account pages and the confirmation email."""

import re
from decimal import Decimal

import pytest
from django.core import mail

from tests.fixtures.booking import hold, sign_in
from ticketshop.payments.models import GiftVoucher, Payment
from ticketshop.sales.models import Order, SeatReservation

TERMS_ERROR = "Please accept the terms of sale to pay."


@pytest.fixture
def cart(client, shop):  # noqa: F811
    """Michel signed in, 2 seats of category 1 held (91.00 EUR), a voucher covering them."""
    sign_in(client)
    assert hold(client, shop, {shop.full: 2}, shop.cat1).status_code == 302
    GiftVoucher.objects.create(organisation=shop.org, code="ALL", balance="1000.00")
    return Order.objects.get()


def test_the_cart_links_the_terms_of_sale_in_the_visitors_language(client, cart):
    for lang in ("en", "fr"):
        body = client.get(f"/shop/{lang}/cart/").content.decode()
        terms = re.search(r'<p class="terms">.*?</p>', body, re.S).group(0)
        assert f'href="https://www.thecube.example/{lang}/terms/"' in terms
        assert 'name="accept_terms"' in terms and " required" in terms
    assert "J’accepte les" in body or "J'accepte les" in body


def test_paying_without_accepting_the_terms_is_refused_and_changes_nothing(client, cart):
    before = (cart.status, cart.expires_at)
    response = client.post("/shop/en/cart/checkout/", {"voucher": "ALL"})
    assert response.status_code == 400
    body = response.content.decode()
    assert TERMS_ERROR in body and 'aria-invalid="true"' in body and 'id="terms-error"' in body
    cart.refresh_from_db()
    assert (cart.status, cart.expires_at) == before == ("CART", before[1])
    assert not Payment.objects.exists()
    assert GiftVoucher.objects.get().balance == Decimal("1000.00")
    assert set(SeatReservation.objects.values_list("status", flat=True)) == {"HELD"}
    # "accept" must be said: an empty value is no acceptance
    response = client.post("/shop/en/cart/checkout/", {"voucher": "ALL", "accept_terms": ""})
    assert response.status_code == 400 and Order.objects.get().status == "CART"
    # accepted: paid
    response = client.post("/shop/en/cart/checkout/", {"voucher": "ALL", "accept_terms": "1"})
    assert response.status_code == 302 and Order.objects.get().status == "PAID"


def test_the_terms_error_is_translated(client, cart):
    response = client.post("/shop/fr/cart/checkout/", {"voucher": "ALL"})
    body = response.content.decode()
    assert response.status_code == 400 and TERMS_ERROR not in body
    assert "Veuillez accepter les conditions générales de vente" in body


def test_the_hold_reads_as_a_countdown_not_two_clock_times(client, cart):
    body = client.get("/shop/en/cart/").content.decode()
    text = re.sub(r"<[^>]+>", "", re.search(r'<p class="expiry".*?</p>', body, re.S).group(0))
    until = cart.expires_at.astimezone().strftime("%H:%M")
    assert re.fullmatch(r"Held for you for (19:5\d|20:00) more \(until \d\d:\d\d\)", text), text
    assert f"(until {until})" in text or "(until " in text
    assert "—" not in text  # not "until 21:02 — 19:59"
    french = client.get("/shop/fr/cart/").content.decode()
    text = re.sub(r"<[^>]+>", "", re.search(r'<p class="expiry".*?</p>', french, re.S).group(0))
    assert re.fullmatch(r"Réservées pour vous encore (19:5\d|20:00) \(jusqu’à \d\d:\d\d\)", text)


WORD_PLACE = re.compile(r"\bplaces?\b", re.I)


def _text(html):
    main = re.search(r"<main.*?</main>", html, re.S).group(0)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def test_one_vocabulary_and_one_seat_name_from_cart_to_email(
    client,
    shop,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    sign_in(client)
    response = hold(client, shop, {shop.full: 2}, shop.cat1)
    cart_page = client.get(response["Location"]).content.decode()
    assert "2 seats are held for you." in cart_page
    product_page = client.get(f"/shop/en/product/{shop.concert.pk}/").content.decode()
    performance_page = client.get(f"/shop/en/performance/{shop.concert_1.pk}/").content.decode()
    GiftVoucher.objects.create(organisation=shop.org, code="ALL", balance="1000.00")
    order = Order.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        paid = client.post("/shop/en/cart/checkout/", {"voucher": "ALL", "accept_terms": "1"})
    order_page = client.get(paid["Location"]).content.decode()
    tickets_page = client.get("/account/tickets/").content.decode()
    detail_page = client.get(f"/account/orders/{order.pk}/").content.decode()
    for name, page in {
        "cart": cart_page,
        "order": order_page,
        "tickets": tickets_page,
        "order detail": detail_page,
    }.items():
        text = _text(page)
        assert "Stalls · Block A · Category 1 · Row A, seat 1" in text, name
        assert "Row A, seat 2" in text, name
        assert "A-1" not in text and "A-2" not in text, name
        assert not WORD_PLACE.search(text), (name, WORD_PLACE.search(text))
    for page in (product_page, performance_page):
        assert not WORD_PLACE.search(_text(page))
    email = mail.outbox[-1].body
    # Michel reads French: the email says the seat the French way, never "A-1"
    assert (
        "Stalls · Block A · Rang A, place 1" in email
        and " A-1" not in email
        and "seat" not in email
    )
