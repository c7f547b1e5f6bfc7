"""The booking tests' shop: make_shop's venue (20 seats, CAT1 row A, CAT2 row B) in the future,
a visitor with a linked friend, a stranger, and the IdP's keys (the sign-in sets its cookie)."""

import datetime as dt
import re
from html import unescape
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests.accounts.conftest import keys_dir, secutix_settings  # noqa: F401 — shared fixtures
from tests.api.conftest import make_shop
from ticketshop.catalogue import models as cat
from ticketshop.contacts.models import Contact, ContactLink
from ticketshop.contacts.services import default_link_kind
from ticketshop.payments.providers import PROVIDERS

PASSWORD = "Correct-Horse-42"


@pytest.fixture(autouse=True)
def booking_settings(settings, keys_dir):  # noqa: F811 — the shared fixture
    settings.SECUTIX = secutix_settings(keys_dir)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def notifications(client, monkeypatch):
    """The test card provider's server-to-server notifications, delivered through the test
    client (the provider would POST them over the network), and recorded."""
    sent = []

    def transport(url, data):
        sent.append((url, dict(data)))
        response = client.post(url.replace("http://testserver", ""), data)
        return response.status_code

    monkeypatch.setattr(PROVIDERS["testcard"], "transport", transport)
    return sent


def make_contact(org, email, first, last, password=PASSWORD, **extra):
    contact = Contact(organisation=org, email=email, first_name=first, last_name=last, **extra)
    if password:
        contact.set_password(password)
    contact.save()
    return contact


@pytest.fixture
def shop(db):
    data = make_shop()
    now = timezone.now()
    for day, performance in enumerate(cat.Performance.objects.order_by("pk"), start=7):
        performance.start = now + dt.timedelta(days=day)
        performance.save()
    data.pos.allow_purchase_for_friends_family = True
    data.pos.modify_ticket_holder = True
    data.pos.save()
    visitor = make_contact(data.org, "michel@example.com", "Michel", "Shapira", language="fr")
    friend = make_contact(data.org, "anna@example.com", "Anna", "Shapira")
    stranger = make_contact(data.org, "eve@example.com", "Eve", "Other")
    stranger_friend = make_contact(data.org, "mallory@example.com", "Mallory", "Else")
    kind = default_link_kind(data.org)
    ContactLink.objects.create(parent=visitor, child=friend, kind=kind)
    ContactLink.objects.create(parent=stranger, child=stranger_friend, kind=kind)
    full = cat.Tariff.objects.get(code="FULL")
    child = cat.Tariff.objects.get(code="CHILD")
    return SimpleNamespace(
        **vars(data),
        visitor=visitor,
        friend=friend,
        stranger=stranger,
        stranger_friend=stranger_friend,
        full=full,
        child=child,
    )


def sign_in(client, email="michel@example.com", next_url="/account/"):
    response = client.post("/idp/login/", {"email": email, "password": PASSWORD, "next": next_url})
    assert response.status_code == 302, response.content[:500]
    return response


def hold(client, shop, quantities, category=None, performance=None, lang="en"):
    performance = performance or shop.concert_1
    data = {f"qty_{tariff.pk}": n for tariff, n in quantities.items()}
    if category is not None:
        data["category"] = category.pk
    return client.post(f"/shop/{lang}/performance/{performance.pk}/", data)


LOCATION_RE = re.compile(r'href="([^"]+)"')


def testcard_form(response):
    """The hosted payment page's URL (relative) from the shop's redirect."""
    assert response.status_code == 302, response.content[:800]
    return unescape(response["Location"])
