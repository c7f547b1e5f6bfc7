"""The account area's booking pages (B3, F6): tickets, order history, subscriptions, resale."""

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ticketshop.account.pages import contact_required
from ticketshop.account.pages import render_account_page as _render
from ticketshop.catalogue.models import Family
from ticketshop.http import keep_404 as keep_404_of
from ticketshop.multilingual import normalise_language
from ticketshop.organisation.points_of_sale import current_point_of_sales as point_of_sales
from ticketshop.sales import services as sales
from ticketshop.sales.tickets import ticket_pdf

SUBSCRIPTION_FAMILIES = (Family.SUBSCRIPTION, Family.UNDATED_PASS, Family.PACKAGE)
keep_404 = keep_404_of("ticketshop.account.urls")


def _can_modify_holder(pos):
    return bool(pos and pos.modify_ticket_holder)


@keep_404
@contact_required
@require_GET
def tickets(request):
    pos = point_of_sales()
    items = list(
        sales.tickets_of(request.contact).exclude(product__family__in=SUBSCRIPTION_FAMILIES)
    )
    holders = sales.possible_holders(request.contact, pos) if _can_modify_holder(pos) else []
    for ticket in items:
        ticket.holder_choices = _holder_choices(request.contact, ticket, holders)
    return _render(request, "account/tickets.html", {"section": "tickets", "tickets": items})


def _holder_choices(contact, ticket, holders):
    """[(contact id, name)] the buyer may give `ticket` to, its current holder first and
    selected even when no longer among them (a friend while purchase for friends is off):
    the form never preselects somebody else. Empty when there is no choice to make."""
    if ticket.order.contact_id != contact.pk:
        return []
    choices = [(ticket.holder_id, ticket.holder_name)]
    choices += [
        (h.pk, f"{h.first_name} {h.last_name}") for h in holders if h.pk != ticket.holder_id
    ]
    return choices if len(choices) > 1 else []


def _own_ticket(contact, ticket_id):
    """A ticket of an order `contact` placed; anybody else's → 404 (never 403: no probing)."""
    line = (
        sales.live_tickets()
        .select_related(
            "order",
            "product",
            "performance__configuration__hall__venue",
            "reservation__seat__block__zone__hall__venue",
            "tariff",
            "seat_category",
        )
        .filter(pk=ticket_id, order__contact=contact)
        .first()
    )
    if line is None:
        raise Http404
    return line


@keep_404
@contact_required
@require_GET
def ticket_download(request, ticket_id):
    line = _own_ticket(request.contact, ticket_id)
    language = normalise_language(request.contact.language, default="en")
    response = HttpResponse(ticket_pdf(line, language), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="ticket-{line.barcode}.pdf"'
    return response


@keep_404
@contact_required
@require_POST
def ticket_holder(request, ticket_id):
    pos = point_of_sales()
    if not _can_modify_holder(pos):
        raise Http404
    line = _own_ticket(request.contact, ticket_id)
    if request.POST.get("holder") == str(line.holder_id):
        messages.info(request, _("The ticket holder is unchanged."))
        return HttpResponseRedirect(reverse("account:tickets"))
    try:
        sales.set_holder(line, request.contact, request.POST.get("holder"), pos)
    except sales.BookingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The ticket holder has been changed."))
    return HttpResponseRedirect(reverse("account:tickets"))


@keep_404
@contact_required
@require_GET
def orders(request):
    items = sales.orders_of(request.contact)
    return _render(request, "account/orders.html", {"section": "orders", "orders": items})


@keep_404
@contact_required
@require_GET
def order_detail(request, order_id):
    item = sales.paid_order_of(request.contact, order_id)
    if item is None:
        raise Http404
    return _render(
        request,
        "account/order_detail.html",
        {"section": "orders", "order": item, "payments": item.payments.all()},
    )


@keep_404
@contact_required
@require_GET
def subscriptions(request):
    items = sales.tickets_of(request.contact).filter(product__family__in=SUBSCRIPTION_FAMILIES)
    return _render(
        request, "account/subscriptions.html", {"section": "subscriptions", "tickets": items}
    )


@keep_404
@contact_required
@require_GET
def resale(request):
    pos = point_of_sales()
    return _render(
        request,
        "account/resale.html",
        {
            "section": "resale",
            "resale_allowed": bool(pos and pos.allow_ticket_resale),
            "tickets": sales.tickets_of(request.contact).filter(order__contact=request.contact),
        },
    )
