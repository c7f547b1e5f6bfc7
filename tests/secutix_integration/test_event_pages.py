"""C5, C6, L6: event pages, badges, the Book link, themes, search and static pages."""

import pytest
from django.core.cache import cache

from secutix_integration import availability
from secutix_integration.importer import run_import
from tests.fixtures.venue import sell
from ticketshop.catalogue.models import Performance, SalesPeriod


@pytest.fixture
def site(ticketshop):
    run = run_import()
    assert run.status == "success", run.error_log
    return ticketshop


@pytest.fixture
def calls(monkeypatch):
    """Every SecuTix availability call the website makes (still really sent over SOAP)."""
    made = []
    real_ask = availability._ask

    def counting_ask(kind, ids, timeout):
        made.append((kind, sorted(ids)))
        return real_ask(kind, ids, timeout)

    monkeypatch.setattr(availability, "_ask", counting_ask)
    return made


def html(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_index_asks_once_for_every_badge_then_uses_the_cache(site, client, calls):
    page = html(client, "/en/events/")
    # one getPerformanceAvailability for the dated events' performances, one
    # getProductAvailability for the undated pass; the suspended product is not asked: its card
    # says "Not on sale" and shows no availability (issue 12: no pill next to "Not on sale")
    assert sorted(calls) == [
        ("performance", sorted([site.concert_1.pk, site.concert_2.pk])),
        ("product", [site.pass_.pk]),
    ]
    assert page.count('class="event-card"') == 3
    assert page.count("data-availability-kind=") == 2
    assert f'data-availability-kind="summary" data-availability-id="{site.concert.pk}"' in page
    assert f'data-availability-kind="product" data-availability-id="{site.pass_.pk}"' in page
    suspended_card = page.split("Susp show")[1].split("</article>")[0]
    assert "Not on sale" in suspended_card and "availability-" not in suspended_card
    assert 'aria-label="Availability: Available"' in page  # text, not colour alone
    html(client, "/en/events/")
    assert len(calls) == 2  # served from the short-lived cache


def test_event_page_asks_once_for_the_product_and_its_performances(site, client, calls):
    page = html(client, "/en/events/concert/")
    # the header sums up the performances: only getPerformanceAvailability is asked
    assert calls == [("performance", sorted([site.concert_1.pk, site.concert_2.pk]))]
    assert page.count('data-availability-kind="performance"') == 2
    assert page.count('data-availability-kind="summary"') == 1
    assert "45.50" in page and "12.25" in page  # prices per seat category


def test_book_links_go_through_the_redirect_api(site, client):
    page = html(client, "/fr/a-l-affiche/spectacle-concert-concert/")  # its French slug (issue 12)
    assert f"/api/1/redirect/product?id={site.concert.pk}&amp;lang=fr" in page
    assert f"/api/1/redirect/product/performance?id={site.concert_1.pk}&amp;lang=fr" in page


def test_a_full_performance_says_sold_out_and_has_no_book_link(site, client):
    sell(site.concert_1, site.seats)
    page = html(client, "/en/events/concert/")
    assert f"performance?id={site.concert_1.pk}&" not in page
    assert f"performance?id={site.concert_2.pk}&" in page
    assert "Sold out" in page
    assert 'aria-label="Availability: Full"' in page


def test_a_product_with_every_performance_full_has_no_book_link(site, client):
    sell(site.concert_1, site.seats)
    sell(site.concert_2, site.seats)
    page = html(client, "/en/events/concert/")
    assert "/api/1/redirect/product?" not in page and "/redirect/product/performance" not in page


def test_suspended_products_are_not_bookable(site, client):
    page = html(client, "/en/events/susp/")
    assert "/api/1/redirect/product" not in page and "Not on sale" in page


@pytest.mark.parametrize("when,label", [("future", "Not yet on sale"), ("past", "Sales ended")])
def test_sales_not_open_say_so(site, client, when, label):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    start, end = (
        (now + timedelta(days=2), now + timedelta(days=9))
        if when == "future"
        else (now - timedelta(days=9), now - timedelta(days=2))
    )
    SalesPeriod.objects.filter(product=site.concert).update(start=start, end=end)
    site.concert.save()
    run_import()
    page = html(client, "/en/events/concert/")
    assert label in page and "/api/1/redirect/product" not in page


def test_ticketshop_down_pages_still_render_with_unknown_badges(site, client, settings, calls):
    settings.SECUTIX = {**settings.SECUTIX, "API_BASE_URL": "http://127.0.0.1:9"}
    page = html(client, "/en/events/concert/")
    assert "Availability unknown" in page
    assert 'aria-label="Availability: Availability unknown"' in page
    html(client, "/en/events/")
    assert len(calls) == 1  # a ticketshop that is down is not asked again at once


def test_badges_refresh_in_the_browser_through_the_websites_endpoint(site, client, calls):
    page = html(client, "/en/events/")
    assert "secutix_integration/availability.js" in page
    assert 'data-endpoint="/secutix/availability/"' in page and "/tnseb/public/" not in page
    sell(site.concert_1, site.seats)
    cache.clear()
    answer = client.get(
        "/secutix/availability/",
        {"performances": f"{site.concert_1.pk},{site.concert_2.pk}", "products": site.pass_.pk},
    ).json()
    found = {(a["kind"], a["id"]): a["indicator"] for a in answer["availabilities"]}
    assert found == {
        ("performance", site.concert_1.pk): 3,
        ("performance", site.concert_2.pk): 1,
        ("product", site.pass_.pk): 1,
    }
    assert sorted(calls[-2:]) == [
        ("performance", sorted([site.concert_1.pk, site.concert_2.pk])),
        ("product", [site.pass_.pk]),
    ]


def test_filters_by_theme_season_and_dates(site, client):
    page = html(client, "/en/events/?theme=JAZZ")
    assert "Concert show" in page and "Pass show" not in page
    page = html(client, "/en/events/?season=S2026")
    assert "Concert show" in page and "Pass show" in page
    page = html(client, "/en/events/?season=OTHER")
    assert "No event matches these filters." in page
    first = Performance.objects.filter(product=site.concert).order_by("start").first().start
    page = html(client, f"/en/events/?from={(first.date()).isoformat()}")
    assert "Concert show" in page and "Pass show" not in page  # the pass has no dates


def test_theme_pages(site, client):
    page = html(client, "/en/events/theme/music/")
    assert "<h1>Music</h1>" in page and "Concert show" in page and "Susp show" not in page
    assert client.get("/en/events/theme/nothing/").status_code == 404


def test_language_switch_keeps_the_event(site, client):
    page = html(client, "/de/programm/konzert-concert/")
    assert "<h1>Konzert</h1>" in page
    assert 'href="/fr/a-l-affiche/spectacle-concert-concert/" hreflang="fr"' in page


def test_search_finds_events_and_static_pages_in_the_visitors_language(site, client):
    page = html(client, "/en/search/?q=concert")
    assert 'href="/en/events/concert/"' in page
    page = html(client, "/fr/search/?q=billets")
    assert 'href="/fr/aide/"' in page and "/en/" not in page.split("search-results")[1]
    assert "Nothing found" in html(client, "/en/search/?q=zzzzzz")


@pytest.mark.parametrize(
    "path,title",
    [
        ("/en/terms-of-sale/", "Terms of sale"),
        ("/fr/security-privacy/", "Sécurité et confidentialité"),
        ("/de/help/", "Hilfe"),
        ("/es/contact-us/", "Contacto"),
    ],
)
def test_static_pages_at_the_urls_the_point_of_sales_links_to(site, client, path, title):
    """The point of sales links with the English slugs; in another language the page has its
    own slug now and the old address answers 301 to it (issue 12)."""
    response = client.get(path, follow=True)
    assert response.status_code == 200 and f"<h1>{title}</h1>" in response.content.decode()
    assert all(status == 301 for _url, status in response.redirect_chain)
    assert bool(response.redirect_chain) == (not path.startswith("/en/"))


def test_the_index_makes_no_query_per_event(site, client, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ticketshop.catalogue.models import Product, State
    from ticketshop.catalogue.services import change_state

    html(client, "/en/events/")  # warm the site's caches
    cache.clear()  # both measured pages ask the ticketshop (same in-memory DB in tests)
    with CaptureQueriesContext(connection) as few:
        html(client, "/en/events/")
    for code in ("MORE1", "MORE2", "MORE3", "MORE4"):
        product = Product.objects.create(
            season=site.season,
            code=code,
            family="EVENT",
            name_en=code,
            price_grid=site.concert.price_grid,
        )
        change_state(product, State.VALIDATED)
        change_state(product, State.RUNNING)
    assert run_import().created == 16
    html(client, "/en/events/")
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        page = html(client, "/en/events/")
    assert page.count('class="event-card"') == 7
    assert len(many) == len(few), "\n".join(
        q["sql"][:200] for q in many.captured_queries[len(few) :]
    )


def test_a_ticketshop_that_hangs_does_not_hold_the_page(site, client, settings):
    import socket

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(5)  # accepts connections, never answers
    try:
        settings.SECUTIX = {
            **settings.SECUTIX,
            "API_BASE_URL": f"http://127.0.0.1:{silent.getsockname()[1]}",
            "AVAILABILITY_TIMEOUT_SECONDS": 0.5,
        }
        page = html(client, "/en/events/concert/")
    finally:
        silent.close()
    assert "Availability unknown" in page
    # the silent server never answers: the page came back only because the wait is bounded
