"""The profile page in the visitor's language (L1, L3, issue 12): interests by their French
names, each title wording once, languages by their names, not codes."""

import re

import pytest

from tests.fixtures.booking import sign_in
from ticketshop.contacts.models import Contact, Criterion


def options(body, name):
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', body, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)


def test_the_french_profile_speaks_french(client, shop):  # noqa: F811
    Criterion.objects.create(
        organisation=shop.org, code="THEATRE", name_en="Theatre", name_fr="Théâtre"
    )
    Criterion.objects.create(
        organisation=shop.org, code="MUSIC", name_en="Music", name_fr="Musique"
    )
    sign_in(client)  # Michel reads French
    body = client.get("/account/edit/", {"lang": "fr"}).content.decode()
    interests = re.search(r'<fieldset class="section-criteria">.*?</fieldset>', body, re.S).group(0)
    assert "Théâtre" in interests and "Musique" in interests
    assert "Theatre" not in interests and "Music<" not in interests
    titles = [label for _value, label in options(body, "title")]
    assert titles.count("Mme") == 1 and "M." in titles
    assert len(titles) == len(set(titles))
    languages = dict(options(body, "language"))
    assert languages == {"fr": "Français", "en": "English", "de": "Deutsch", "es": "Español"}


def test_a_contacts_own_title_is_the_one_shown_and_saved(client, shop):  # noqa: F811
    Contact.objects.filter(pk=shop.visitor.pk).update(title="MS")
    sign_in(client)
    body = client.get("/account/edit/", {"lang": "fr"}).content.decode()
    titles = options(body, "title")
    assert ("MS", "Mme") in titles and ("MRS", "Mme") not in titles
    assert re.search(r'<option value="MS" selected>Mme</option>', body)
    data = {"title": "MS", "first_name": "Michel", "last_name": "Shapira", "language": "fr"}
    response = client.post(
        "/account/edit/?lang=fr&showAddress=false&showCriteria=false&showAuthorization=false", data
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    shop.visitor.refresh_from_db()
    assert shop.visitor.title == "MS"


@pytest.fixture(autouse=True)
def _identity_settings(booking_settings):
    """Instead of the folder's IdP URLconf: the booking tests' settings (tests/fixtures/booking.py,
    the project's URLs, the IdP's keys for the sign-in)."""


@pytest.fixture
def shop(booking_shop):
    """The booking tests' shop: performances in the future, a visitor with a friend, a stranger."""
    return booking_shop
