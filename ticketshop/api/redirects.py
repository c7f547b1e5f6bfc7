"""The redirect API (L1, L6): links from the website into the shop and the account area.

The shop's product pages and the account area belong to other parts of the ticketshop: their
paths are kept here, in TARGETS, so that they change in one place.
"""

from functools import wraps
from urllib.parse import urlencode

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ticketshop.api.http import keep_404
from ticketshop.catalogue.models import Product
from ticketshop.catalogue.offer import performances_on_offer, products_on_offer
from ticketshop.multilingual import normalise_language
from ticketshop.organisation.points_of_sale import current_point_of_sales
from ticketshop.organisation.return_urls import Refused, allowed_return_hosts, checked_return_url
from ticketshop.sales.availability import MAX_ID

TARGETS = {
    "product": "/shop/{lang}/product/{id}/",
    "performance": "/shop/{lang}/performance/{id}/",
    "account": "/account/",
    "register": "/account/register/",
    "edit": "/account/edit/",
    "activate": "/account/activate/",
    "cart": "/shop/{lang}/cart/",
}
SHOW_FLAGS = ("showAddress", "showCriteria", "showAuthorization")
TRUE_VALUES, FALSE_VALUES = {"true", "1"}, {"false", "0"}


def _language(request, pos):
    default = pos.default_language if pos else "en"
    return normalise_language(request.GET.get("lang"), default=default)


def safe_return_url(url, pos):
    """`url` when it is a relative path or on an allowed host of the website; else Refused
    (the one rule, ticketshop.organisation.return_urls)."""
    return checked_return_url(url, allowed_return_hosts(pos))


def show_flag(value):
    if value is None:
        return "true"
    lowered = value.strip().lower()
    if lowered in TRUE_VALUES:
        return "true"
    if lowered in FALSE_VALUES:
        return "false"
    raise Refused(_("A show… flag takes true/false or 1/0, not %(value)r.") % {"value": value})


def _page(request, template, status, language, context):
    return render(request, template, {**context, "lang": language}, status=status)


def in_language(view):
    """Give the view the point of sales and the asked language, active while it runs."""

    @wraps(view)
    @require_GET
    def wrapper(request):
        pos = current_point_of_sales()
        lang = _language(request, pos)
        with translation.override(lang):
            return view(request, pos, lang)

    return wrapper


def _refused(request, language, message):
    return _page(request, "ticketshop_api/refused.html", 400, language, {"message": message})


def _not_found(request, language, message):
    response = _page(request, "ticketshop_api/not_found.html", 404, language, {"message": message})
    return keep_404(request, response)


def _redirect(target, params):
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return HttpResponseRedirect(target + (f"?{query}" if query else ""))


def _int(value):
    """A positive id the database can hold, or None."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= MAX_ID else None


@in_language
def product_redirect(request, pos, lang):
    products = Product.objects.all()
    if pos:
        products = products.filter(season__organisation_id=pos.channel.organisation_id)
    if request.GET.get("id"):
        product_id = _int(request.GET["id"])
        if product_id is None:
            return _refused(request, lang, _("id must be a whole number."))
        product = products.filter(pk=product_id).first()
    elif request.GET.get("code"):
        products = products.filter(code=request.GET["code"].strip().upper())
        if request.GET.get("season"):
            products = products.filter(season__code=request.GET["season"].strip().upper())
        product = products.order_by("-season__start_date").first()
    else:
        return _refused(request, lang, _("Give the product's id or code."))
    if product is None or not products_on_offer().filter(pk=product.pk).exists():
        return _not_found(request, lang, _("This product does not exist."))
    return _redirect(TARGETS["product"].format(lang=lang, id=product.pk), {})


@in_language
def performance_redirect(request, pos, lang):
    performance_id = _int(request.GET.get("id"))
    if performance_id is None:
        return _refused(request, lang, _("Give the performance's id (a whole number)."))
    performances = performances_on_offer().filter(pk=performance_id)
    if pos:
        performances = performances.filter(
            product__season__organisation_id=pos.channel.organisation_id
        )
    if not performances.exists():
        return _not_found(request, lang, _("This performance does not exist."))
    return _redirect(TARGETS["performance"].format(lang=lang, id=performance_id), {})


def _account_redirect(target, with_return=False, extra=()):
    @in_language
    def view(request, pos, lang):
        params = {"lang": lang}
        try:
            if with_return:
                callback = request.GET.get("callbackUrl") or request.GET.get("returnPath")
                params["callbackUrl"] = safe_return_url(callback, pos)
                params["cancelPath"] = safe_return_url(request.GET.get("cancelPath"), pos)
                for flag in SHOW_FLAGS:
                    params[flag] = show_flag(request.GET.get(flag))
        except Refused as exc:
            return _refused(request, lang, str(exc))
        for name in extra:
            params[name] = request.GET.get(name) or None
        return _redirect(TARGETS[target], params)

    return view


account_redirect = _account_redirect("account")
register_redirect = _account_redirect("register", with_return=True)
edit_redirect = _account_redirect("edit", with_return=True)
activate_redirect = _account_redirect("activate", extra=("contactNumber", "token"))


@in_language
def cart_redirect(request, pos, lang):
    order_id = request.GET.get("orderId")
    if order_id and _int(order_id) is None:
        return _refused(request, lang, _("orderId must be a whole number."))
    return _redirect(TARGETS["cart"].format(lang=lang), {"orderId": order_id or None})
