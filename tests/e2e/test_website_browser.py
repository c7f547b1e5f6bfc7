"""C5, C6 in a real browser: the event index with live badges (refreshed through the website's
/secutix/availability/, which asks SecuTix's availability methods), an event page, the language
switch."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from secutix_integration.importer import run_import
from tests.fixtures.venue import sell

pytestmark = pytest.mark.e2e


def test_browse_events_with_badges_and_switch_language(ticketshop, browser, screenshot):  # noqa: F811
    assert run_import().status == "success"
    sell(ticketshop.concert_1, ticketshop.seats[:17])  # 3 of 20 left: "few seats left"
    page = browser.new_page(viewport={"width": 1280, "height": 900})

    page.goto(f"{ticketshop.url}/en/events/")
    page.wait_for_selector("[data-availability-kind][data-refreshed=true]")  # refreshed by JS
    cards = page.locator(".event-card")
    assert cards.count() == 3
    badge = page.locator(f'[data-availability-id="{ticketshop.concert.pk}"]')
    assert badge.inner_text().startswith("Available")  # the best of its performances
    assert "Availability:" in badge.get_attribute("aria-label")
    screenshot(page, "website-1-event-index")

    page.click("text=Concert show")
    page.wait_for_selector("table.performances")
    performance = page.locator(
        f'[data-availability-kind="performance"][data-availability-id="{ticketshop.concert_1.pk}"]'
    )
    page.wait_for_selector(
        f'[data-availability-kind="performance"][data-availability-id="{ticketshop.concert_1.pk}"][data-refreshed=true]'
    )
    assert performance.inner_text().startswith("Few seats left")
    assert page.locator("a.book").count() == 3  # the product and both performances
    screenshot(page, "website-2-event-page")

    sell(ticketshop.concert_1, ticketshop.seats[17:])  # now full: the badge turns red
    cache.clear()  # the ticketshop keeps its answers a few seconds
    page.evaluate("window.refreshAvailability()")  # what the page does every minute
    # a locator, not wait_for_function's string predicate (an eval the CSP refuses)
    badge = page.locator(
        f'[data-availability-kind="performance"][data-availability-id="{ticketshop.concert_1.pk}"]'
    )
    expect(badge).to_have_text(re.compile(r"^\s*Full"))
    assert page.locator("a.book").count() == 2  # the full performance lost its Book link
    assert page.locator(".performance-row .not-bookable-full").count() == 1

    page.click('.language-switch a[hreflang="fr"]')
    page.wait_for_url(f"{ticketshop.url}/fr/a-l-affiche/spectacle-concert-concert/")  # French slug
    assert page.locator("h1").inner_text() == "Spectacle concert"
    screenshot(page, "website-3-event-page-fr")


def test_on_a_phone_the_switch_leads_to_the_event_in_german_at_its_slug(
    ticketshop, browser, screenshot
):  # noqa: F811
    """W5 (issue 12): on a French event page at 390×844 the language switch (behind the menu
    button) leads to the German page at its German slugs — the index's and the event's —,
    with no horizontal scroll."""
    assert run_import().status == "success"
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{ticketshop.url}/fr/a-l-affiche/spectacle-concert-concert/")
    expect(page.locator("h1")).to_have_text("Spectacle concert")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "website-translated-slug-fr-phone")
    page.click(".nav-toggle")
    page.click('.language-switch a[hreflang="de"]')
    page.wait_for_url(f"{ticketshop.url}/de/programm/konzert-concert/")
    expect(page.locator("h1")).to_have_text("Konzert")
    page.click(".nav-toggle")
    page.click(".main-nav a >> nth=0")  # What's on, in German at its German slug
    page.wait_for_url(f"{ticketshop.url}/de/programm/")
    screenshot(page, "website-translated-slug-de-index-phone")
