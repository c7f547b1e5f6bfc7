"""Badges, Book links and the header's visitor/cart for templates of the website (C5, C6, L5)."""

import datetime as dt

from django import template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from secutix_integration import conf
from secutix_integration.availability import clean
from secutix_integration.display import Display, event_display, performance_display

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
    "cancelled": _("Cancelled"),
    "unavailable": _("Not on sale"),
}


def _badge(kind, item_id, indicator, remaining, ids=None):
    """A badge with text and an accessible label: colour is never the only signal.

    Built with format_html rather than a template: a listing shows a hundred of them."""
    css, label = BADGES.get(indicator, BADGES[None])
    extra = ""
    if remaining is not None and indicator in (1, 2):
        text = ngettext("%(count)s seat left", "%(count)s seats left", remaining) % {
            "count": remaining
        }
        extra = format_html(' <span class="availability-remaining">({})</span>', text)
    many = format_html(' data-availability-ids="{}"', ",".join(map(str, ids))) if ids else ""
    return format_html(
        '<span class="availability availability-{css}" role="status" '
        'data-availability-kind="{kind}" data-availability-id="{id}"{many} '
        'aria-label="{prefix}: {label}">'
        '<span class="availability-dot" aria-hidden="true"></span>'
        '<span class="availability-text">{label}</span>{extra}</span>',
        css=css,
        kind=kind,
        id=item_id,
        many=many,
        prefix=gettext("Availability"),
        label=label,
        extra=extra,
    )


@register.simple_tag
def availability_badge(availability, kind, item_id):
    """The badge of one item of get_availabilities' answer (any unusable value: unknown)."""
    found = clean((availability or {}).get((kind, int(item_id)))) or {}
    return _badge(kind, item_id, found.get("indicator"), found.get("remaining"))


@register.simple_tag
def status_badge(display):
    """The badge of a Display (secutix_integration.display): only when on sale or sold out;
    an event's summary badge names the performances it summarises (browser refresh)."""
    if display is None or not display.shows_availability:
        return ""
    ids = display.performance_ids if display.kind == "summary" else None
    return _badge(display.kind, display.item_id, display.indicator, display.remaining, ids)


def _reason(display):
    if display.status == "not_yet" and display.sales_start:
        when = date_format(timezone.localtime(display.sales_start), "DATETIME_FORMAT")
        text = gettext("Not yet on sale: from %(date)s") % {"date": when}
    else:
        text = SALE_LABELS[display.status]
    return format_html('<span class="not-bookable not-bookable-{}">{}</span>', display.status, text)


@register.simple_tag(takes_context=True)
def book_link(context, page, display=None):
    """The Book link through the redirect API, only when the Display says on sale; else why
    not. `display` is a Display, an imported performance (dict) or None (the event)."""
    if not isinstance(display, Display):
        availability = context.get("availability")
        display = (
            performance_display(page, display, availability)
            if display is not None
            else event_display(page, availability)
        )
    if not display.bookable:
        return _reason(display)
    language = translation.get_language()
    if display.kind == "performance":
        url = conf.redirect_url("product/performance", id=display.item_id, lang=language)
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
    """Refreshes every badge of the page through the website's availability endpoint (the same
    server-side path as the page: SecuTix's availability methods, cached), without reloading."""
    return {"endpoint": reverse("secutix_availability")}
