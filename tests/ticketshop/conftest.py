import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from ticketshop.catalogue import models as cat
from ticketshop.contacts.models import Contact, RelationKind
from ticketshop.organisation.models import Organisation, PointOfSales, SalesChannel


@pytest.fixture
def org(db):
    return Organisation.objects.create(code="CUBE", name="The CUBE")


@pytest.fixture
def pos(org):
    channel = SalesChannel.objects.create(organisation=org, code="WEB", name="Web")
    return PointOfSales.objects.create(channel=channel, code="TICKETSHOP", name="Ticketshop")


@pytest.fixture
def season(org):
    return cat.Season.objects.create(
        organisation=org,
        code="S2026",
        name_en="2026-2027",
        start_date=dt.date(2026, 9, 1),
        end_date=dt.date(2027, 7, 31),
    )


@pytest.fixture
def other_season(org):
    return cat.Season.objects.create(
        organisation=org,
        code="S2027",
        name_en="2027-2028",
        start_date=dt.date(2027, 9, 1),
        end_date=dt.date(2028, 7, 31),
    )


@pytest.fixture
def configuration(org):
    venue = cat.Venue.objects.create(organisation=org, code="CUBE", name_en="The CUBE")
    hall = cat.Hall.objects.create(venue=venue, code="MAIN", name_en="Main hall")
    return cat.LogicalConfiguration.objects.create(hall=hall, code="FULL", name_en="Full")


@pytest.fixture
def product(season):
    return cat.Product.objects.create(
        season=season, code="HAMLET", family=cat.Family.EVENT, name_en="Hamlet"
    )


@pytest.fixture
def performance(product, configuration):
    return cat.Performance.objects.create(
        product=product,
        configuration=configuration,
        start=timezone.now() + dt.timedelta(days=10),
        duration=dt.timedelta(hours=2),
    )


@pytest.fixture
def tariff(org):
    general = cat.AudienceCategory.objects.create(organisation=org, code="GEN", name_en="General")
    adult = cat.AudienceSubcategory.objects.create(category=general, code="ADULT", name_en="Adult")
    return cat.Tariff.objects.create(
        organisation=org, code="FULL", name_en="Full", audience_subcategory=adult
    )


@pytest.fixture
def make_contact(org):
    def make(email, first_name="Miso", last_name="MILICEVIC", **extra):
        return Contact.objects.create(
            organisation=org, email=email, first_name=first_name, last_name=last_name, **extra
        )

    return make


@pytest.fixture
def family(org):
    return RelationKind.objects.create(
        organisation=org, code="SIBLING", name_en="Sibling", is_family=True
    )


PRICE = Decimal("42.50")
