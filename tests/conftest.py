"""Fixtures shared by every test folder."""

import os
from pathlib import Path

import pytest

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
