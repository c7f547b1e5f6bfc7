"""What a performance, and an event, shows (C6, W3): THE one decision.

`performance_display` decides for one imported performance: on sale (with its availability),
sold out, not yet on sale (with the date sales open), sales ended, cancelled, or not on sale
(a suspended product or performance). `event_display` summarises an event from its
performances' decisions (an undated product — a pass — is decided on the product's own
availability). The badge, the Book button, the event header, the index and home cards and the
JSON-LD all read these, so they cannot contradict each other.

`availability_ids` lists what must be asked to the ticketshop for a set of pages: only items
whose display depends on availability (a suspended product is not asked).
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from secutix_integration.availability import clean

ON_SALE, FULL, NOT_YET, ENDED, CANCELLED, UNAVAILABLE = (
    "on_sale",
    "full",
    "not_yet",
    "ended",
    "cancelled",
    "unavailable",
)
CANCELLED_STATES = ("CANCELED", "CANCELED_CLOSED")
ENDED_STATES = ("CLOSED",)
RUNNING = "RUNNING"


@dataclass(frozen=True)
class Display:
    status: str
    kind: str = ""  # "product" / "performance": the availability item it was decided on
    item_id: int = 0
    indicator: int | None = None  # 1, 2, 3 or None (unknown) when on sale or full
    remaining: int | None = None
    sales_start: dt.datetime | None = None  # when "not_yet"
    performance_ids: tuple = ()  # an event's summary: the performances it summarises

    @property
    def bookable(self):
        return self.status == ON_SALE

    @property
    def shows_availability(self):
        return self.status in (ON_SALE, FULL)


def _now(now):
    return now or timezone.now()


def _product_status(page, now):
    """The product's own reason not to sell, or None when it is on sale as a product."""
    if page.state in CANCELLED_STATES:
        return CANCELLED
    if page.state in ENDED_STATES:
        return ENDED
    if page.state != RUNNING or page.sales_start is None:
        return UNAVAILABLE
    if now < page.sales_start:
        return NOT_YET
    if page.sales_end and now >= page.sales_end:
        return ENDED
    return None


def _performance_status(page, performance, now):
    """Why this performance is not on sale, or None when only availability decides."""
    if performance.get("state") in CANCELLED_STATES or page.state in CANCELLED_STATES:
        return CANCELLED
    starts = performance.get("start") or ""
    if starts < now.astimezone(dt.UTC).isoformat():
        return ENDED
    status = _product_status(page, now)
    if status is not None:
        return status
    if performance.get("state") != RUNNING:
        return UNAVAILABLE
    return None


def _from_availability(kind, item_id, availability):
    found = clean((availability or {}).get((kind, int(item_id))))
    indicator = found["indicator"] if found else None
    remaining = found["remaining"] if found else None
    return Display(
        FULL if indicator == 3 else ON_SALE,
        kind,
        int(item_id),
        indicator,
        remaining if indicator in (1, 2) else None,
    )


def performance_display(page, performance, availability=None, now=None):
    """What one imported performance of `page` shows (the one rule)."""
    now = _now(now)
    status = _performance_status(page, performance, now)
    if status is not None:
        return Display(
            status,
            "performance",
            int(performance["id"]),
            sales_start=page.sales_start if status == NOT_YET else None,
        )
    return _from_availability("performance", performance["id"], availability)


def _summary(page, displays):
    """An event's header/card from its upcoming performances' displays."""
    on_sale = [d for d in displays if d.status == ON_SALE]
    if on_sale:
        known = [d.indicator for d in on_sale if d.indicator is not None]
        single = on_sale[0] if len(on_sale) == 1 else None
        return Display(
            ON_SALE,
            "summary",
            page.ticketshop_id,
            min(known) if known else None,  # the best of them
            single.remaining if single else None,  # one count only when it is one performance's
            performance_ids=tuple(d.item_id for d in on_sale),
        )
    for status in (FULL, NOT_YET, UNAVAILABLE, ENDED, CANCELLED):  # cancelled: all of them
        matching = [d for d in displays if d.status == status]
        if matching:
            return Display(
                status,
                "summary" if status == FULL else "",
                page.ticketshop_id,
                3 if status == FULL else None,
                sales_start=matching[0].sales_start,
                performance_ids=tuple(d.item_id for d in matching) if status == FULL else (),
            )
    return Display(ENDED)


def upcoming(page, now=None):
    cutoff = _now(now).astimezone(dt.UTC).isoformat()
    return [p for p in page.performances or [] if (p.get("start") or "") >= cutoff]


def event_display(page, availability=None, now=None):
    """What an event shows in its header and its card, agreeing with its performances."""
    now = _now(now)
    if page.performances:
        displays = [performance_display(page, p, availability, now) for p in upcoming(page, now)]
        if not displays:
            return Display(CANCELLED if page.state in CANCELLED_STATES else ENDED)
        return _summary(page, displays)
    status = _product_status(page, now)
    if status is None and page.last_performance and now >= page.last_performance:
        status = ENDED
    if status is not None:
        return Display(
            status,
            "product",
            page.ticketshop_id,
            sales_start=page.sales_start if status == NOT_YET else None,
        )
    return _from_availability("product", page.ticketshop_id, availability)


def availability_ids(pages, now=None):
    """(product ids, performance ids) whose availability the displays of `pages` need."""
    now = _now(now)
    products, performances = [], []
    for page in pages:
        if page.performances:
            performances.extend(
                int(p["id"])
                for p in upcoming(page, now)
                if _performance_status(page, p, now) is None
            )
        elif _product_status(page, now) is None:
            products.append(page.ticketshop_id)
    return products, performances
