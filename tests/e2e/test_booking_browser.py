"""B1–B3, F6 in a real browser: from an event page's Book button to paid tickets in the account
area, one of them for a friend, paid on the test card provider's hosted page."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from secutix_integration.importer import run_import
from tests.fixtures.booking import PASSWORD, make_contact
from ticketshop.contacts.models import ContactLink
from ticketshop.contacts.services import default_link_kind
from ticketshop.payments.providers import PROVIDERS, http_post
from ticketshop.sales.models import Order, SeatReservation

pytestmark = pytest.mark.e2e


def test_book_pay_and_find_the_tickets(ticketshop, browser, screenshot, keys_dir, monkeypatch):  # noqa: F811
    notified = []

    def transport(url, data):  # the provider's real HTTP notification, observed
        notified.append((url, http_post(url, data)))

    monkeypatch.setattr(PROVIDERS["testcard"], "transport", transport)
    settings.SECUTIX = {**settings.SECUTIX, "KEYS_DIR": keys_dir}
    settings.TICKETSHOP = {**settings.TICKETSHOP, "KEYS_DIR": keys_dir}
    shop = ticketshop
    shop.pos.allow_purchase_for_friends_family = True
    shop.pos.modify_ticket_holder = True
    shop.pos.save()
    visitor = make_contact(shop.org, "michel@example.com", "Michel", "Shapira")
    friend = make_contact(shop.org, "anna@example.com", "Anna", "Shapira")
    ContactLink.objects.create(parent=visitor, child=friend, kind=default_link_kind(shop.org))
    assert run_import().status == "success"

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{shop.url}/en/events/")
    page.click("text=Concert show")
    page.wait_for_selector("table.performances")
    page.click(f'a.book[href*="performance?id={shop.concert_1.pk}"]')
    page.wait_for_selector("form.category-offer")
    assert page.url.endswith(f"/shop/en/performance/{shop.concert_1.pk}/")
    screenshot(page, "booking-1-performance")

    first_offer = page.locator("form.category-offer").first
    first_offer.locator("select").first.select_option("2")
    first_offer.locator("button[type=submit]").click()
    page.wait_for_selector(".cart-line")
    assert page.locator(".cart-line").count() == 2
    assert "Row A, seat 1" in page.inner_text("table.cart-lines")
    expect(page.locator(".countdown")).to_contain_text(":")  # cart.js runs under the CSP
    assert re.match(
        r"Held for you for \d{1,2}:\d\d more \(until \d\d:\d\d\)", page.inner_text(".expiry")
    )
    screenshot(page, "booking-2-cart")

    page.click("text=Sign in to check out")
    page.fill("input[name=email]", visitor.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=Confirm and pay")
    assert "/shop/en/cart/" in page.url
    page.locator("select[name^=holder_]").first.select_option(str(friend.pk))
    screenshot(page, "booking-3-cart-signed-in")
    # the terms of sale are linked and must be accepted: the browser keeps the visitor here
    assert "/terms/" in page.get_attribute("p.terms a", "href")
    page.click("text=Confirm and pay")
    assert page.evaluate("document.querySelector('input[name=accept_terms]').validity.valueMissing")
    assert "/shop/en/cart/" in page.url and not page.locator("input[name=card_number]").count()
    page.check("input[name=accept_terms]")
    page.click("text=Confirm and pay")

    page.wait_for_selector("input[name=card_number]")
    assert "91.00 EUR" in page.inner_text(".amount")
    screenshot(page, "booking-4-card-page")
    page.fill("input[name=card_number]", "4242 4242 4242 4242")
    page.click("button[type=submit]")
    page.wait_for_selector("text=Your order is paid")
    screenshot(page, "booking-5-paid")
    assert notified == [(f"{shop.url}/shop/payment/notify/", 200)]  # server to server, signed
    assert Order.objects.get().status == "PAID"
    assert SeatReservation.objects.filter(status="SOLD").count() == 2

    page.goto(f"{shop.url}/account/tickets/")
    page.wait_for_selector("tr.ticket")
    text = page.inner_text("table.tickets")
    assert "Anna Shapira" in text and "Michel Shapira" in text
    screenshot(page, "booking-6-account-tickets")
    with page.expect_download() as download:
        page.locator("text=Download (PDF)").first.click()
    assert download.value.suggested_filename.startswith("ticket-")
    page.close()  # no keep-alive connection left to the live server when it stops
