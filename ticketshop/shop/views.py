"""The shop (B1): product and performance pages, the cart, checkout and the payment's return.

Thin views: the rules are in `ticketshop.sales.services` and `ticketshop.payments.services`.
"""

import datetime as dt
import json
from functools import wraps
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ticketshop.catalogue.models import Performance, Product, SeatCategory, State
from ticketshop.idp.session import signed_in_contact
from ticketshop.multilingual import LANGUAGES
from ticketshop.organisation.models import PointOfSales
from ticketshop.payments import services as payments
from ticketshop.payments.providers import InvalidNotification, get_provider
from ticketshop.sales import services as sales
from ticketshop.sales.availability import performance_availability, product_availability
from ticketshop.sales.models import Order

CART_SESSION_KEY = "shop_cart"
VISIBLE_STATES = (State.RUNNING, State.SUSPENDED)
MAX_QUANTITY = sales.MAX_PLACES_PER_HOLD


def point_of_sales():
    pos = (
        PointOfSales.objects.select_related("channel__organisation")
        .filter(code=settings.SECUTIX["POINT_OF_SALES_CODE"])
        .first()
    )
    if pos is None:
        raise Http404
    return pos


def keep_404(view):
    """A 404 of the shop stays a 404: LocaleMiddleware would otherwise redirect it to
    /<lang>/<path>, which Wagtail's catch-all resolves. Telling it the request used an URLconf
    without i18n_patterns keeps the answer."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Http404:
            request.urlconf = "ticketshop.shop.urls"
            raise

    return wrapper


def in_language(view):
    @wraps(view)
    def wrapper(request, lang, *args, **kwargs):
        if lang not in LANGUAGES:
            raise Http404
        with translation.override(lang):
            request.LANGUAGE_CODE = lang
            return view(request, lang, *args, **kwargs)

    return keep_404(never_cache(wrapper))


# --- the cart and its cookie (L5) ------------------------------------------------------------


def cart_cookie_name():
    return (
        f"stx_cartSummary_{settings.SECUTIX['ORGANISATION_CODE']}_"
        f"{settings.SECUTIX['CHANNEL_CODE']}"
    )


def write_cart_cookie(response, order):
    qty, amount = sales.cart_summary(order)
    if not qty:
        return clear_cart_cookie(response)
    value = {
        "qty": qty,
        "amount": f"{amount:.2f}",
        "currency": order.currency,
        "expiration": order.expires_at.astimezone(dt.UTC).isoformat(),
        "orderId": str(order.pk),
    }
    seconds = max(int((order.expires_at - timezone.now()).total_seconds()), 1)
    response.set_cookie(
        cart_cookie_name(),
        quote(json.dumps(value, separators=(",", ":"))),
        max_age=seconds,
        domain=settings.SECUTIX.get("COOKIE_DOMAIN") or None,
        samesite="Lax",
    )
    return response


def clear_cart_cookie(response):
    response.delete_cookie(
        cart_cookie_name(), domain=settings.SECUTIX.get("COOKIE_DOMAIN") or None, samesite="Lax"
    )
    return response


def current_cart(request):
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
        request.session.pop(CART_SESSION_KEY, None)
    return order


def cart_url(lang):
    return reverse("shop:cart", args=[lang])


# --- product and performance pages -----------------------------------------------------------


def _visible_products(pos):
    return Product.objects.filter(
        season__organisation_id=pos.channel.organisation_id, state__in=VISIBLE_STATES
    )


@in_language
@require_http_methods(["GET", "POST"])
def product(request, lang, product_id):
    pos = point_of_sales()
    item = _visible_products(pos).filter(pk=product_id).first()
    if item is None:
        raise Http404
    if sales.is_undated(item):
        return _undated_product(request, lang, pos, item)
    performances = list(
        item.performances.filter(state__in=VISIBLE_STATES, start__gte=timezone.now())
    )
    availability = performance_availability([p.pk for p in performances][:200], pos)
    rows = [(p, availability.get(p.pk)) for p in performances]
    return render(
        request,
        "shop/product.html",
        {"lang": lang, "product": item, "rows": rows, "pos": pos},
    )


def _undated_product(request, lang, pos, item):
    """A pass or subscription without performances: the product itself, on its quota."""
    error = ""
    if request.method == "POST":
        try:
            return _hold(request, lang, pos, None, product=item)
        except sales.BookingError as exc:
            error = str(exc.message)
    measured = product_availability([item.pk], pos)[item.pk]
    prices = sales.prices_for(None, None, product=item)
    return render(
        request,
        "shop/performance.html",
        {
            "lang": lang,
            "performance": None,
            "product": item,
            "offer": [(None, measured, [(p.tariff, p.amount) for p in prices.values()])],
            "pos": pos,
            "error": error,
            "quantities": range(MAX_QUANTITY + 1),
            "on_sale": item.state in sales.ON_SALE,
        },
        status=400 if error else 200,
    )


def _offer(performance, pos):
    """[(category or None, availability, [(tariff, price)])] of a performance."""
    measured = performance_availability([performance.pk], pos, by_category=True)[performance.pk]
    if sales.is_unseated(performance):
        prices = sales.prices_for(performance, None)
        return [(None, measured, [(p.tariff, p.amount) for p in prices.values()])]
    offer = []
    for category in SeatCategory.objects.filter(configuration=performance.configuration).order_by(
        "rank"
    ):
        prices = sales.prices_for(performance, category)
        if prices:
            offer.append(
                (
                    category,
                    measured.by_category.get(category.pk),
                    [(p.tariff, p.amount) for p in prices.values()],
                )
            )
    return offer


def _performance_or_404(pos, performance_id):
    performance = (
        Performance.objects.select_related("product")
        .filter(
            pk=performance_id,
            state__in=VISIBLE_STATES,
            product__state__in=VISIBLE_STATES,
            product__season__organisation_id=pos.channel.organisation_id,
        )
        .first()
    )
    if performance is None:
        raise Http404
    return performance


@in_language
@require_http_methods(["GET", "POST"])
def performance(request, lang, performance_id):
    pos = point_of_sales()
    item = _performance_or_404(pos, performance_id)
    error = ""
    if request.method == "POST":
        try:
            response = _hold(request, lang, pos, item)
        except sales.BookingError as exc:
            error = str(exc.message)
        else:
            return response
    return render(
        request,
        "shop/performance.html",
        {
            "lang": lang,
            "performance": item,
            "product": item.product,
            "offer": _offer(item, pos),
            "pos": pos,
            "error": error,
            "quantities": range(MAX_QUANTITY + 1),
            "on_sale": item.state in sales.ON_SALE and item.product.state in sales.ON_SALE,
        },
        status=400 if error else 200,
    )


def _hold(request, lang, pos, item, product=None):
    category = None
    if item is not None and not sales.is_unseated(item):
        try:
            category = SeatCategory.objects.get(
                pk=int(request.POST.get("category", "")), configuration=item.configuration
            )
        except (ValueError, SeatCategory.DoesNotExist) as exc:
            raise sales.BookingError(_("Choose a seat category of this performance.")) from exc
    quantities = {}
    for key, value in request.POST.items():
        if key.startswith("qty_"):
            try:
                tariff_id, quantity = int(key[4:]), int(value or 0)
            except ValueError as exc:
                raise sales.BookingError(_("A quantity is a whole number.")) from exc
            if not 0 <= quantity <= MAX_QUANTITY:
                raise sales.BookingError(_("A quantity is between 0 and 10."))
            quantities[tariff_id] = quantity
    order = current_cart(request)
    if order is not None and order.status == Order.Status.PAYING:
        payments.abandon_pending(order)
        order.refresh_from_db()
    created = order is None or not sales.is_live_cart(order)
    if created:
        order = sales.new_cart(pos, contact=signed_in_contact(request))
    try:
        if product is not None:
            lines = sales.hold_undated_places(order, product, quantities)
        else:
            lines = sales.hold_places(order, item, quantities, category)
    except sales.BookingError:
        if created:
            order.delete()  # an empty cart is no cart
        raise
    request.session[CART_SESSION_KEY] = order.pk
    messages.success(
        request,
        translation.ngettext(
            "%(count)d place is held for you.", "%(count)d places are held for you.", len(lines)
        )
        % {"count": len(lines)},
    )
    return write_cart_cookie(HttpResponseRedirect(cart_url(lang)), order)


# --- cart and checkout -------------------------------------------------------------------------


def _cart_context(request, lang, order):
    contact = signed_in_contact(request)
    lines = (
        list(
            order.lines.select_related(
                "product", "performance", "reservation__seat", "seat_category", "tariff", "holder"
            )
        )
        if order
        else []
    )
    qty, total = sales.cart_summary(order)
    pos = order.point_of_sales if order else point_of_sales()
    holders = sales.possible_holders(contact, pos) if contact else []
    return {
        "lang": lang,
        "order": order,
        "lines": lines,
        "total": total,
        "contact": contact,
        "holders": holders,
        "choose_holders": bool(contact and pos.allow_purchase_for_friends_family and holders),
        "credit": payments.credit_balance(contact) if contact else None,
        "login_url": f"{reverse('idp:login')}?{urlencode({'next': cart_url(lang)})}",
    }


@in_language
@require_GET
def cart(request, lang):
    order = current_cart(request)
    response = render(request, "shop/cart.html", _cart_context(request, lang, order))
    if order is None:
        return clear_cart_cookie(response)
    return write_cart_cookie(response, order)


@in_language
@require_POST
def cart_remove(request, lang, line_id):
    order = current_cart(request)
    if order is None or not sales.remove_line(order, line_id):
        raise Http404
    messages.success(request, _("The place has been given back."))
    return write_cart_cookie(HttpResponseRedirect(cart_url(lang)), order)


@in_language
@require_POST
def cart_cancel(request, lang):
    order = current_cart(request)
    if order is not None:
        if order.status == Order.Status.PAYING:
            payments.abandon_pending(order)
        sales.cancel_cart(order)
        request.session.pop(CART_SESSION_KEY, None)
        messages.success(request, _("Your cart has been emptied."))
    return clear_cart_cookie(HttpResponseRedirect(cart_url(lang)))


@in_language
@require_POST
def checkout(request, lang):
    contact = signed_in_contact(request)
    if contact is None:
        return HttpResponseRedirect(_cart_context(request, lang, None)["login_url"])
    order = current_cart(request)
    if order is None:
        messages.error(request, _("Your cart has expired. Please choose your tickets again."))
        return clear_cart_cookie(HttpResponseRedirect(cart_url(lang)))
    if order.contact_id not in (None, contact.pk):
        raise Http404
    if order.status == Order.Status.PAYING:
        payments.abandon_pending(order)
        order.refresh_from_db()
    try:
        for line in order.lines.all():
            holder_id = request.POST.get(f"holder_{line.pk}")
            if holder_id:
                sales.set_holder(line, contact, holder_id, order.point_of_sales)
        started = payments.pay(
            order,
            contact,
            voucher_code=request.POST.get("voucher", "").strip(),
            use_credit=bool(request.POST.get("use_credit")),
            urls=lambda reference: _provider_urls(request, lang),
        )
    except sales.BookingError as exc:
        context = _cart_context(request, lang, current_cart(request))
        context["error"] = str(exc.message)
        return render(request, "shop/cart.html", context, status=400)
    if started.redirect_url:
        return HttpResponseRedirect(started.redirect_url)
    return _paid(request, lang, started.order)


def _provider_urls(request, lang):
    back = request.build_absolute_uri(reverse("shop:payment_return", args=[lang]))
    return (request.build_absolute_uri(reverse("shop:payment_notify")), back, back)


def _paid(request, lang, order):
    request.session.pop(CART_SESSION_KEY, None)
    messages.success(request, _("Thank you! Your order is paid and your tickets are ready."))
    response = HttpResponseRedirect(reverse("shop:order", args=[lang, order.pk]))
    return clear_cart_cookie(response)


@in_language
@require_GET
def payment_return(request, lang):
    """The visitor back from the provider's page, with the signed outcome."""
    try:
        reference, outcome, amount = get_provider().verify(request.GET)
        payment = payments.record_outcome(reference, outcome, amount)
    except (InvalidNotification, payments.PaymentError):
        return HttpResponseBadRequest(_("This payment answer is not valid."))
    order = payment.order
    order.refresh_from_db()
    if order.status == Order.Status.PAID:
        return _paid(request, lang, order)
    if payment.status == payment.Status.REFUSED:
        messages.error(request, _("Your payment was refused: nothing was charged or sold."))
    elif payment.status == payment.Status.ABANDONED:
        messages.warning(request, _("You cancelled the payment: your cart is still here."))
    else:
        messages.error(request, _("Your seats were released before the payment: nothing was sold."))
    return HttpResponseRedirect(cart_url(lang))


@csrf_exempt
@require_POST
def payment_notify(request):
    """The provider's server-to-server notification (signed)."""
    try:
        reference, outcome, amount = get_provider().verify(request.POST)
        payments.record_outcome(reference, outcome, amount)
    except (InvalidNotification, payments.PaymentError):
        return HttpResponseBadRequest("refused")
    return HttpResponse("OK")


@in_language
@require_GET
def order(request, lang, order_id):
    contact = signed_in_contact(request)
    item = Order.objects.filter(pk=order_id, status=Order.Status.PAID).first()
    if contact is None or item is None or item.contact_id != contact.pk:
        raise Http404
    lines = item.lines.select_related(
        "product", "performance", "reservation__seat", "seat_category", "tariff"
    )
    return render(
        request,
        "shop/order.html",
        {"lang": lang, "order": item, "lines": lines, "total": item.total},
    )
