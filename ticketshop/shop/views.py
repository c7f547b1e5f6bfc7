"""The shop (B1): product and performance pages, the cart, checkout and the payment's return.

Thin views: HTTP in, HTTP out. The cart and its cookie are in `cart.py`, the checkout in
`ticketshop.payments.checkout`, the booking rules in `ticketshop.sales.services`, what is on sale
in `ticketshop.catalogue.offer`.
"""

from decimal import Decimal
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ticketshop.catalogue.models import SeatCategory
from ticketshop.catalogue.offer import is_bookable, performances_on_offer, products_on_offer
from ticketshop.http import keep_404
from ticketshop.idp import limits
from ticketshop.idp.session import signed_in_contact
from ticketshop.multilingual import LANGUAGES
from ticketshop.organisation.points_of_sale import current_point_of_sales
from ticketshop.payments import services as payments
from ticketshop.payments.checkout import ReturnUrls
from ticketshop.payments.checkout import checkout as checkout_service
from ticketshop.payments.providers import InvalidNotification, get_provider
from ticketshop.sales import services as sales
from ticketshop.sales.availability import performance_availability, product_availability
from ticketshop.sales.models import Order
from ticketshop.shop import cart as carts

# B2: the point of sales is read on every shop page and hold (a query with two joins); kept in
# Django's cache this long. Saving a point of sales, its channel or organisation forgets it at
# once in the cache (points_of_sale.forget): shared (Redis) in production; per process with the
# default local-memory cache, where another process may keep the old one up to this long.
POINT_OF_SALES_SECONDS = 30


def point_of_sales():
    """The shop cannot work without its point of sales: 404 when none is configured."""
    pos = current_point_of_sales(cached_for=POINT_OF_SALES_SECONDS)
    if pos is None:
        raise Http404
    return pos


def in_language(view):
    @wraps(view)
    def wrapper(request, lang, *args, **kwargs):
        if lang not in LANGUAGES:
            raise Http404
        with translation.override(lang):
            request.LANGUAGE_CODE = lang
            return view(request, lang, *args, **kwargs)

    return keep_404("ticketshop.shop.urls")(never_cache(wrapper))


def cart_url(lang):
    return reverse("shop:cart", args=[lang])


# --- product and performance pages -----------------------------------------------------------


@in_language
@require_http_methods(["GET", "POST"])
def product(request, lang, product_id):
    pos = point_of_sales()
    item = products_on_offer(pos.channel.organisation_id).filter(pk=product_id).first()
    if item is None:
        raise Http404
    if sales.is_undated(item):
        return _booking_page(request, lang, pos, None, item)
    performances = list(
        performances_on_offer().filter(product=item, start__gte=timezone.now()).order_by("start")
    )
    availability = performance_availability([p.pk for p in performances][:200], pos)
    rows = [(p, availability.get(p.pk)) for p in performances]
    return render(
        request, "shop/product.html", {"lang": lang, "product": item, "rows": rows, "pos": pos}
    )


def _offer(performance, pos):
    """[(category or None, availability, [(tariff, price)])] of a performance."""
    measured = performance_availability([performance.pk], pos, by_category=True)[performance.pk]
    if sales.is_unseated(performance):
        prices = sales.prices_for(performance, None)
        return [(None, measured, [(p.tariff, p.amount) for p in prices.values()])]
    offer = []
    categories = SeatCategory.objects.filter(configuration=performance.configuration)
    for category in categories.order_by("rank"):
        prices = sales.prices_for(performance, category)
        if prices:
            by_category = measured.by_category.get(category.pk)
            offer.append((category, by_category, [(p.tariff, p.amount) for p in prices.values()]))
    return offer


def _undated_offer(item, pos):
    measured = product_availability([item.pk], pos)[item.pk]
    prices = sales.prices_for(None, None, product=item)
    return [(None, measured, [(p.tariff, p.amount) for p in prices.values()])]


