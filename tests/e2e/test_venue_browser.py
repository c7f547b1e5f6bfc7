"""Issue 12 in Chromium: a French visitor on a phone and on a desktop, from the home page to the
account area, through the shop and the IdP's sign-in page.

On every page: no horizontal scrolling (scrollWidth <= viewport), the Book button on screen,
the page in French, and axe-core (WCAG 2.1 A/AA) reports nothing serious or critical.
Screenshots go to tests/e2e/screenshots/ (not in git)."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from home.demo_images import attach_event_teasers
from secutix_integration.importer import run_import
from tests.fixtures.booking import PASSWORD, make_contact

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "tests" / "e2e" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SIZES = {"phone": (390, 844), "desktop": (1280, 900)}
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page):
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # served from the page's own origin: the CSP (script-src 'self') refuses an inline copy
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
        page.route(
            f"{origin}/__axe__.js",
            lambda route: route.fulfill(path=str(AXE), content_type="application/javascript"),
        )
        page.add_script_tag(url=f"{origin}/__axe__.js")
    found = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))",
        WCAG,
    )
    return [v for v in found if v["impact"] in ("serious", "critical")]


def check(page, size, name, language="fr", book=False):
    """What every page must be, at every size."""
    width = page.viewport_size["width"]
    page.wait_for_load_state("load")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{size}-{name}.png", full_page=True)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{name}: {scroll_width}px wide at {width}px"
    assert page.get_attribute("html", "lang") == language, name
    if book:
        button = page.locator("a.book").first
        box = button.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, name
    violations = axe_violations(page)
    assert not violations, f"{name}: {violations}"


@pytest.mark.parametrize("size", SIZES)
def test_a_french_visitor_from_home_to_account(ticketshop, browser, keys_dir, size):  # noqa: F811
    settings.SECUTIX = {**settings.SECUTIX, "KEYS_DIR": keys_dir}
    settings.TICKETSHOP = {**settings.TICKETSHOP, "KEYS_DIR": keys_dir}
    shop = ticketshop
    visitor = make_contact(shop.org, "michel@example.com", "Michel", "Shapira")
    assert run_import().status == "success"
    attach_event_teasers()
    width, height = SIZES[size]
    page = browser.new_page(viewport={"width": width, "height": height})
    url = shop.url

    page.goto(f"{url}/fr/")
    check(page, size, "1-home-fr", book=True)
    if size == "phone":  # the main navigation is behind the menu button
        assert not page.is_visible(".main-nav")
        page.click(".nav-toggle")
    page.click(".main-nav a[href='/fr/a-l-affiche/']")
    page.wait_for_url(f"{url}/fr/a-l-affiche/")
    check(page, size, "2-whats-on-fr", book=True)

    page.click("text=Spectacle concert")
    page.wait_for_selector("table.performances")
    check(page, size, "3-event-fr", book=True)
    page.click(f'a.book[href*="performance?id={shop.concert_1.pk}"]')
    page.wait_for_selector("form.category-offer")
    assert page.url.endswith(f"/shop/fr/performance/{shop.concert_1.pk}/")
    check(page, size, "4-shop-performance-fr")

    offer = page.locator("form.category-offer").first
    offer.locator("select").first.select_option("1")
    offer.locator("button[type=submit]").click()
    page.wait_for_selector(".cart-line")
    check(page, size, "5-cart-fr")

    page.click("main a.button.primary")  # sign in to check out
    page.wait_for_selector("input[name=password]")
    check(page, size, "6-idp-sign-in-fr")
    page.fill("input[name=email]", visitor.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_selector(".cart-line")
    assert "/shop/fr/cart/" in page.url
    check(page, size, "7-cart-signed-in-fr")

    page.goto(f"{url}/api/1/redirect/account?lang=fr")
    page.wait_for_selector(".account-menu")
    check(page, size, "8-account-fr")
    for path, name in (
        ("tickets/", "9-tickets"),
        ("orders/", "10-orders"),
        ("edit/", "11-profile"),
    ):
        page.goto(f"{url}/account/{path}")  # no language in the address: it is kept
        page.wait_for_selector(".account-menu")
        check(page, size, f"{name}-fr")

    page.click(".account-menu a[href='/idp/logout/']")  # sign out: the IdP asks first (issue 15:
    page.click("main form[action='/idp/logout/'] button[type=submit]")  # a GET signs nobody out)
    page.wait_for_url(f"{url}/fr/")  # lands on the home page, still in French
    assert page.get_attribute("html", "lang") == "fr"


def test_english_pages_at_desktop_size(ticketshop, browser):  # noqa: F811
    assert run_import().status == "success"
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{ticketshop.url}/en/no-such-page/")
    assert page.locator("h1").inner_text() == "Page not found"
    check(page, "desktop", "12-not-found-en", language="en")
    page.goto(f"{ticketshop.url}/en/search/?q=concert")
    check(page, "desktop", "13-search-en", language="en")
    page.click('.language-switch a[hreflang="de"]')
    page.wait_for_url(f"{ticketshop.url}/de/search/?q=concert")
    check(page, "desktop", "14-search-de", language="de")
