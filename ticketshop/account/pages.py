"""What every page of the account area shares (not views themselves): the requested language,
the contact session guard and the layout's context. View modules import this, never each other."""

from contextlib import nullcontext
from functools import wraps
from urllib.parse import urlencode

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache

from ticketshop.contacts.links import friends_and_family_enabled
from ticketshop.idp.session import signed_in_contact
from ticketshop.multilingual import normalise_language
from ticketshop.organisation.points_of_sale import current_point_of_sales


def requested_language(request):
    """`?lang=` (as the redirect API passes it) chooses the page's language, for this request
    only: a context manager, so the thread's language is restored afterwards."""
    requested = request.GET.get("lang", "")
    if requested and normalise_language(requested, default="") == requested.lower()[:2]:
        return translation.override(requested.lower()[:2])
    return nullcontext()


def in_requested_language(view):
    """Run `view` in the `?lang=` language (see `requested_language`)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        with requested_language(request):
            request.LANGUAGE_CODE = translation.get_language()
            response = view(request, *args, **kwargs)
            # LocaleMiddleware only sets the header when missing: keep the page's language.
            response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
            return response

    return wrapper


def contact_required(view):
    """The account area needs the IdP's contact session; otherwise sign in and come back."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        contact = signed_in_contact(request)
        if contact is None:
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('idp:login')}?{query}")
        request.contact = contact
        return view(request, *args, **kwargs)

    return never_cache(in_requested_language(wrapper))


def render_account_page(request, template, context=None, status=200):
    """Render a page of the account area with the layout's context (menu, links back)."""
    pos = current_point_of_sales()
    base = {
        "contact": request.contact,
        "friends_enabled": friends_and_family_enabled(pos, request.contact),
        "products_url": (
            pos.external_url("website_home_url", request.contact.language) if pos else ""
        )
        or "/",
    }
    return render(request, template, {**base, **(context or {})}, status=status)
