"""The availability rule (C3) and its cost: a fixed number of queries whatever the ids."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.fixtures.venue import make_shop, sell
from ticketshop.catalogue.models import Performance
from ticketshop.sales import availability
from ticketshop.sales.models import SeatReservation


@pytest.fixture
def shop(db):
    """make_shop's venue as it is (this folder's `shop` is the booking tests' one)."""
    return make_shop()


def test_indicator_thresholds(shop):
    perf = shop.concert_1.pk
    seats = shop.seats

    def measure():
        return availability.performance_availability([perf], shop.pos)[perf]

    assert (measure().indicator, measure().remaining, measure().capacity) == (1, 20, 20)
    sell(shop.concert_1, seats[:15])  # 5 left: 0.25 <= 0.25 -> orange
    assert (measure().indicator, measure().remaining) == (2, 5)
    sell(shop.concert_1, seats[15:19])
    assert (measure().indicator, measure().remaining) == (2, 1)
    sell(shop.concert_1, seats[19:])
    assert (measure().indicator, measure().remaining) == (3, 0)


def test_held_counts_until_it_expires_and_released_does_not(shop):
    now = timezone.now()
    sell(shop.concert_1, shop.seats[:5], status="HELD", expires_at=now + timedelta(minutes=5))
    sell(shop.concert_1, shop.seats[5:8], status="HELD", expires_at=now - timedelta(minutes=5))
    sell(shop.concert_1, shop.seats[8:10], status="RELEASED")
    result = availability.performance_availability([shop.concert_1.pk], shop.pos)
    assert result[shop.concert_1.pk].remaining == 15


def test_alert_ratio_comes_from_the_point_of_sales(shop):
    sell(shop.concert_1, shop.seats[:10])
    assert (
        availability.performance_availability([shop.concert_1.pk], shop.pos)[
            shop.concert_1.pk
        ].indicator
        == 1
    )
    shop.pos.alert_ratio = Decimal("0.5")
    assert (
        availability.performance_availability([shop.concert_1.pk], shop.pos)[
            shop.concert_1.pk
        ].indicator
        == 2
    )


def test_product_is_its_best_performance_or_its_quota(shop):
    sell(shop.concert_1, shop.seats)
    sell(shop.concert_2, shop.seats[:17])
    result = availability.product_availability([shop.concert.pk, shop.pass_.pk], shop.pos)
    assert (result[shop.concert.pk].indicator, result[shop.concert.pk].remaining) == (2, 3)
    assert (result[shop.pass_.pk].indicator, result[shop.pass_.pk].remaining) == (1, 50)
    sell(shop.concert_2, shop.seats[17:])
    result = availability.product_availability([shop.concert.pk], shop.pos)
    assert result[shop.concert.pk].indicator == 3


def test_quota_is_the_capacity_of_unseated_performances(shop):
    shop.concert.quota = 4
    shop.concert.save()
    SeatReservation.objects.create(performance=shop.concert_1, quantity=3, status="SOLD")
    result = availability.performance_availability([shop.concert_1.pk], shop.pos)
    assert (result[shop.concert_1.pk].capacity, result[shop.concert_1.pk].remaining) == (4, 1)


def test_a_seat_cannot_be_taken_twice_in_a_performance(shop):
    sell(shop.concert_1, shop.seats[:1])
    with pytest.raises(IntegrityError), transaction.atomic():
        sell(shop.concert_1, shop.seats[:1], status="HELD")
    sell(shop.concert_2, shop.seats[:1])  # another performance: fine
    SeatReservation.objects.filter(performance=shop.concert_1).update(status="RELEASED")
    sell(shop.concert_1, shop.seats[:1])  # released: on sale again


def test_too_many_ids_are_refused(shop):
    with pytest.raises(availability.TooManyIds):
        availability.product_availability(range(1, availability.MAX_IDS + 2), shop.pos)


def _queries(call, *args):
    with CaptureQueriesContext(connection) as ctx:
        call(*args)
    return len(ctx.captured_queries)


def test_cost_does_not_grow_with_the_number_of_ids(shop):
    base = shop.concert_1
    for day in range(50):
        Performance.objects.create(
            product=shop.concert,
            start=base.start + timedelta(days=day + 10),
            duration=base.duration,
            state="RUNNING",
            configuration=shop.configuration,
        )
    perf_ids = list(Performance.objects.values_list("pk", flat=True))[:50]
    assert len(perf_ids) == 50
    for ids_call in (
        lambda ids: availability.performance_availability(ids, shop.pos),
        lambda ids: availability.performance_availability(ids, shop.pos, by_category=True),
    ):
        one = _queries(ids_call, perf_ids[:1])
        fifty = _queries(ids_call, perf_ids)
        assert one == fifty
    product_ids = [shop.concert.pk, shop.suspended.pk, shop.pass_.pk, shop.closed.pk]
    one = _queries(lambda: availability.product_availability(product_ids[:1], shop.pos))
    many = _queries(lambda: availability.product_availability(product_ids * 10, shop.pos))
    assert one == many


def test_catalogue_export_costs_a_fixed_number_of_queries(shop):
    from ticketshop.api.catalogue_export import export_catalogue
    from ticketshop.catalogue.models import Product

    small = _queries(lambda: export_catalogue(shop.pos))
    for n in range(5):
        product = Product.objects.create(
            season=shop.season,
            code=f"EXTRA{n}",
            family="EVENT",
            state="RUNNING",
            name_en=f"Extra {n}",
            price_grid=shop.concert.price_grid,
        )
        product.themes.add(*shop.concert.themes.all())
        for day in range(3):
            Performance.objects.create(
                product=product,
                start=shop.concert_1.start + timedelta(days=day),
                duration=shop.concert_1.duration,
                state="RUNNING",
                configuration=shop.configuration,
            )
    data = {}
    big = _queries(lambda: data.update(export_catalogue(shop.pos)))
    assert len(data["seasons"][0]["products"]) == 8
    assert small == big
