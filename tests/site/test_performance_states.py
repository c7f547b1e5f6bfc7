"""Issue 12 "States that agree" (C6): ONE function (secutix_integration.display) decides what a
performance shows, and the badge, the Book button, the event header, the index cards and the
JSON-LD all follow it. One test per contradiction seen on main (Fado Nights, The Misanthrope,
Swan Lake, Hamlet's header), plus the suspended product's card.

Availability is put in the plugin's cache as the ticketshop would have answered (even where a
badge must NOT be shown), so no ticketshop runs and nothing is asked to one."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.utils import timezone

from events.models import EventIndexPage, EventPage
from home.demo import load_site_demo
from secutix_integration import availability as availability_client
from secutix_integration.display import event_display, performance_display
from tests.site.test_venue_site import available, get, json_ld, make_event, performance

pytestmark = pytest.mark.django_db


@pytest.fixture
def index(monkeypatch):
    cache.clear()
    load_site_demo()

    def no_ticketshop(*args, **kwargs):
        raise AssertionError("the ticketshop was asked")

    monkeypatch.setattr(availability_client, "_ask", no_ticketshop)
    yield EventIndexPage.objects.get(locale__language_code="en")
    cache.clear()


def event(index, slug, pid, performances, sales_start=None, **facts):
    now = timezone.now()
    page = make_event(index, slug, pid, performances, sales_start or now - dt.timedelta(days=10))
    if facts:
        EventPage.objects.filter(pk=page.pk).update(**facts)
        page.refresh_from_db()
    return page


def card(html, title):
    for article in html.split('<article class="event-card">')[1:]:
        if f">{title}</a>" in article:
            return article.split("</article>")[0]
    raise AssertionError(f"no card for {title}")


def main(html):
    return html.split("<main")[1].split("</main>")[0]


def header(html):
    return html.split('<p class="event-actions">')[1].split("</p>")[0]


def _row(html, pid):
    for tr in html.split("<tr ")[1:]:
        if f"performance/{pid}/" in tr or f"calendar/{pid}/" in tr:
            return tr.split("</tr>")[0]
    raise AssertionError(f"no row for performance {pid}")


def badges(fragment):
    return re.findall(r'class="availability availability-([\w-]+)"', fragment)


def test_sales_ended_shows_no_availability_anywhere(client, index):
    """Fado Nights: "Available (60 seats left)" next to "Sales ended"."""
    now = timezone.now()
    event(
        index,
        "fado",
        301,
        [performance(31, now + dt.timedelta(days=5))],
        sales_end=now - dt.timedelta(hours=1),
    )
    available("product", 301, 1, 60)
    available("performance", 31, 1, 60)
    page = get(client, "/en/events/fado/")
    assert "Sales ended" in header(page) and not badges(header(page))
    assert "Sales ended" in _row(page, 31) and not badges(_row(page, 31))
    assert "seats left" not in main(page) and 'class="button book"' not in page
    assert json_ld(page)["31"]["offers"]["availability"] == "https://schema.org/Discontinued"
    fado = card(get(client, "/en/events/"), "Fado")
    assert "Sales ended" in fado and not badges(fado) and "seats left" not in fado


def test_a_suspended_product_shows_not_on_sale_and_no_pill_on_its_card(client, index):
    """The Misanthrope: "Available (60 seats left)" next to "Not on sale"; and the index card
    that still showed a pill for a suspended product."""
    now = timezone.now()
    event(
        index,
        "misanthrope",
        302,
        [performance(32, now + dt.timedelta(days=5))],
        state="SUSPENDED",
    )
    available("product", 302, 1, 60)
    available("performance", 32, 1, 60)
    page = get(client, "/en/events/misanthrope/")
    assert "Not on sale" in header(page) and not badges(main(page))
    assert "Not on sale" in _row(page, 32) and 'class="button book"' not in page
    misanthrope = card(get(client, "/en/events/"), "Misanthrope")
    assert "Not on sale" in misanthrope and not badges(misanthrope)


def test_not_yet_on_sale_says_from_when_and_shows_no_availability(client, index):
    """Swan Lake: "Available" next to "Not yet on sale"; the date sales open is shown."""
    now = timezone.now()
    opens = now + dt.timedelta(days=3)
    event(
        index,
        "swanlake",
        303,
        [performance(33, now + dt.timedelta(days=20))],
        sales_start=opens,
    )
    available("product", 303, 1, 60)
    available("performance", 33, 1, 60)
    page = get(client, "/en/events/swanlake/")
    for fragment in (header(page), _row(page, 33), card(get(client, "/en/events/"), "Swanlake")):
        assert "Not yet on sale: from" in fragment and not badges(fragment)
        assert str(timezone.localtime(opens).year) in fragment
    assert 'class="button book"' not in page
    assert json_ld(page)["33"]["offers"]["availability"] == "https://schema.org/PreOrder"


def test_the_header_sums_up_the_performances_it_shows(client, index):
    """Hamlet: the header said 504 left (the product's own answer) while the one performance
    on sale showed 502: the header is now made from the performances' answers."""
    now = timezone.now()
    event(
        index,
        "hamletx",
        304,
        [
            performance(34, now + dt.timedelta(days=7)),
            performance(35, now + dt.timedelta(days=8)),
        ],
    )
    available("product", 304, 1, 504)  # never read: the performances decide
    available("performance", 34, 1, 502)
    available("performance", 35, 3, 0)
    page = get(client, "/en/events/hamletx/")
    assert "502 seats left" in header(page) and "504" not in main(page)
    assert "502 seats left" in _row(page, 34) and "Sold out" in _row(page, 35)
    assert 'data-availability-kind="summary"' in header(page)
    assert 'data-availability-ids="34"' in header(page)  # what the browser refresh sums up
    hamlet = card(get(client, "/en/events/"), "Hamletx")
    assert "502 seats left" in hamlet and "504" not in hamlet

    # two performances on sale: the best indicator, no count that belongs to only one of them
    available("performance", 35, 2, 3)
    page = get(client, "/en/events/hamletx/")
    assert badges(header(page)) == ["available"] and "seats left" not in header(page)
    assert 'data-availability-ids="34,35"' in header(page)

    # all performances sold out: the event says sold out, with no Book button
    available("performance", 34, 3, 0)
    available("performance", 35, 3, 0)
    page = get(client, "/en/events/hamletx/")
    assert "Sold out" in header(page) and badges(header(page)) == ["full"]
    assert 'class="button book"' not in page
    assert "Sold out" in card(get(client, "/en/events/"), "Hamletx")


def test_cancelled_and_suspended_performances_of_an_event_on_sale(client, index):
    now = timezone.now()
    event(
        index,
        "mixed",
        305,
        [
            performance(36, now + dt.timedelta(days=7), state="CANCELED"),
            performance(37, now + dt.timedelta(days=8), state="SUSPENDED"),
            performance(38, now + dt.timedelta(days=9)),
        ],
    )
    for pid in (36, 37, 38):
        available("performance", pid, 1, 10)
    page = get(client, "/en/events/mixed/")
    assert "Cancelled" in _row(page, 36) and not badges(_row(page, 36))
    assert "Not on sale" in _row(page, 37) and not badges(_row(page, 37))
    assert badges(_row(page, 38)) == ["available"] and 'class="button book"' in _row(page, 38)
    assert 'data-availability-ids="38"' in header(page)  # the header sums up 38 only


def test_a_cancelled_product_says_cancelled_everywhere(client, index):
    now = timezone.now()
    event(
        index,
        "gone",
        306,
        [performance(39, now + dt.timedelta(days=7))],
        state="CANCELED",
    )
    available("performance", 39, 1, 10)
    page = get(client, "/en/events/gone/")
    assert "Cancelled" in header(page) and "Cancelled" in _row(page, 39)
    assert not badges(main(page)) and 'class="button book"' not in page
    assert "Cancelled" in card(get(client, "/en/events/"), "Gone")
    assert json_ld(page)["39"]["eventStatus"] == "https://schema.org/EventCancelled"


def test_the_one_function_answers_for_every_case():
    """The decision itself, without pages: the same page object in every state."""
    now = timezone.now()
    perf = {"id": 1, "state": "RUNNING", "start": (now + dt.timedelta(days=1)).isoformat()}
    page = EventPage(
        ticketshop_id=9,
        state="RUNNING",
        sales_start=now - dt.timedelta(days=1),
        sales_end=now + dt.timedelta(days=5),
        performances=[perf],
    )
    seen = {("performance", 1): {"indicator": 2, "remaining": 4}}
    shown = performance_display(page, perf, seen, now)
    assert (shown.status, shown.indicator, shown.remaining, shown.bookable) == (
        "on_sale",
        2,
        4,
        True,
    )
    unknown = performance_display(page, perf, {}, now)
    assert (unknown.status, unknown.indicator) == ("on_sale", None)  # bookable, "unknown"
    garbage = {("performance", 1): {"indicator": 2, "remaining": "4"}}
    assert performance_display(page, perf, garbage, now).indicator is None
    full = {("performance", 1): {"indicator": 3, "remaining": 0}}
    assert performance_display(page, perf, full, now).status == "full"
    assert event_display(page, full, now).status == "full"
    cases = [
        ({"state": "SUSPENDED"}, "unavailable"),
        ({"state": "PREPARING"}, "unavailable"),
        ({"state": "CLOSED"}, "ended"),
        ({"state": "CANCELED"}, "cancelled"),
        ({"sales_start": None}, "unavailable"),
        ({"sales_start": now + dt.timedelta(hours=1)}, "not_yet"),
        ({"sales_end": now - dt.timedelta(hours=1)}, "ended"),
    ]
    for facts, status in cases:
        changed = EventPage(**{**page_facts(page), **facts})
        assert performance_display(changed, perf, seen, now).status == status, facts
        assert event_display(changed, seen, now).status == status, facts
    past = {**perf, "start": (now - dt.timedelta(minutes=1)).isoformat()}
    assert performance_display(page, past, seen, now).status == "ended"


def page_facts(page):
    return {
        "ticketshop_id": page.ticketshop_id,
        "state": page.state,
        "sales_start": page.sales_start,
        "sales_end": page.sales_end,
        "performances": page.performances,
    }
