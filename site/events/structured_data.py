"""schema.org Event JSON-LD of an event page's performances (W6), agreeing with the badges (C6)."""

import json

from django.utils.html import format_html
from django.utils.safestring import mark_safe

AVAILABILITY = {
    "on_sale": "https://schema.org/InStock",
    "full": "https://schema.org/SoldOut",
    "not_yet": "https://schema.org/PreOrder",
    "ended": "https://schema.org/Discontinued",
    "unavailable": "https://schema.org/Discontinued",
    "cancelled": "https://schema.org/Discontinued",
}


def event_status(performance, status=None):
    """From the performance's state, and the one rule's status (a cancelled product cancels
    its performances)."""
    if status == "cancelled" or performance.get("state") == "CANCELED":
        return "https://schema.org/EventCancelled"
    if performance.get("state") == "SUSPENDED":
        return "https://schema.org/EventPostponed"
    return "https://schema.org/EventScheduled"


def performance_json_ld(page, row, page_url, image_url=None):
    """One Event of `row` (a performance with its `status` and `book_url`)."""
    performance = row["performance"]
    prices = [
        price
        for category in performance.get("seatCategories") or []
        for price in (category.get("minPrice"), category.get("maxPrice"))
        if price not in (None, "")
    ]
    offer = {
        "@type": "Offer",
        "url": row["book_url"] or page_url,
        "priceCurrency": page.currency or "EUR",
        "availability": AVAILABILITY[row["status"]],
    }
    if prices:
        low, high = min(prices, key=float), max(prices, key=float)
        offer["price"] = str(low)  # from…
        if low != high:
            offer = {
                **offer,
                "@type": "AggregateOffer",
                "lowPrice": str(low),
                "highPrice": str(high),
            }
    if row["status"] == "not_yet" and page.sales_start:
        offer["validFrom"] = page.sales_start.isoformat()
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "@id": f"{page_url}#performance-{performance['id']}",
        "name": page.title,
        "startDate": performance.get("start"),
        "eventStatus": event_status(performance, row["status"]),
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "url": page_url,
        "location": {
            "@type": "Place",
            "name": performance.get("venue") or "The CUBE",
            "address": "The CUBE, 1 place des Arts, 75000 Paris",
        },
        "organizer": {"@type": "Organization", "name": "The CUBE"},
        "offers": offer,
    }
    if performance.get("hall"):
        data["location"]["containedInPlace"] = {"@type": "Place", "name": performance["hall"]}
    if page.imported_description:
        data["description"] = page.imported_description
    if image_url:
        data["image"] = [image_url]
    return data


def json_ld_script(data):
    """A <script type="application/ld+json"> that cannot be closed by the data."""
    text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))