@in_language
@require_http_methods(["GET", "POST"])
def performance(request, lang, performance_id):
    pos = point_of_sales()
    item = (
        performances_on_offer(pos.channel.organisation_id)
        .select_related("product")
        .filter(pk=performance_id)
        .first()
    )
    if item is None:
        raise Http404
    return _booking_page(request, lang, pos, item, item.product)


def _booking_page(request, lang, pos, item, product):
    """A performance's page (or an undated product's, `item` None): the offer, and holding."""
    error = ""
    if request.method == "POST":
        try:
            order, lines = carts.hold(
                request,
                pos,
                signed_in_contact(request),
                performance=item,
                product=product if item is None else None,
                category=_category(request, item),
            )
        except sales.BookingError as exc:
            error = str(exc.message)
        else:
            messages.success(
                request,
                translation.ngettext(
                    "%(count)d seat is held for you.",
                    "%(count)d seats are held for you.",
                    len(lines),
                )
                % {"count": len(lines)},
            )
            return carts.write_cookie(HttpResponseRedirect(cart_url(lang)), order)
    return render(
        request,
        "shop/performance.html",
        {
            "lang": lang,
            "performance": item,
            "product": product,
            "offer": _offer(item, pos) if item is not None else _undated_offer(product, pos),
            "pos": pos,
            "error": error,
            "quantities": range(carts.MAX_QUANTITY + 1),
            "on_sale": is_bookable(item if item is not None else product),
        },
        status=400 if error else 200,
    )


def _category(request, item):
    if item is None or sales.is_unseated(item):
        return None
    try:
        return SeatCategory.objects.get(
            pk=int(request.POST.get("category", "")), configuration_id=item.configuration_id
        )
    except (ValueError, SeatCategory.DoesNotExist) as exc:
        raise sales.BookingError(_("Choose a seat category of this performance.")) from exc


# --- cart and checkout -------------------------------------------------------------------------


def _cart_context(request, lang, order):
    contact = signed_in_contact(request)
    related = (
        "product",
        "performance",
        "reservation__seat__block__zone",
        "seat_category",
        "tariff",
        "holder",
    )
    lines = list(order.lines.select_related(*related)) if order else []
    total = sum((line.price for line in lines), Decimal("0.00"))
    pos = order.point_of_sales if order else point_of_sales()
    holders = sales.possible_holders(contact, pos) if contact else []
    return {
        "lang": lang,
        "order": order,
        "lines": lines,
        "total": total,
        "held_for": _held_for(order),
        "terms_url": pos.external_url("terms_of_sale_url", lang),
        "contact": contact,
        "holders": holders,
        "choose_holders": bool(contact and pos.allow_purchase_for_friends_family and holders),
        "credit": payments.credit_balance(contact) if contact else None,
        "login_url": f"{reverse('idp:login')}?{urlencode({'next': cart_url(lang)})}",
    }


def _held_for(order):
    """How long the cart's places stay held, as a countdown "M:SS" (the page's script goes on
    counting from it)."""
    if order is None or order.expires_at is None:
        return ""
    left = max(0, int((order.expires_at - timezone.now()).total_seconds()))
    return f"{left // 60}:{left % 60:02d}"


@in_language
@require_GET
def cart(request, lang):
    order = carts.current(request)
    response = render(request, "shop/cart.html", _cart_context(request, lang, order))
    if order is None:
        return carts.clear_cookie(response)
    return carts.write_cookie(response, order)


@in_language
@require_POST
def cart_remove(request, lang, line_id):
    order = carts.editable(request)
    if order is None or not sales.remove_line(order, line_id):
        raise Http404
    messages.success(request, _("The seat has been given back."))
    return carts.write_cookie(HttpResponseRedirect(cart_url(lang)), order)


