"""A browser signs in through the IdP and manages friends and family (Chromium via Playwright)."""

import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from tests.conftest import CspWatchedBrowser
from tests.fixtures.identity import PASSWORD, secutix_settings, ticketshop_settings
from ticketshop.contacts.models import ContactLink

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("saml_settings"),  # the IdP + account area's URLs
]

SCREENSHOTS = Path(django_settings.VAR_DIR) / "screenshots" / "accounts"


@pytest.fixture
def live_saml(live_server, settings, tmp_path):
    """Keys and metadata for the live server's address (the metadata names its URLs)."""
    settings.SECUTIX = {
        **secutix_settings(tmp_path),
        "API_BASE_URL": live_server.url,
        "WEBSITE_URL": live_server.url,
    }
    settings.TICKETSHOP = {
        **ticketshop_settings(tmp_path),
        "PUBLIC_URL": live_server.url,
        "WEBSITE_URL": live_server.url,
    }
    call_command("generate_saml_keys", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("register_website_sp", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return live_server.url


def test_sign_in_add_and_remove_a_friend_in_the_browser(live_saml, visitor, chromium_executable):
    """`chromium_executable` (tests/conftest.py) fails, never skips, when Chromium is missing."""
    from playwright.sync_api import expect, sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = CspWatchedBrowser(
            p.chromium.launch(executable_path=chromium_executable, args=["--no-sandbox"])
        )
        page = browser.new_page()
        page.goto(f"{live_saml}/")
        page.click("a.sign-in")
        page.fill("input[name=email]", visitor.email)
        page.fill("input[name=password]", PASSWORD)
        page.screenshot(path=SCREENSHOTS / "1-sign-in.png", full_page=True)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_saml}/")
        expect(page.locator(".visitor")).to_contain_text("Michel")

        friends = page.goto(f"{live_saml}/account/friends/")
        # the production policy: the friends panel's script is a static file, not inline
        assert "script-src 'self';" in friends.headers["content-security-policy"]
        expect(page.locator("h1")).to_have_text("Manage friends and family")
        page.click("text=New")
        dialog = page.locator("dialog#new-contact")
        expect(dialog).to_be_visible()
        dialog.locator("input[name=email]").fill("marko.milicevic@example.com")
        dialog.locator("input[name=first_name]").fill("Marko")
        dialog.locator("input[name=last_name]").fill("Milicevic")
        page.screenshot(path=SCREENSHOTS / "2-new-contact-modal.png", full_page=True)
        dialog.locator("button[type=submit]").click()
        row = page.locator("table.friends tbody tr", has_text="marko.milicevic@example.com")
        expect(row).to_contain_text("MILICEVIC")
        page.screenshot(path=SCREENSHOTS / "3-added.png", full_page=True)
        assert ContactLink.objects.filter(parent=visitor).count() == 1

        # an existing email with other names: the modal stays open with the message
        page.click("text=New")
        dialog.locator("input[name=email]").fill("marko.milicevic@example.com")
        dialog.locator("input[name=first_name]").fill("Someone")
        dialog.locator("input[name=last_name]").fill("Else")
        dialog.locator("button[type=submit]").click()
        expect(page.locator("dialog#new-contact .errors")).to_contain_text(
            "This email address is already in use and does not match the name entered."
        )
        page.screenshot(path=SCREENSHOTS / "3b-name-mismatch.png", full_page=True)
        page.locator("dialog#new-contact [data-close-dialog]").click()
        expect(page.locator("dialog#new-contact")).to_be_hidden()

        row.locator("button[type=submit]").click()
        expect(page.locator("table.friends")).not_to_contain_text("marko.milicevic@example.com")
        page.screenshot(path=SCREENSHOTS / "4-removed.png", full_page=True)
        browser.close()
    assert not ContactLink.objects.exists()
    assert browser.csp_violations == []
