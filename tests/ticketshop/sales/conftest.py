import pytest


@pytest.fixture(autouse=True)
def _booking_settings(booking_settings):
    """Every test here runs with the IdP's keys (the sign-in sets the contact cookie)."""


@pytest.fixture
def shop(booking_shop):
    """The booking tests' shop (tests/fixtures/booking.py): performances in the future, a visitor
    with a friend, a stranger."""
    return booking_shop
