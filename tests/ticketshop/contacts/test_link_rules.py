"""F4: the friends-and-family rules, through the rule functions that are their public face
(`ticketshop.contacts.services`): every field required, the hour-long limit on additions, and
which visitors may buy for friends and family (issue 18: pinned by mutation testing)."""

import types

import pytest
from django.core.cache import cache, caches
from django.core.exceptions import ValidationError

from ticketshop.contacts.models import Contact, ContactLink
from ticketshop.contacts.services import friends_and_family_enabled, link_contact
from ticketshop.organisation.models import Organisation, PointOfSales, SalesChannel

pytestmark = pytest.mark.django_db


@pytest.fixture
def visitor(make_contact):
    cache.clear()  # the limit on additions is counted in the cache
    yield make_contact("michel@example.com", "Michel", "Shapira")
    cache.clear()


@pytest.mark.parametrize(
    "email, first_name, last_name",
    [
        ("", "Anna", "Shapira"),
        ("anna@example.com", "  ", "Shapira"),
        ("anna@example.com", "Anna", ""),
        (None, None, None),
    ],
    ids=["no-email", "blank-first-name", "no-last-name", "nothing"],
)
def test_each_field_is_required(visitor, email, first_name, last_name):
    with pytest.raises(ValidationError, match="Email address, first name and last name"):
        link_contact(visitor, email, first_name, last_name)
    assert not ContactLink.objects.exists() and Contact.objects.count() == 1


@pytest.fixture
def clock(monkeypatch):
    """The cache's clock, moved by hand (the limit's window is an hour)."""
    now = [1_000_000.0]
    fake = types.SimpleNamespace(time=lambda: now[0])
    monkeypatch.setattr("django.core.cache.backends.locmem.time", fake)
    monkeypatch.setattr("django.core.cache.backends.base.time", fake)
    return now


def test_the_limit_on_additions_lasts_an_hour(visitor, make_contact, clock):
    make_contact("anna@example.com", "Anna", "Shapira")
    for _ in range(20):
        with pytest.raises(ValidationError, match="does not match"):
            link_contact(visitor, "anna@example.com", "Wrong", "Name")
    clock[0] += 3599  # still within the hour of the first attempt
    with pytest.raises(ValidationError, match="Too many"):
        link_contact(visitor, "anna@example.com", "Anna", "Shapira")
    assert not ContactLink.objects.exists()
    clock[0] += 2  # the hour is over
    link, created = link_contact(visitor, "anna@example.com", "Anna", "Shapira")
    assert (link.child.email, created) == ("anna@example.com", False)


def test_only_the_points_of_sales_own_contacts_buy_for_friends(pos, visitor):
    other_org = Organisation.objects.create(code="OTHER", name="Another organisation")
    stranger = Contact.objects.create(
        organisation=other_org, email="s@example.com", first_name="S", last_name="T"
    )
    assert not friends_and_family_enabled(pos, visitor)  # the option is off
    pos.allow_purchase_for_friends_family = True
    pos.save()
    assert friends_and_family_enabled(pos, visitor)
    assert not friends_and_family_enabled(pos, stranger)
    assert not friends_and_family_enabled(None, visitor)
    elsewhere = PointOfSales.objects.create(
        channel=SalesChannel.objects.create(organisation=other_org, code="WEB", name="Web"),
        code="OTHER",
        name="Other",
        allow_purchase_for_friends_family=True,
    )
    assert friends_and_family_enabled(elsewhere, stranger)
    assert not friends_and_family_enabled(elsewhere, visitor)


def test_a_window_expiring_while_counting_starts_a_new_one_at_this_attempt(
    visitor, make_contact, monkeypatch
):
    """The count's key expired between its creation and its increment: this attempt is the
    first of a new window, and 19 more are allowed in it."""
    make_contact("anna@example.com", "Anna", "Shapira")
    backend = caches["default"]
    real_add = backend.add
    monkeypatch.setattr(backend, "add", lambda *args, **kwargs: False)  # and the key is gone
    with pytest.raises(ValidationError, match="does not match"):
        link_contact(visitor, "anna@example.com", "Wrong", "Name")
    monkeypatch.setattr(backend, "add", real_add)
    for _ in range(19):
        with pytest.raises(ValidationError, match="does not match"):
            link_contact(visitor, "anna@example.com", "Wrong", "Name")
    with pytest.raises(ValidationError, match="Too many"):
        link_contact(visitor, "anna@example.com", "Anna", "Shapira")
