"""Fixtures shared by every test folder.

The shared fixtures live in tests/fixtures/ and are registered here once, for every folder: no
test imports another folder's conftest. A folder's own conftest only switches on what all its
tests need (e.g. tests/ticketshop/idp/: the IdP's settings on every test)."""

import os
from pathlib import Path

import pytest

pytest_plugins = [
    "tests.fixtures.identity",  # keys_dir, saml_settings, organisation, point_of_sales, visitor…
    "tests.fixtures.venue",  # shop (make_shop's venue), make_shop, sell, USERNAME/SECRET
    "tests.fixtures.booking",  # booking_shop, booking_settings, notifications, hold, sign_in…
    "tests.fixtures.plugin",  # ticketshop (live server + website pages), future_shop
]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium_executable():
    """Debian's Chromium. Missing, every browser test FAILS (never skips): a machine without a
    browser must not pass the browser tests by not running them. `make test` installs it."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's chromium "
            "(scripts/bootstrap.sh test installs it).",
            pytrace=False,
        )
    return CHROMIUM


def csp_violation(message):
    """A console message of Chromium's reporting a Content-Security-Policy violation."""
    return message.type in ("error", "warning") and "Content Security Policy" in message.text


class CspWatchedBrowser:
    """The Playwright browser, whose every page and context records the console's
    Content-Security-Policy violations (the pages run under the policy production sends)."""

    def __init__(self, browser):
        self._browser = browser
        self.csp_violations = []

    def __getattr__(self, name):
        return getattr(self._browser, name)

    def _record(self, message):
        if csp_violation(message):
            self.csp_violations.append(message.text)

    def new_page(self, *args, **kwargs):
        page = self._browser.new_page(*args, **kwargs)
        page.on("console", self._record)
        return page

    def new_context(self, *args, **kwargs):
        context = self._browser.new_context(*args, **kwargs)
        context.on("console", self._record)
        return context


@pytest.fixture
def browser(chromium_executable):
    """Chromium driven by Playwright, for the browser tests of every folder. A test FAILS when
    a page reports a Content-Security-Policy violation in the console (issue 15)."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; Django must still let the test use the ORM.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_executable, args=CHROMIUM_ARGS
        )
        watched = CspWatchedBrowser(chromium)
        yield watched
        chromium.close()
    assert watched.csp_violations == [], watched.csp_violations


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts and ends with an empty cache, and no SOAP client's keep-alive
    connection outlives the test (its live server is gone)."""
    from django.core.cache import cache

    from secutix_integration import soap_client

    cache.clear()
    yield
    cache.clear()
    soap_client.close_clients()
