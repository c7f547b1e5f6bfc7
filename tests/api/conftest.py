"""A small venue for the API tests: 20 seats in two categories, products in various states."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from ticketshop.api.models import ApiAccount
from ticketshop.catalogue import models as cat
from ticketshop.organisation.models import Organisation, PointOfSales, SalesChannel
from ticketshop.sales.models import SeatReservation

PARIS = ZoneInfo("Europe/Paris")
USERNAME, SECRET = "CUBE_WEBSITE", "website-demo-key"


def make_shop():
    org = Organisation.objects.create(code="CUBE", name="The CUBE", currency="EUR")
    channel = SalesChannel.objects.create(organisation=org, code="WEB", name="Internet")
    pos = PointOfSales.objects.create(
        channel=channel,
        code="TICKETSHOP",
        name="Ticketshop",
        default_language="en",
        alert_ratio=Decimal("0.250"),
        product_detail_url="https://www.thecube.example/{LANGUAGE}/events/",
        terms_of_sale_url="https://www.thecube.example/{LANGUAGE}/terms/",
        allowed_return_hosts="www.thecube.example\ntestserver",
    )
    season = cat.Season.objects.create(
        organisation=org,
        code="S2026",
        name_en="Season 2026",
        name_fr="Saison 2026",
        start_date=date(2026, 9, 1),
        end_date=date(2027, 6, 30),
    )
    music = cat.Theme.objects.create(organisation=org, code="MUSIC", name_en="Music")
    jazz = cat.Theme.objects.create(organisation=org, code="JAZZ", name_en="Jazz", parent=music)
    venue = cat.Venue.objects.create(organisation=org, code="CUBE", name_en="The CUBE")
    hall = cat.Hall.objects.create(venue=venue, code="MAIN", name_en="Main hall")
    zone = cat.Zone.objects.create(hall=hall, code="STALLS", name_en="Stalls")
    block = cat.Block.objects.create(zone=zone, code="A", name_en="Block A")
    configuration = cat.LogicalConfiguration.objects.create(
        hall=hall, code="STD", name_en="Standard"
    )
    cat1 = cat.SeatCategory.objects.create(
        configuration=configuration, code="CAT1", name_en="Category 1", rank=1
    )
    cat2 = cat.SeatCategory.objects.create(
        configuration=configuration, code="CAT2", name_en="Category 2", rank=2
    )
    seats = []
    for row, category in (("A", cat1), ("B", cat2)):
        for number in range(1, 11):
            seat = cat.Seat.objects.create(block=block, row=row, number=number)
            cat.SeatAssignment.objects.create(
                configuration=configuration, seat=seat, category=category
            )
            seats.append(seat)
    audience = cat.AudienceCategory.objects.create(
        organisation=org, code="GP", name_en="General public"
    )
    adult = cat.AudienceSubcategory.objects.create(category=audience, code="ADULT", name_en="Adult")
    child = cat.AudienceSubcategory.objects.create(category=audience, code="CHILD", name_en="Child")
    full = cat.Tariff.objects.create(
        organisation=org, code="FULL", name_en="Full price", audience_subcategory=adult
    )
    reduced = cat.Tariff.objects.create(
        organisation=org, code="CHILD", name_en="Child", audience_subcategory=child
    )
    grid = cat.PriceGrid.objects.create(organisation=org, code="G1", name_en="Grid 1")
    for category, tariff, amount in (
        (cat1, full, "45.50"),
        (cat1, reduced, "30.00"),
        (cat2, full, "25.00"),
        (cat2, reduced, "12.25"),
    ):
        cat.Price.objects.create(
            grid=grid, seat_category=category, tariff=tariff, amount=Decimal(amount)
        )

    def product(code, state, family=cat.Family.EVENT, **kwargs):
        return cat.Product.objects.create(
            season=season,
            code=code,
            family=family,
            state=state,
            name_en=f"{code.title()} show",
            name_fr=f"Spectacle {code.lower()}",
            description_en=f"About {code}",
            product_detail_url=f"https://www.thecube.example/{{LANGUAGE}}/events/{code.lower()}/",
            price_grid=grid,
            **kwargs,
        )

    concert = product("CONCERT", cat.State.RUNNING)
    concert.themes.add(music, jazz)
    suspended = product("SUSP", cat.State.SUSPENDED)
    preparing = product("PREP", cat.State.PREPARING)
    closed = product("OLD", cat.State.CLOSED)
    pass_ = product("PASS", cat.State.RUNNING, family=cat.Family.UNDATED_PASS, quota=50)

    def performance(prod, day, state=cat.State.RUNNING):
        return cat.Performance.objects.create(
            product=prod,
            start=datetime(2026, 10, day, 20, 0, tzinfo=PARIS),
            duration=timedelta(minutes=90),
            state=state,
            configuration=configuration,
        )

    concert_1 = performance(concert, 1)
    concert_2 = performance(concert, 2)
    suspended_1 = performance(suspended, 3, cat.State.SUSPENDED)
    preparing_1 = performance(preparing, 4, cat.State.PREPARING)
    closed_1 = performance(closed, 5, cat.State.CLOSED)
    now = datetime(2026, 1, 1, tzinfo=PARIS)
    cat.SalesPeriod.objects.create(
        product=concert, point_of_sales=pos, start=now, end=now + timedelta(days=300)
    )
    cat.CrossSelling.objects.create(product=concert, suggested=suspended, rank=1)
    cat.ShowcaseItem.objects.create(point_of_sales=pos, product=concert, rank=1)
    account = ApiAccount(username=USERNAME, point_of_sales=pos)
    account.set_secret(SECRET)
    account.save()
    return SimpleNamespace(
        org=org,
        channel=channel,
        pos=pos,
        season=season,
        configuration=configuration,
        cat1=cat1,
        cat2=cat2,
        seats=seats,
        concert=concert,
        suspended=suspended,
        preparing=preparing,
        closed=closed,
        pass_=pass_,
        concert_1=concert_1,
        concert_2=concert_2,
        suspended_1=suspended_1,
        preparing_1=preparing_1,
        closed_1=closed_1,
        account=account,
    )


@pytest.fixture
def shop(db):
    return make_shop()


def sell(performance, seats, status=SeatReservation.Status.SOLD, expires_at=None):
    for seat in seats:
        SeatReservation.objects.create(
            performance=performance, seat=seat, status=status, expires_at=expires_at
        )


@pytest.fixture(autouse=True)
def empty_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
