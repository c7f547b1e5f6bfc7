"""The visitor's cart in the web shop (B1, L5): which order the session holds, the
`stx_cartSummary_<org>_<channel>` cookie the website reads, and the limits against hoarding.

Hoarding (B2): anyone may hold places without signing in, within two limits per visitor —
`SHOP_MAX_SEATS_HELD` places held at once in a cart (default 10) and `SHOP_MAX_HOLDS_PER_HOUR`
holds per hour, counted per session AND per IP address (default 12; behind a reverse proxy set
`SHOP_CLIENT_IP_HEADER`): a script renewing holds to keep a performance full is refused with a
clear message, a buyer is not.
"""

import datetime as dt
import json
from urllib.parse import quote

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from ticketshop import conf
from ticketshop.payments import services as payments
from ticketshop.sales import services as sales
from ticketshop.sales.models import Order

CART_SESSION_KEY = "shop_cart"
MAX_QUANTITY = sales.MAX_PLACES_PER_HOLD


def max_seats_held():
    return int(getattr(settings, "SHOP_MAX_SEATS_HELD", 10))


def max_holds_per_hour():
    return int(getattr(settings, "SHOP_MAX_HOLDS_PER_HOUR", 12))


# --- which order ---------------------------------------------------------------------------------


def current(request):
    """The visitor's cart (CART or being paid), or None; an expired cart is forgotten."""
    order_id = request.session.get(CART_SESSION_KEY)
    if not order_id:
        return None
    order = (
        Order.objects.select_related("point_of_sales__channel__organisation")
        .filter(pk=order_id, status__in=(Order.Status.CART, Order.Status.PAYING))
        .first()
    )
    if order is not None and order.expires_at and order.expires_at <= timezone.now():
        order = None
    if order is None:
        forget(request)
    return order


def remember(request, order):
    request.session[CART_SESSION_KEY] = order.pk


def forget(request):
    request.session.pop(CART_SESSION_KEY, None)


def editable(request):
    """The cart, ready to change: a payment in progress is abandoned first (atomically)."""
    order = current(request)
    if order is not None and order.status == Order.Status.PAYING:
        payments.abandon_payment(order)
        order.refresh_from_db()
    return order


# --- holding, within the limits ---------------------------------------------------------------


def parse_quantities(data):
    """{tariff id: quantity} of a form's `qty_<tariff id>` fields; BookingError when invalid."""
    quantities = {}
    for key, value in data.items():
        if key.startswith("qty_"):
            try:
                tariff_id, quantity = int(key[4:]), int(value or 0)
            except ValueError as exc:
                raise sales.BookingError(_("A quantity is a whole number.")) from exc
            if not 0 <= quantity <= MAX_QUANTITY:
                raise sales.BookingError(
                    _("A quantity is between 0 and %(max)d.") % {"max": MAX_QUANTITY}
                )
            quantities[tariff_id] = quantity
    return quantities


def _client_ip(request):
    """The visitor's address; behind a reverse proxy, set SHOP_CLIENT_IP_HEADER (for example
    "HTTP_X_FORWARDED_FOR"): its last address is the one the proxy saw."""
    header = getattr(settings, "SHOP_CLIENT_IP_HEADER", "")
    forwarded = request.META.get(header, "") if header else ""
    if forwarded:
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def _hold_keys(request):
    if not request.session.session_key:
        request.session.save()
    return [f"shop:holds:s:{request.session.session_key}", f"shop:holds:ip:{_client_ip(request)}"]


def check_limits(request, order, count):
    """BookingError when this hold would exceed the visitor's limits (nothing counted then)."""
    held = order.lines.count() if order is not None else 0
    if held + count > max_seats_held():
        raise sales.BookingError(
            _("You can hold at most %(max)d seats at once. Pay for your cart first.")
            % {"max": max_seats_held()}
        )
    counts = cache.get_many(_hold_keys(request))  # one round trip (B2)
    if any((count or 0) >= max_holds_per_hour() for count in counts.values()):
        raise sales.BookingError(
            _("Too many holds from your connection in the last hour. Please try again later.")
        )


def count_hold(request):
    for key in _hold_keys(request):
        if not cache.add(key, 1, timeout=3600):
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, timeout=3600)


def hold(request, pos, contact, performance=None, product=None, category=None):
    """Hold the places the form asks for in the visitor's cart (a new one if needed).
    Returns (order, lines); BookingError (nothing held) on refusal."""
    quantities = parse_quantities(request.POST)
    order = editable(request)
    check_limits(request, order, sum(quantities.values()))
    created = order is None or not sales.is_live_cart(order)
    if created:
        order = sales.new_cart(pos, contact=contact)
    try:
        if product is not None:
            lines = sales.hold_undated_places(order, product, quantities)
        else:
            lines = sales.hold_places(order, performance, quantities, category)
    except sales.BookingError:
        if created:
            order.delete()  # an empty cart is no cart
        raise
    count_hold(request)
    remember(request, order)
    return order, lines


# --- the cookie (L5) ------------------------------------------------------------------------------


def cookie_name():
    return f"stx_cartSummary_{conf.get('ORGANISATION_CODE')}_{conf.get('CHANNEL_CODE')}"


def write_cookie(response, order):
    qty, amount = sales.cart_summary(order)
    if not qty:
        return clear_cookie(response)
    value = {
        "qty": qty,
        "amount": f"{amount:.2f}",
        "currency": order.currency,
        "expiration": order.expires_at.astimezone(dt.UTC).isoformat(),
        "orderId": str(order.pk),
    }
    seconds = max(int((order.expires_at - timezone.now()).total_seconds()), 1)
    response.set_cookie(
        cookie_name(),
        quote(json.dumps(value, separators=(",", ":"))),
        max_age=seconds,
        **cookie_options(),
    )
    return response


def cookie_options():
    """How the cart cookie is set and cleared: Secure wherever the session cookie is (HTTPS in
    production), HttpOnly (the website reads it server-side, no script needs it), SameSite=Lax
    (it follows the visitor's links from the website into the shop)."""
    return {
        "domain": conf.get("COOKIE_DOMAIN") or None,
        "secure": settings.SESSION_COOKIE_SECURE,
        "httponly": True,
        "samesite": "Lax",
    }


def clear_cookie(response):
    response.set_cookie(
        cookie_name(), "", max_age=0, expires="Thu, 01 Jan 1970 00:00:00 GMT", **cookie_options()
    )
    return response
