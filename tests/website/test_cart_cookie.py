"""L5: the header shows the cart from the ticketshop's stx_cartSummary cookie, safely."""

import datetime as dt
import json
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


def header(client, value=None):
    if value is not None:
        client.cookies[COOKIE] = value
    return client.get("/en/").content.decode().split("</header>")[0]


def test_the_cart_is_shown_from_the_cookie(client):
    html = header(client, cookie())
    assert "3" in html and "127.50" in html and "EUR" in html
    assert "/api/1/redirect/cart?orderId=4711&amp;lang=en" in html


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
    assert "127.50" not in html and "<script>" not in html
    assert "My cart" in html  # the page still renders, with an empty cart


def test_no_cookie_no_cart(client):
    html = header(client)
    assert "My cart" in html and "EUR" not in html
