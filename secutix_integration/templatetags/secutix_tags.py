"""Badges, Book links and the header's visitor/cart for templates of the website (C5, C6, L5)."""

import datetime as dt

from django import template
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from secutix_integration import conf

register = template.Library()

BADGES = {
    1: ("available", _("Available")),
    2: ("few-left", _("Few seats left")),
    3: ("full", _("Full")),
    None: ("unknown", _("Availability unknown")),
}
SALE_LABELS = {
    "full": _("Sold out"),
    "not_yet": _("Not yet on sale"),
    "ended": _("Sales ended"),
    "unavailable": _("Not on sale"),
}


@register.simple_tag
def availability_badge(availability, kind, item_id):
    """A badge with text and an accessible label: colour is never the only signal.

    Built with format_html rather than a template: a listing shows a hundred of them."""
    found = (availability or {}).get((kind, int(item_id))) or {}
    indicator = found.get("indicator")
    css, label = BADGES.get(indicator, BADGES[None])
    remaining = found.get("remaining") if indicator in (1, 2) else None
    extra = ""
    if remaining is not None:
        text = ngettext("%(count)s seat left", "%(count)s seats left", remaining) % {
            "count": remaining
        }
        extra = format_html(' <span class="availability-remaining">({})</span>', text)
    return format_html(
        '<span class="availability availability-{css}" role="status" '
        'data-availability-kind="{kind}" data-availability-id="{id}" aria-label="{prefix}: {label}">'
        '<span class="availability-dot" aria-hidden="true"></span>'
        '<span class="availability-text">{label}</span>{extra}</span>',
        css=css,
        kind=kind,
        id=item_id,
        prefix=gettext("Availability"),
        label=label,
        extra=extra,
    )


@register.simple_tag(takes_context=True)
def book_link(context, page, performance=None):
    """The Book link through the redirect API, only when on sale and not full; else why not."""
    status = page.booking_status(context.get("availability"), performance)
    language = translation.get_language()
    if status != "on_sale":
        return format_html(
            '<span class="not-bookable not-bookable-{}">{}</span>', status, SALE_LABELS[status]
        )
    if performance is not None:
        url = conf.redirect_url("product/performance", id=performance["id"], lang=language)
    else:
        url = conf.redirect_url("product", id=page.ticketshop_id, lang=language)
    book = gettext("Book")
    return format_html(
        '<a class="button book" href="{}" aria-label="{}: {}">{}</a>', url, book, page.title, book
    )


@register.filter
def as_datetime(value):
    """An ISO date-time string of the imported data as an aware datetime, for |date."""
    try:
        parsed = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return timezone.localtime(parsed) if timezone.is_aware(parsed) else parsed


@register.inclusion_tag("secutix_integration/tags/availability_script.html")
def availability_script():
    """Refreshes every badge on the page from the ticketshop, without reloading the page."""
    return {"endpoint": conf.public_availability_url()}
