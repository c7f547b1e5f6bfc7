"""The ticketshop's cart summary cookie (L5), read to show the cart in the website's header.

`stx_cartSummary_<organisation code>_<channel code>`: URL-encoded JSON with `qty`, `amount`
(dot decimal, no thousands separator), `currency` (ISO 4217), `expiration` and `orderId`.
Anything missing, malformed or expired is ignored: the header then shows an empty cart.
"""

import datetime as dt
import json
import re
from decimal import Decimal
from urllib.parse import unquote

from django.utils import timezone, translation

from secutix_integration import conf

AMOUNT = re.compile(r"^\d{1,9}(\.\d{1,3})?$")
CURRENCY = re.compile(r"^[A-Z]{3}$")
ORDER_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def cookie_name():
    return f"stx_cartSummary_{conf.get('ORGANISATION_CODE')}_{conf.get('CHANNEL_CODE')}"


def _expiration(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value  # epoch milliseconds or seconds
        return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
    parsed = dt.datetime.fromisoformat(str(value))
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, dt.UTC)


def read_cart(raw):
    """The cart summary as a dict, or None when the cookie is absent, invalid or expired."""
    if not raw or len(raw) > 2000:
        return None
    try:
        data = json.loads(unquote(raw))
        qty = int(data["qty"])
        amount, currency = str(data["amount"]), str(data["currency"])
        order_id = str(data.get("orderId", ""))
        expires = _expiration(data["expiration"]) if data.get("expiration") else None
    except (ValueError, TypeError, KeyError, OverflowError, OSError, AttributeError):
        return None
    if qty < 0 or not AMOUNT.match(amount) or not CURRENCY.match(currency):
        return None
    if order_id and not ORDER_ID.match(order_id):
        return None
    if expires and expires <= timezone.now():
        return None
    return {
        "qty": qty,
        "amount": Decimal(amount),
        "currency": currency,
        "order_id": order_id,
        "expires": expires,
        "url": conf.redirect_url("cart", orderId=order_id or None, lang=translation.get_language()),
    }


def cart(request):
    """Context processor: `cart` for the header (None when there is no valid cart)."""
    return {"cart": read_cart(request.COOKIES.get(cookie_name()))}
