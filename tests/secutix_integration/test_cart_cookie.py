"""L5: the header shows the cart from the ticketshop's stx_cartSummary cookie, safely."""

import datetime as dt
import json
import re
from urllib.parse import quote

import pytest
from django.utils import timezone

from home.demo import load_site_demo

pytestmark = pytest.mark.django_db
COOKIE = "stx_cartSummary_CUBE_WEB"


@pytest.fixture(autouse=True)
def homes():
    load_site_demo()


def cookie(**overrides):
    data = {
        "qty": 3,
        "amount": "127.50",
        "currency": "EUR",
        "expiration": (timezone.now() + dt.timedelta(minutes=15)).isoformat(),
        "orderId": "4711",
        **overrides,
    }
    return quote(json.dumps(data))


CART_LINK = re.compile(r'<a class="cart[^"]*"[^>]*>.*?</a>', re.S)
EMPTY_CART = '<a class="cart" href="/api/1/redirect/cart?lang=en">My cart</a>'


def header(client, value=None):
    if value is not None:
        client.cookies[COOKIE] = value
    return client.get("/en/").content.decode().split("</header>")[0]


def cart_link(html):
    """The header's cart link, exactly: one, whatever the rest of the header says."""
    links = CART_LINK.findall(html)
    assert len(links) == 1, links
    return " ".join(links[0].split())


def test_the_cart_is_shown_from_the_cookie(client):
    link = cart_link(header(client, cookie()))
    assert "(3 tickets, 127.50 EUR)" in link
    assert '/api/1/redirect/cart?orderId=4711&amp;lang=en">' in link
    # the figures come from the cookie, not from the template
    other = cart_link(header(client, cookie(qty=1, amount="9.5", currency="CHF", orderId="A-1")))
    assert "(1 ticket, 9.5 CHF)" in other and "orderId=A-1&amp;" in other


@pytest.mark.parametrize(
    "value",
    [
        "not json",
        quote(json.dumps({"qty": "three", "amount": "1.00", "currency": "EUR"})),
        cookie(amount="1,234.50"),  # thousands separator or comma decimal: not the format
        cookie(currency="euro"),
        cookie(orderId="<script>"),
        cookie(expiration=(timezone.now() - dt.timedelta(minutes=1)).isoformat()),
        "x" * 5000,
    ],
)
def test_an_invalid_or_expired_cookie_is_ignored(client, value):
    html = header(client, value)
    # the page still renders, with the empty cart and nothing of the cookie
    assert cart_link(html) == EMPTY_CART
    assert "cart-summary" not in html and "<script>" not in html
    assert "orderId" not in html


def test_no_cookie_no_cart(client):
    html = header(client)
    assert cart_link(html) == EMPTY_CART
    assert "cart-summary" not in html and "EUR" not in html
