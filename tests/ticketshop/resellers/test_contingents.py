"""R2: seats allotted to a contingent are not on sale on the web (availability and shop), are
allotted only when free, and return to sale when given back before export; the product-family
rule (R1) refuses a contingent on a product the reseller may not sell."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError

from tests.fixtures.booking import hold
from tests.ticketshop.resellers.conftest import make_interface
from ticketshop.catalogue import models as cat
from ticketshop.resellers.contingents import allot_many, allot_seats, counts, withdraw_seats
from ticketshop.resellers.models import Contingent, ContingentSeat
from ticketshop.sales.lifecycle import NotEnoughPlaces

PUBLIC = "/tnseb/public/availability"


@pytest.fixture
def interface(shop):
    return make_interface(shop, "http://127.0.0.1:9")


def remaining(client, performance):
    cache.clear()
    response = client.get(PUBLIC, {"performances": performance.pk})
    assert response.status_code == 200
    [availability] = response.json()["performances"]["availabilities"]
    return availability


def test_contingent_seats_are_taken_for_the_website_and_the_shop(client, shop, interface):
    before = remaining(client, shop.concert_1)
    contingent = Contingent.objects.create(interface=interface, performance=shop.concert_1)
    allotted = allot_seats(contingent, seat_category=shop.cat1, count=10)
    assert len(allotted) == 10
    assert {c.seat.row for c in allotted} == {"A"}
    assert counts(contingent) == {
        "allotted": 10,
        "exported": 0,
        "to_export": 10,
        "to_take_back": 0,
        "sold": 0,
    }
    assert remaining(client, shop.concert_1)["indicator"] == before["indicator"] == 1
    allot_seats(contingent, seat_category=shop.cat2, count=6)
    # 4 seats of 20 left on the web: the website's availability says "almost full".
    assert remaining(client, shop.concert_1)["indicator"] == 2
    # The shop offers none of them: every CAT1 seat is in the contingent.
    response = hold(client, shop, {shop.full: 1}, shop.cat1)
    assert response.status_code == 400
    assert "Not enough seats" in response.content.decode()
    # Given back before export: on sale again at once.
    assert withdraw_seats(contingent, seat_ids=[s.pk for s in shop.seats[:4]]) == (4, 0)
    assert hold(client, shop, {shop.full: 4}, shop.cat1).status_code == 302
    assert counts(contingent)["allotted"] == 12


def test_a_seat_held_by_a_web_cart_is_never_allotted(client, shop, interface):
    assert hold(client, shop, {shop.full: 2}, shop.cat1).status_code == 302  # A1, A2
    contingent = Contingent.objects.create(interface=interface, performance=shop.concert_1)
    a1, a3 = shop.seats[0], shop.seats[2]
    with pytest.raises(NotEnoughPlaces):
        allot_seats(contingent, seat_ids=[a1.pk, a3.pk])
    assert counts(contingent)["allotted"] == 0  # nothing allotted, not even A3
    # By block and rows: only the free seats of row A.
    assert len(allot_seats(contingent, block=a1.block, rows=["A"])) == 8


def test_allot_many_writes_what_allot_seats_writes_all_or_nothing(client, shop, interface):
    """The bulk allotment (a season's set-up, P6): several contingents at once, the same rows
    as allot_seats (places to export with their seat category, the seats taken for the web);
    a wanted seat in a web cart, or wanted twice, and nothing at all is allotted."""
    other = make_interface(shop, "http://127.0.0.1:9", instance="ticketnet")
    first = Contingent.objects.create(interface=interface, performance=shop.concert_1)
    second = Contingent.objects.create(interface=other, performance=shop.concert_1)
    third = Contingent.objects.create(interface=interface, performance=shop.concert_2)
    row_a = [s.pk for s in shop.seats if s.row == "A"]  # the 10 CAT1 seats
    assert hold(client, shop, {shop.full: 1}, shop.cat1).status_code == 302  # A1, on the web
    for wanted in (
        [(third, row_a[:2]), (first, row_a[1:4]), (second, row_a[:1])],  # A1 is in a cart
        [(third, row_a[:2]), (first, row_a[1:4]), (second, row_a[3:5])],  # A4 twice
    ):
        with pytest.raises(NotEnoughPlaces):
            allot_many(wanted)
        assert ContingentSeat.objects.count() == 0
    assert allot_many([(first, row_a[1:4]), (second, row_a[4:8]), (third, row_a[:2])]) == 9
    assert [counts(c)["to_export"] for c in (first, second, third)] == [3, 4, 2]
    single = Contingent.objects.create(interface=other, performance=shop.concert_2)
    by_one = {(c.seat_id, c.seat_category_id) for c in allot_seats(single, seat_ids=row_a[2:4])}
    in_bulk = set(third.seats.values_list("seat_id", "seat_category_id"))
    assert in_bulk | by_one == {(pk, shop.cat1.pk) for pk in row_a[:4]}
    # Concert 1: A1 in a cart, A2–A8 in contingents: 2 CAT1 seats left on the web.
    assert hold(client, shop, {shop.full: 3}, shop.cat1).status_code == 400
    assert hold(client, shop, {shop.full: 2}, shop.cat1).status_code == 302


def test_an_unnumbered_hall_is_allotted_by_a_count(shop, interface):
    product = cat.Product.objects.create(
        season=shop.season,
        code="STAND",
        family=cat.Family.EVENT,
        state=cat.State.RUNNING,
        name_en="Standing",
        price_grid=shop.concert.price_grid,
        quota=5,
    )
    performance = cat.Performance.objects.create(
        product=product,
        start=shop.concert_2.start,
        duration=shop.concert_2.duration,
        state=cat.State.RUNNING,
        configuration=shop.configuration,
    )
    contingent = Contingent.objects.create(interface=interface, performance=performance)
    assert len(allot_seats(contingent, count=3)) == 3
    with pytest.raises(NotEnoughPlaces):
        allot_seats(contingent, count=3)
    assert counts(contingent)["allotted"] == 3


def test_a_reseller_never_gets_a_family_it_may_not_sell(shop, interface):
    subscription = cat.Product.objects.create(
        season=shop.season,
        code="SUBS",
        family=cat.Family.SUBSCRIPTION,
        state=cat.State.RUNNING,
        name_en="Subscription",
        price_grid=shop.concert.price_grid,
    )
    performance = cat.Performance.objects.create(
        product=subscription,
        start=shop.concert_2.start,
        duration=shop.concert_2.duration,
        state=cat.State.RUNNING,
        configuration=shop.configuration,
    )
    contingent = Contingent.objects.create(interface=interface, performance=performance)
    with pytest.raises(ValidationError, match="may not sell"):
        allot_seats(contingent, seat_category=shop.cat2, count=2)
    assert counts(contingent)["allotted"] == 0
