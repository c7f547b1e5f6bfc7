"""P3 (issue 16): the public availability computed without any cache (one aggregate query) says
what a full recount of the reservations says, after sales, a cancellation, a reseller's
contingent allotment and the expiry of carts; and its cost in queries is the same for 1 and for
100 ids."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ticketshop.catalogue import models as cat
from ticketshop.organisation.models import PointOfSales, SalesChannel
from ticketshop.resellers.contingents import allot_seats
from ticketshop.resellers.models import Contingent, ResellerInterface
from ticketshop.sales import services as sales
from ticketshop.sales.models import Order, SeatReservation

PUBLIC = "/tnseb/public/availability"


@pytest.fixture(autouse=True)
def _uncached(settings):
    settings.TICKETSHOP = {**settings.TICKETSHOP, "PUBLIC_AVAILABILITY_CACHE_SECONDS": 0}


def public(client, key, ids):
    response = client.get(PUBLIC, {key: ",".join(map(str, ids))})
    assert response.status_code == 200, response.content
    return {a[f"{key[:-1]}Id"]: a for a in response.json()[key]["availabilities"]}


def recount(performance, now):
    """Places left, counted row by row in Python (not the endpoint's SQL): capacity (quota or
    seats of the configuration) less every SOLD place and every HELD one not expired."""
    performance.refresh_from_db()
    quota = performance.product.quota
    capacity = (
        quota
        if quota is not None
        else cat.SeatAssignment.objects.filter(configuration=performance.configuration).count()
    )
    taken = sum(
        r.quantity
        for r in SeatReservation.objects.filter(performance=performance)
        if r.status == "SOLD"
        or (r.status == "HELD" and (r.expires_at is None or r.expires_at > now))
    )
    return max(capacity - taken, 0)


def recount_undated(product, now):
    taken = sum(
        r.quantity
        for r in SeatReservation.objects.filter(product=product, performance=None)
        if r.status == "SOLD"
        or (r.status == "HELD" and (r.expires_at is None or r.expires_at > now))
    )
    return max(product.quota - taken, 0)


def assert_answer_is_the_recount(client, shop):
    now = timezone.now()
    performances = [shop.concert_1, shop.concert_2]
    answer = public(client, "performances", [p.pk for p in performances])
    for performance in performances:
        assert answer[performance.pk]["remaining"] == recount(performance, now), performance
    products = public(client, "products", [shop.concert.pk, shop.pass_.pk])
    best = max(answer[p.pk]["remaining"] for p in performances)  # both green here
    assert products[shop.concert.pk]["remaining"] == best
    assert products[shop.pass_.pk]["remaining"] == recount_undated(shop.pass_, now)
    return answer


def buy(shop, performance, count, now=None):
    cart = sales.new_cart(shop.pos, now=now)
    sales.hold_places(cart, performance, {shop.full.pk: count}, shop.cat1, now=now)
    return cart


def reseller(shop):
    channel = SalesChannel.objects.create(organisation=shop.org, code="FNAC", name="FNAC")
    pos = PointOfSales.objects.create(channel=channel, code="RS_FNAC", name="fnac")
    urls = {
        f"{name}_url": f"http://127.0.0.1:9/{name}/"
        for name in ("sales", "allotment", "prepare_access", "get_access")
    }
    secrets = {
        f"{name}_{part}": "x"
        for name in ("allotment", "sales", "access")
        for part in ("user", "password")
    }
    return ResellerInterface.objects.create(
        code="fnac",
        name_en="FNAC",
        external_channel=channel,
        point_of_sales=pos,
        waiting_contact=shop.visitor,
        manager_code="FNAC-CUBE",
        **urls,
        **secrets,
    )


def test_the_uncached_answer_is_the_recount_after_every_kind_of_change(client, shop):
    assert_answer_is_the_recount(client, shop)
    # sales: two paid orders, and a cart still held
    paid = []
    for count in (3, 2):
        cart = buy(shop, shop.concert_1, count)
        sales.start_payment(cart.pk, None)
        paid.append(sales.confirm_order(cart.pk))
    buy(shop, shop.concert_2, 4)
    SeatReservation.objects.create(product=shop.pass_, quantity=3, status="SOLD")
    answer = assert_answer_is_the_recount(client, shop)
    assert answer[shop.concert_1.pk]["remaining"] == 20 - 5
    # a cancellation (one ticket of the first order): its place is on sale again
    line = paid[0].lines.first()
    sales.cancel_paid_order(paid[0].pk, [line.pk])
    answer = assert_answer_is_the_recount(client, shop)
    assert answer[shop.concert_1.pk]["remaining"] == 20 - 4
    # a reseller's contingent: its places are taken for the web
    contingent = Contingent.objects.create(interface=reseller(shop), performance=shop.concert_2)
    assert len(allot_seats(contingent, seat_category=shop.cat1, count=3)) == 3
    answer = assert_answer_is_the_recount(client, shop)
    assert answer[shop.concert_2.pk]["remaining"] == 20 - 4 - 3
    # carts that expired: free at once in the answer, then released by the expiry task
    long_ago = timezone.now() - dt.timedelta(hours=2)
    buy(shop, shop.concert_2, 2, now=long_ago)
    assert_answer_is_the_recount(client, shop)
    assert sales.release_expired() == 2
    assert Order.objects.filter(status="EXPIRED").count() == 1
    answer = assert_answer_is_the_recount(client, shop)
    assert answer[shop.concert_2.pk]["remaining"] == 20 - 4 - 3


def test_through_http_100_ids_cost_the_queries_of_one(client, shop):
    products = [shop.concert] + [
        cat.Product.objects.create(
            season=shop.season, code=f"X{n:03d}", family="EVENT", state="RUNNING", name_en=str(n)
        )
        for n in range(99)
    ]
    for product in products[1:]:
        for day in (1, 2):
            cat.Performance.objects.create(
                product=product,
                start=shop.concert_1.start + dt.timedelta(days=day),
                duration=shop.concert_1.duration,
                state="RUNNING",
                configuration=shop.configuration,
            )
    buy(shop, shop.concert_1, 2)
    ids = [p.pk for p in products]
    public(client, "products", ids[:1])  # the point of sales is read once, then kept a moment

    def queries(chosen):
        with CaptureQueriesContext(connection) as captured:
            answer = public(client, "products", chosen)
        assert set(answer) == set(chosen)
        return [q["sql"] for q in captured.captured_queries]

    one, hundred = queries(ids[:1]), queries(ids)
    assert len(one) == len(hundred) == 1, hundred  # the aggregate query, nothing else
    assert "WITH" in hundred[0] and "GROUP BY" in hundred[0]


def test_a_changed_point_of_sales_is_read_again_at_once(client, shop):
    """The public endpoint keeps the point of sales a few seconds; saving it forgets it."""
    assert public(client, "performances", [shop.concert_1.pk])[shop.concert_1.pk]["remaining"]
    shop.pos.show_remaining_count = False
    shop.pos.save()
    answer = public(client, "performances", [shop.concert_1.pk])
    assert answer[shop.concert_1.pk]["remaining"] is None
