"""Holding places (B2) at the rules' edges, through the booking service every channel calls: how
many places one hold may take, which seats are chosen when no row keeps them together, what a
cart being paid may not lose. Found unpinned by `make mutate`."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.fixtures.venue import sell
from ticketshop.catalogue import models as cat
from ticketshop.sales import services as sales
from ticketshop.sales.models import OrderLine, SeatReservation


def _seats(lines):
    return [f"{line.reservation.seat.row}{line.reservation.seat.number}" for line in lines]


def _row_c(shop, numbers):
    """Seats C<n> in category 1 (rows A and C: two rows of one category)."""
    block = shop.seats[0].block
    for number in numbers:
        seat = cat.Seat.objects.create(block=block, row="C", number=number)
        cat.SeatAssignment.objects.create(
            configuration=shop.configuration, seat=seat, category=shop.cat1
        )


def _row_a_sold_but(shop, free_numbers):
    sell(shop.concert_1, [s for s in shop.seats[:10] if s.number not in free_numbers])


def test_one_hold_takes_one_to_ten_places(shop):
    cart = sales.new_cart(shop.pos)
    for wrong in ({shop.full.pk: 0}, {shop.full.pk: 11}, {shop.full.pk: 6, shop.child.pk: 5}, {}):
        with pytest.raises(sales.BookingError):
            sales.hold_places(cart, shop.concert_1, wrong, shop.cat1)
    assert not SeatReservation.objects.exists()
    lines = sales.hold_places(cart, shop.concert_1, {shop.full.pk: 6, shop.child.pk: 4}, shop.cat1)
    assert len(lines) == sales.MAX_PLACES_PER_HOLD == 10
    # lines by tariff, each at its price; the holds end with the cart
    assert [line.tariff_id for line in lines] == sorted([shop.full.pk] * 6 + [shop.child.pk] * 4)
    assert {str(line.price) for line in lines} == {"45.50", "30.00"}
    assert {r.expires_at for r in SeatReservation.objects.all()} == {cart.expires_at}


def test_a_seat_category_and_tariff_of_this_performance_only(shop):
    cart = sales.new_cart(shop.pos)
    other = cat.LogicalConfiguration.objects.create(
        hall=shop.configuration.hall, code="OTHER", name_en="Other"
    )
    foreign = cat.SeatCategory.objects.create(configuration=other, code="X", name_en="X", rank=1)
    stray = cat.Tariff.objects.create(
        organisation=shop.org,
        code="STRAY",
        name_en="Stray",
        audience_subcategory=shop.full.audience_subcategory,
    )
    for category, tariff in ((None, shop.full), (foreign, shop.full), (shop.cat1, stray)):
        with pytest.raises(sales.BookingError):
            sales.hold_places(cart, shop.concert_1, {tariff.pk: 1}, category)
    with pytest.raises(sales.BookingError, match="not on sale"):
        sales.hold_places(cart, shop.suspended_1, {shop.full.pk: 1}, shop.cat1)
    assert not SeatReservation.objects.exists()
    # a tariff asked 0 times is no tariff asked (the shop's form sends every tariff)
    lines = sales.hold_places(cart, shop.concert_1, {shop.full.pk: 1, stray.pk: 0}, shop.cat1)
    assert [line.tariff_id for line in lines] == [shop.full.pk]


def test_exactly_the_seats_left_can_be_held_and_one_more_cannot(shop):
    _row_a_sold_but(shop, {1, 5, 9})
    cart = sales.new_cart(shop.pos)
    with pytest.raises(sales.NotEnoughPlaces):
        sales.hold_places(cart, shop.concert_1, {shop.full.pk: 4}, shop.cat1)
    assert not OrderLine.objects.exists()
    assert _seats(sales.hold_places(cart, shop.concert_1, {shop.full.pk: 3}, shop.cat1)) == [
        "A1",
        "A5",
        "A9",
    ]


def test_a_row_with_enough_seats_is_preferred_to_seats_over_two_rows(shop):
    _row_a_sold_but(shop, {1, 3})
    _row_c(shop, [1, 3, 5])
    cart = sales.new_cart(shop.pos)
    # no 3 adjacent seats anywhere: the first row with 3 free seats (exactly 3), row C
    assert _seats(sales.hold_places(cart, shop.concert_1, {shop.full.pk: 3}, shop.cat1)) == [
        "C1",
        "C3",
        "C5",
    ]


def test_adjacent_seats_of_a_later_row_are_preferred_to_scattered_ones(shop):
    _row_a_sold_but(shop, {1, 3, 5, 7})
    _row_c(shop, [4, 5, 6, 8])
    cart = sales.new_cart(shop.pos)
    assert _seats(sales.hold_places(cart, shop.concert_1, {shop.full.pk: 3}, shop.cat1)) == [
        "C4",
        "C5",
        "C6",
    ]


def test_without_a_row_of_enough_seats_the_best_ones_row_after_row(shop):
    _row_a_sold_but(shop, {2, 4})
    _row_c(shop, [1, 3, 5])
    cart = sales.new_cart(shop.pos)
    assert _seats(sales.hold_places(cart, shop.concert_1, {shop.full.pk: 4}, shop.cat1)) == [
        "A2",
        "A4",
        "C1",
        "C3",
    ]


def test_a_hold_that_expired_is_free_again_and_one_that_did_not_is_not(shop):
    """Which seats are free is decided before the database's unique constraint (the last guard)
    is reached: a seat wrongly thought free would make the hold fail, not take another seat."""
    now = timezone.now()
    _row_a_sold_but(shop, {1, 2, 3, 4})
    a1, a2, a3 = shop.seats[:3]
    sell(shop.concert_1, [a1], status="HELD", expires_at=now)  # expires at this very instant
    sell(shop.concert_1, [a2], status="HELD", expires_at=None)  # a late payment's retaken hold
    sell(shop.concert_1, [a3], status="HELD", expires_at=now + dt.timedelta(seconds=1))
    cart = sales.new_cart(shop.pos, now=now)
    lines = sales.hold_places(cart, shop.concert_1, {shop.full.pk: 2}, shop.cat1, now=now)
    assert _seats(lines) == ["A1", "A4"]  # not the pairs A1-A2 or A3-A4: A2 and A3 are taken
    with pytest.raises(sales.NotEnoughPlaces):
        sales.hold_places(cart, shop.concert_1, {shop.full.pk: 1}, shop.cat1, now=now)


def test_removing_a_line_only_from_a_live_cart_of_its_own(shop):
    cart = sales.new_cart(shop.pos, shop.visitor)
    first, second = sales.hold_places(cart, shop.concert_1, {shop.full.pk: 2}, shop.cat1)
    other = sales.new_cart(shop.pos)
    assert sales.remove_line(other, first.pk) is False  # not a line of that cart
    assert sales.remove_line(cart, first.pk) is True
    assert first.reservation.__class__.objects.get(pk=first.reservation_id).status == "RELEASED"
    assert list(cart.lines.all()) == [second]
    sales.start_payment(cart.pk, shop.visitor)
    assert sales.remove_line(cart, second.pk) is False  # frozen while being paid
    assert SeatReservation.objects.get(pk=second.reservation_id).status == "HELD"


def test_an_undated_product_is_held_on_its_quota(shop):
    shop.pass_.quota = 3
    shop.pass_.save()
    cat.Price.objects.create(grid=shop.concert.price_grid, tariff=shop.full, amount="99.00")
    cart = sales.new_cart(shop.pos)
    with pytest.raises(sales.BookingError, match="tariff"):
        sales.hold_undated_places(cart, shop.pass_, {shop.child.pk: 1})
    with pytest.raises(sales.NotEnoughPlaces):
        sales.hold_undated_places(cart, shop.pass_, {shop.full.pk: 4})
    lines = sales.hold_undated_places(cart, shop.pass_, {shop.full.pk: 3})
    assert [(line.performance, line.product, str(line.price)) for line in lines] == [
        (None, shop.pass_, "99.00")
    ] * 3
    with pytest.raises(sales.BookingError, match="not on sale"):
        sales.hold_undated_places(cart, shop.concert, {shop.full.pk: 1})  # it has performances
