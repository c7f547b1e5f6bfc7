"""The bundled test card provider's own pages: its hosted payment page and its cancel link."""

from functools import wraps
from urllib.parse import urlencode

from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from ticketshop.payments.models import TestCardOperation
from ticketshop.payments.providers import (
    ABANDONED,
    PROVIDERS,
    SUCCEEDED,
    InvalidNotification,
    testcard_enabled,
)

provider = PROVIDERS["testcard"]


def only_where_enabled(view):
    """Not routed (404) where another provider takes the payments (production)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not testcard_enabled():
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _back(url, fields):
    return HttpResponseRedirect(f"{url}{'&' if '?' in url else '?'}{urlencode(fields)}")


@only_where_enabled
@never_cache
@require_http_methods(["GET", "POST"])
def testcard_page(request):
    token = request.GET.get("session", "")
    try:
        session = provider.open_session(token)
    except InvalidNotification:
        return HttpResponseBadRequest(_("This payment session is not valid or has expired."))
    error = ""
    if request.method == "POST":
        outcome = provider.outcome_for_card(request.POST.get("card_number", ""))
        if outcome is None:
            error = _(
                "Unknown test card. Use 4242 4242 4242 4242 (accepted) or "
                "4000 0000 0000 0002 (refused)."
            )
        else:
            if outcome == SUCCEEDED:
                provider.record_capture(session)
            fields = provider.result(session, outcome)
            provider.notify(session, fields)
            return _back(session["return"], fields)
    return render(
        request,
        "payments/testcard.html",
        {"session": session, "token": token, "error": error},
        status=400 if error else 200,
    )


@only_where_enabled
@never_cache
@require_GET
def testcard_cancel(request):
    try:
        session = provider.open_session(request.GET.get("session", ""))
    except InvalidNotification:
        return HttpResponseBadRequest(_("This payment session is not valid or has expired."))
    fields = provider.result(session, ABANDONED)
    provider.notify(session, fields)
    return _back(session["cancel"], fields)


@only_where_enabled
@never_cache
@require_GET
def testcard_operations(request):
    """The provider's side: its captures and refunds (of one payment with ?reference=)."""
    operations = TestCardOperation.objects.order_by("-pk")
    if request.GET.get("reference"):
        operations = operations.filter(payment_reference=request.GET["reference"])
    return render(request, "payments/testcard_operations.html", {"operations": operations[:200]})