@in_language
@require_POST
def cart_cancel(request, lang):
    order = carts.editable(request)
    if order is not None:
        sales.cancel_cart(order.pk)
        carts.forget(request)
        messages.success(request, _("Your cart has been emptied."))
    return carts.clear_cookie(HttpResponseRedirect(cart_url(lang)))


def _record_terms(order, url):
    """L6: the terms of sale accepted, on the order: when, and the text's address (the one the
    cart linked to). Kept if the payment then fails: they were accepted."""
    order.terms_accepted_at, order.terms_url = timezone.now(), url[:500]
    Order.objects.filter(pk=order.pk).update(
        terms_accepted_at=order.terms_accepted_at, terms_url=order.terms_url
    )


@in_language
@require_POST
def checkout(request, lang):
    contact = signed_in_contact(request)
    if contact is None:
        return HttpResponseRedirect(_cart_context(request, lang, None)["login_url"])
    order = carts.current(request)
    if order is None:
        messages.error(request, _("Your cart has expired. Please choose your tickets again."))
        return carts.clear_cookie(HttpResponseRedirect(cart_url(lang)))
    if order.contact_id not in (None, contact.pk):
        raise Http404
    if not request.POST.get("accept_terms"):  # before anything changes (L6 terms of sale)
        context = _cart_context(request, lang, order)
        context["terms_error"] = _("Please accept the terms of sale to pay.")
        return render(request, "shop/cart.html", context, status=400)
    _record_terms(order, order.point_of_sales.external_url("terms_of_sale_url", lang))
    back = request.build_absolute_uri(reverse("shop:payment_return", args=[lang]))
    notify = request.build_absolute_uri(reverse("shop:payment_notify"))
    holders = {
        int(key[7:]): value
        for key, value in request.POST.items()
        if key.startswith("holder_") and key[7:].isdigit()
    }
    voucher_code = request.POST.get("voucher", "").strip()
    wait = voucher_code and limits.failures_exceeded("voucher", request, contact.email)
    if wait:  # guessing codes: nothing is tried, the cart is unchanged
        context = _cart_context(request, lang, order)
        context["error"] = _(
            "Too many gift voucher codes were refused. Please try again in %(minutes)s minutes."
        ) % {"minutes": max(1, round(wait / 60))}
        response = render(request, "shop/cart.html", context, status=429)
        response["Retry-After"] = str(wait)
        return response
    try:
        started = checkout_service(
            order,
            contact,
            holders=holders,
            voucher_code=voucher_code,
            use_credit=bool(request.POST.get("use_credit")),
            urls=ReturnUrls(notify=notify, back=back, cancel=back),
        )
    except sales.BookingError as exc:
        if isinstance(exc, payments.VoucherRefused):
            limits.record_failure("voucher", request, contact.email)
        context = _cart_context(request, lang, carts.current(request))
        context["error"] = str(exc.message)
        return render(request, "shop/cart.html", context, status=400)
    if started.redirect_url:
        return HttpResponseRedirect(started.redirect_url)
    return _paid(request, lang, started.order)


def _paid(request, lang, order):
    carts.forget(request)
    messages.success(request, _("Thank you! Your order is paid and your tickets are ready."))
    response = HttpResponseRedirect(reverse("shop:order", args=[lang, order.pk]))
    return carts.clear_cookie(response)


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
    if order.status == Order.Status.PAID and payment.status == payment.Status.CAPTURED:
        return _paid(request, lang, order)
    if payment.status == payment.Status.REFUNDED:
        return render(
            request,
            "shop/payment_refunded.html",
            {"lang": lang, "order": order, "payment": payment},
        )
    if payment.status == payment.Status.REFUSED:
        messages.error(request, _("Your payment was refused: nothing was charged or sold."))
    else:
        messages.warning(request, _("You cancelled the payment: your cart is still here."))
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
    item = sales.paid_order_of(contact, order_id)
    if item is None:
        raise Http404
    return render(request, "shop/order.html", {"lang": lang, "order": item})
