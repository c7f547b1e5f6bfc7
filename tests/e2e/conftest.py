"""Browser tests: Playwright driving Debian's Chromium (installed by the test command).

The `browser` fixture is shared with the other folders' browser tests (tests/conftest.py): a
missing Chromium fails them all."""

from pathlib import Path

import pytest

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def screenshot():
    def take(page, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)

    return take
