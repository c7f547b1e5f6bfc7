"""Paging of setupService.searchProductsByCriteria (minIndex, nbMaxResults) and of
externalOrderHistoryService.listTicketsByCriteria (paginationParameter, truncated)."""

import json

import pytest
from django.utils import timezone

from tests.fixtures.venue import SECRET, USERNAME
from ticketshop.api import paths
from ticketshop.catalogue import models as cat
from ticketshop.sales.models import Order, OrderLine, SeatReservation

pytestmark = pytest.mark.django_db


def sell_tickets(shop, count, status=Order.Status.PAID):
    """`count` tickets of the concert's first performance (category 1, full price), paid."""
    order = Order.objects.create(point_of_sales=shop.pos, status=status, paid_at=timezone.now())
    tariff = cat.Tariff.objects.get(code="FULL")
    lines = []
    for seat in shop.seats[10 - count : 10] if count <= 10 else []:
        reservation = SeatReservation.objects.create(
            performance=shop.concert_1, seat=seat, status=SeatReservation.Status.SOLD
        )
        lines.append(
            OrderLine.objects.create(
                order=order,
                reservation=reservation,
                product=shop.concert,
                performance=shop.concert_1,
                seat_category=shop.cat1,
                tariff=tariff,
                price="45.50",
            )
        )
    return lines


def call(client, service, method, body):
    token = client.post(
        "/" + paths.AUTH_JSON,
        {"operator": USERNAME, "secret": SECRET},
        content_type="application/json",
    ).json()["token"]
    return client.post(
        f"/tnseb/backend-apis/{service}/v1_33/{method}",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_search_products_pages_until_a_short_page(client, shop):
    for n in range(4):
        cat.Product.objects.create(
            season=shop.season, code=f"X{n}", family="EVENT", state="RUNNING", name_en=f"X{n}"
        )
    exported = sorted(
        cat.Product.objects.filter(state__in=["RUNNING", "SUSPENDED"]).values_list("pk", flat=True)
    )
    assert len(exported) == 7
    pages, first = [], 0
    while True:
        page = call(
            client,
            "setupService",
            "searchProductsByCriteria",
            {
                "searchProductsCriteria": {"seasonIds": [shop.season.pk]},
                "granularity": "COMPLETE",
                "minIndex": first,
                "nbMaxResults": 3,
            },
        ).json()["products"]
        pages.append([p["id"] for p in page])
        if len(page) < 3:
            break
        first += 3
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [i for p in pages for i in p] == exported  # no product twice, none missing
    # exactly on a boundary: the next page is empty
    empty = call(
        client, "setupService", "searchProductsByCriteria", {"minIndex": 7, "nbMaxResults": 7}
    ).json()
    assert empty["statusCode"] == "success" and empty["products"] == []
    passes = call(
        client,
        "setupService",
        "searchProductsByCriteria",
        {"searchProductsCriteria": {"productFamilyTypes": ["PASS"]}},
    ).json()["products"]
    assert [p["code"] for p in passes] == ["PASS"]
    for bad in ({"minIndex": -1}, {"nbMaxResults": 0}, {"nbMaxResults": 10_000}):
        refused = call(client, "setupService", "searchProductsByCriteria", bad)
        assert refused.status_code == 400 and refused.json()["statusCode"].startswith("error.")
    unknown = call(
        client,
        "setupService",
        "searchProductsByCriteria",
        {"searchProductsCriteria": {"productFamilyTypes": ["EVENT"]}},
    )
    assert unknown.json()["statusCode"] == "error.criteria.invalid"


def test_list_tickets_pages_with_truncated(client, shop):
    lines = sell_tickets(shop, 5)
    ids = [line.pk for line in lines]

    def page(start, size):
        return call(
            client,
            "externalOrderHistoryService",
            "listTicketsByCriteria",
            {
                "ticketFilterCriteria": {"productId": shop.concert.pk},
                "paginationParameter": {"startPosition": start, "maxResult": size},
            },
        ).json()

    first, second, last = page(0, 2), page(2, 2), page(4, 2)
    assert first["truncated"] is True and second["truncated"] is True
    assert last["truncated"] is False
    got = [t["ticketId"] for p in (first, second, last) for t in p["ticketSummaries"]]
    assert got == ids
    exact = page(0, 5)
    assert exact["truncated"] is False and len(exact["ticketSummaries"]) == 5
    assert page(5, 5)["ticketSummaries"] == []
    ticket = first["ticketSummaries"][0]
    assert ticket == {
        "ticketId": ids[0],
        "ticketState": "VALID",
        "performanceId": shop.concert_1.pk,
        "seatCategoryId": shop.cat1.pk,
        "audienceSubCategoryId": cat.Tariff.objects.get(code="FULL").audience_subcategory_id,
        "priceLevelId": shop.concert.price_grid_id,
        "price": 45500,
    }
    Order.objects.filter(pk=lines[0].order_id).update(status=Order.Status.CANCELLED)
    assert page(0, 1)["ticketSummaries"][0]["ticketState"] == "CANCELLED"
    other = call(
        client,
        "externalOrderHistoryService",
        "listTicketsByCriteria",
        {"ticketFilterCriteria": {"productId": shop.pass_.pk}},
    ).json()
    assert other["ticketSummaries"] == [] and other["truncated"] is False
