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


@pytest.fixture
def browser(chromium_executable):
    """Chromium driven by Playwright, for the browser tests of every folder."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; Django must still let the test use the ORM.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_executable, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


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
