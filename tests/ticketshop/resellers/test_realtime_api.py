"""R9 through HTTP: the real-time reseller API (/api/1/resellers/) as Digitick and ClassicTic call
it with their own bearer tokens — list, hold, confirm (idempotent per basket and per sale
reference), release, expiry, status, cancel — every error code, the price policies, and each
reseller seeing only its own interface (another's basket, sale or performance is 404)."""

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db.models import Sum
from django.utils import timezone

from tests.fixtures.venue import SECRET, USERNAME
from tests.ticketshop.resellers.realtime_setup import allot, make_realtime
from ticketshop.resellers import realtime
from ticketshop.resellers.access import check_ticket
from ticketshop.resellers.models import Basket, ContingentSeat
from ticketshop.sales.models import Order, OrderLine, SeatReservation
from ticketshop.sales.services import NotEnoughPlaces, hold_places, new_cart

API = "/api/1/resellers/"


def token_of(client, operator, secret):
    response = client.post(
        "/tnai/backend-apis/v1/auth",
        json.dumps({"operator": operator, "partner": "pos", "secret": secret}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


class Reseller:
    """One reseller's HTTP client: its token on every call."""

    def __init__(self, client, token):
        self.client, self.token = client, token

    def get(self, path):
        return self.client.get(API + path, HTTP_AUTHORIZATION=f"Bearer {self.token}")

    def post(self, path, data=None, raw=None):
        body = raw if raw is not None else json.dumps(data or {})
        return self.client.post(
            API + path, body, content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {self.token}",
        )  # fmt: skip

    def hold(self, **data):
        return self.post("baskets", data)


@pytest.fixture
def rt(shop, client):
    digitick, d_op, d_secret = make_realtime(
        shop.org, "digitick", tariffs=[(shop.full, "0|44"), (shop.child, "6")],
        categories=[(shop.cat1, "30")],
    )  # fmt: skip
    classictic, c_op, c_secret = make_realtime(
        shop.org, "classictic", kind="CLASSICTIC", tariffs=[(shop.full, "P")]
    )
    d_contingent, _seats = allot(digitick, shop.concert_1, seat_category=shop.cat1, count=4)
    allot(digitick, shop.concert_1, seat_category=shop.cat2, count=3)
    c_contingent, _seats = allot(classictic, shop.concert_2, seat_category=shop.cat1, count=2)
    return SimpleNamespace(
        shop=shop,
        digitick=digitick,
        classictic=classictic,
        d=Reseller(client, token_of(client, d_op, d_secret)),
        c=Reseller(client, token_of(client, c_op, c_secret)),
        d_contingent=d_contingent,
        c_contingent=c_contingent,
    )


def held(rt, count=2, category=None, customer="0", **extra):
    response = rt.d.hold(
        performance=rt.shop.concert_1.pk,
        category=(category or rt.shop.cat1).pk,
        tickets=[{"customerCategory": customer, "quantity": count, **extra}],
    )
    assert response.status_code == 201, response.content
    return response.json()


def confirm(rt, basket, reference="DGT-1", names=("Ada Lovelace", "Alan Turing")):
    return rt.d.post(
        f"baskets/{basket['basket']}/confirm",
        {"saleReference": reference, "beneficiaries": list(names)},
    )


def error(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == code, response.json()
    assert response.json()["message"]
    return response.json()


def remaining(rt, reseller=None, performance=None):
    reseller = reseller or rt.d
    performance = performance or rt.shop.concert_1
    answer = reseller.get(f"performances/{performance.pk}").json()
    return {c["category"]: c["remaining"] for c in answer["categories"]}


# --- listing ---------------------------------------------------------------------------------


def test_each_reseller_lists_its_contingents_with_places_left_and_its_mapped_prices(rt):
    shop = rt.shop
    response = rt.d.get("performances")
    assert response.status_code == 200
    performances = response.json()["performances"]
    assert [p["performance"] for p in performances] == [shop.concert_1.pk]
    (performance,) = performances
    assert performance["onSale"] is True and performance["currency"] == "EUR"
    categories = {c["category"]: c for c in performance["categories"]}
    assert {k: c["remaining"] for k, c in categories.items()} == {shop.cat1.pk: 4, shop.cat2.pk: 3}
    assert categories[shop.cat1.pk]["externalId"] == "30"
    assert categories[shop.cat1.pk]["prices"] == [
        {"tariff": shop.full.pk, "tariffCode": "FULL", "customerCategories": ["0", "44"],
         "amount": "45.50"},
        {"tariff": shop.child.pk, "tariffCode": "CHILD", "customerCategories": ["6"],
         "amount": "30.00"},
    ]  # fmt: skip
    # ClassicTic: its own performance, and only its one mapped tariff
    (theirs,) = rt.c.get("performances").json()["performances"]
    assert theirs["performance"] == shop.concert_2.pk
    assert [p["tariffCode"] for p in theirs["categories"][0]["prices"]] == ["FULL"]


def test_another_resellers_performance_basket_and_sale_are_404(rt):
    error(rt.c.get(f"performances/{rt.shop.concert_1.pk}"), 404, "UNKNOWN_PERFORMANCE")
    error(
        rt.c.hold(
            performance=rt.shop.concert_1.pk,
            category=rt.shop.cat1.pk,
            tickets=[{"customerCategory": "P", "quantity": 1}],
        ),
        404,
        "UNKNOWN_PERFORMANCE",
    )
    basket = held(rt)
    assert confirm(rt, basket).status_code == 201
    error(rt.c.get(f"baskets/{basket['basket']}"), 404, "NOT_FOUND")
    error(
        rt.c.post(
            f"baskets/{basket['basket']}/confirm", {"saleReference": "X", "beneficiaries": []}
        ),
        404,
        "NOT_FOUND",
    )
    error(rt.c.get("sales/DGT-1"), 404, "NOT_FOUND")
    error(rt.c.post("sales/DGT-1/cancel"), 404, "NOT_FOUND")
    assert rt.d.get("sales/DGT-1").status_code == 200


# --- holding ---------------------------------------------------------------------------------


def test_hold_takes_the_best_places_of_the_category_from_the_contingent(rt):
    basket = held(rt, 2)
    assert basket["state"] == "HELD" and basket["order"] is None
    assert [p["seat"]["number"] for p in basket["places"]] == [1, 2]  # together, best first
    assert basket["total"] == "91.00"
    assert remaining(rt)[rt.shop.cat1.pk] == 2
    # still the contingent's reservations in the booking core: nobody else can take them
    seat_ids = [p["seat"]["id"] for p in basket["places"]]
    assert set(
        SeatReservation.objects.filter(
            seat_id__in=seat_ids, status="HELD", performance=rt.shop.concert_1
        ).values_list("contingent_seat__contingent__interface__code", flat=True)
    ) == {"digitick"}
    assert rt.d.get(f"baskets/{basket['basket']}").json() == basket


def test_hold_chosen_seats_within_the_contingent(rt):
    mine = list(
        rt.d_contingent.seats.filter(seat_category=rt.shop.cat1)
        .order_by("seat__number")
        .values_list("seat_id", flat=True)
    )
    response = rt.d.hold(
        performance=rt.shop.concert_1.pk,
        seats=mine[2:4],
        tickets=[
            {"customerCategory": "44", "quantity": 1},
            {"customerCategory": "6", "quantity": 1},
        ],
    )
    assert response.status_code == 201, response.content
    places = response.json()["places"]
    assert [p["seat"]["id"] for p in places] == mine[2:4]
    assert [p["price"] for p in places] == ["45.50", "30.00"]
    outside = rt.shop.seats[9].pk  # A10: the hall's, not the contingent's
    error(
        rt.d.hold(performance=rt.shop.concert_1.pk, seats=[outside],
                  tickets=[{"customerCategory": "0", "quantity": 1}]),
        409, "NOT_IN_CONTINGENT",
    )  # fmt: skip
    error(
        rt.d.hold(performance=rt.shop.concert_1.pk, seats=mine[3:4],
                  tickets=[{"customerCategory": "0", "quantity": 1}]),
        409, "NOT_ENOUGH_PLACES",
    )  # fmt: skip


def test_not_enough_places_and_the_web_shop_cannot_take_contingent_seats(rt):
    error(
        rt.d.hold(
            performance=rt.shop.concert_1.pk,
            category=rt.shop.cat1.pk,
            tickets=[{"customerCategory": "0", "quantity": 5}],
        ),
        409,
        "NOT_ENOUGH_PLACES",
    )
    assert Basket.objects.count() == 0
    cart = new_cart(rt.shop.pos)
    with pytest.raises(NotEnoughPlaces):  # the 6 other CAT1 seats, then none
        hold_places(cart, rt.shop.concert_1, {rt.shop.full.pk: 7}, rt.shop.cat1)


def test_bad_requests_are_refused_with_a_code_and_change_nothing(rt):
    concert = rt.shop.concert_1.pk
    cases = [
        rt.d.post("baskets", raw="{not json"),
        rt.d.post("baskets", raw="[1]"),
        rt.d.hold(performance="x", tickets=[{"customerCategory": "0"}]),
        rt.d.hold(performance=concert, category=rt.shop.cat1.pk),
        rt.d.hold(performance=concert, category=rt.shop.cat1.pk, tickets=[{"quantity": 1}]),
        rt.d.hold(performance=concert, category=rt.shop.cat1.pk,
                  tickets=[{"customerCategory": "0", "quantity": 0}]),
        rt.d.hold(performance=concert, category=rt.shop.cat1.pk,
                  tickets=[{"customerCategory": "0", "quantity": 99}]),
        rt.d.hold(performance=concert, category=rt.shop.cat1.pk,
                  tickets=[{"customerCategory": "0", "price": "abc"}]),
        rt.d.hold(performance=concert, seats=[1, 1], tickets=[{"customerCategory": "0"}]),
        rt.d.hold(performance=concert, tickets=[{"customerCategory": "0"}]),
    ]  # fmt: skip
    for response in cases:
        error(response, 400, "BAD_REQUEST")
    error(
        rt.d.hold(performance=concert, category=rt.shop.cat1.pk,
                  tickets=[{"customerCategory": "99"}]),
        400, "UNKNOWN_TARIFF",
    )  # fmt: skip
    error(rt.d.hold(performance=10**9, tickets=[{"customerCategory": "0"}]), 404,
          "UNKNOWN_PERFORMANCE")  # fmt: skip
    other_category = rt.c_contingent.seats.first().seat_category_id
    assert other_category == rt.shop.cat1.pk
    basket = held(rt, 1)
    error(rt.d.post(f"baskets/{basket['basket']}/confirm", {"saleReference": "R"}), 400,
          "BAD_REQUEST")  # fmt: skip
    error(rt.d.post(f"baskets/{basket['basket']}/confirm",
                    {"saleReference": "", "beneficiaries": ["A"]}), 400, "BAD_REQUEST")  # fmt: skip
    error(rt.d.post("sales/NOPE/cancel", {"tickets": "x"}), 400, "BAD_REQUEST")
    assert Basket.objects.count() == 1 and not Order.objects.exists()


def test_authentication_method_and_path_errors(rt, client, shop):
    error(client.get(API + "performances"), 401, "UNAUTHORIZED")
    error(client.get(API + "performances", HTTP_AUTHORIZATION="Bearer nope"), 401, "UNAUTHORIZED")
    website = Reseller(client, token_of(client, USERNAME, SECRET))  # a JSON twin's account
    error(website.get("performances"), 403, "FORBIDDEN")
    error(rt.d.get("baskets"), 405, "METHOD_NOT_ALLOWED")
    error(rt.d.post("performances"), 405, "METHOD_NOT_ALLOWED")
    error(rt.d.get("nothing/here"), 404, "NOT_FOUND")
    error(rt.d.get("baskets/999999"), 404, "NOT_FOUND")
    rt.digitick.status = "INACTIVE"
    rt.digitick.save()
    error(rt.d.get("performances"), 403, "FORBIDDEN")


def test_a_performance_not_on_sale_is_refused(rt):
    rt.shop.concert_1.state = "SUSPENDED"
    rt.shop.concert_1.save()
    error(
        rt.d.hold(performance=rt.shop.concert_1.pk, category=rt.shop.cat1.pk,
                  tickets=[{"customerCategory": "0"}]),
        409, "NOT_ON_SALE",
    )  # fmt: skip


# --- confirming ------------------------------------------------------------------------------


def test_confirm_makes_one_paid_order_on_the_waiting_account_with_barcodes_and_names(rt):
    basket = held(rt, 2)
    response = confirm(rt, basket)
    assert response.status_code == 201, response.content
    sale = response.json()
    assert sale["created"] is True and sale["state"] == "CONFIRMED"
    assert sale["saleReference"] == "DGT-1" and sale["order"]["status"] == "PAID"
    tickets = [p["ticket"] for p in sale["places"]]
    assert [t["holder"] for t in tickets] == ["Ada Lovelace", "Alan Turing"]
    assert all(len(t["barcode"]) == 20 and t["state"] == "VALID" for t in tickets)
    order = Order.objects.get(pk=sale["order"]["id"])
    assert order.contact == rt.digitick.waiting_contact
    assert order.point_of_sales == rt.digitick.point_of_sales
    assert order.total == Decimal("91.00")
    assert all(line.holder is None for line in order.lines.all())  # names only, no contact
    assert check_ticket(tickets[0]["barcode"], rt.shop.concert_1.pk, consume=False)[0] == "VALID"
    assert ContingentSeat.objects.filter(state="SOLD").count() == 2
    assert remaining(rt)[rt.shop.cat1.pk] == 2


def test_confirm_is_idempotent_per_basket_and_per_sale_reference(rt):
    basket = held(rt, 2)
    first = confirm(rt, basket).json()
    again = confirm(rt, basket)
    assert again.status_code == 200 and again.json()["created"] is False
    assert again.json()["order"] == first["order"]
    other = held(rt, 1)
    same_reference = confirm(rt, other, names=["Grace Hopper"])
    assert same_reference.status_code == 200
    assert same_reference.json()["order"] == first["order"]
    assert same_reference.json()["basket"] == basket["basket"]
    assert Order.objects.count() == 1
    assert rt.d.get(f"baskets/{other['basket']}").json()["state"] == "HELD"  # still its own
    assert confirm(rt, other, "DGT-2", ["Grace Hopper"]).status_code == 201
    assert Order.objects.count() == 2


def test_an_expired_basket_is_refused_and_its_places_go_back_to_the_contingent(rt, settings):
    settings.RESELLERS = {"REALTIME_BASKET_MINUTES": 0}  # expires the moment it is made
    basket = held(rt, 2)
    assert rt.d.get(f"baskets/{basket['basket']}").json()["state"] == "EXPIRED"
    assert remaining(rt)[rt.shop.cat1.pk] == 4
    error(confirm(rt, basket), 409, "BASKET_EXPIRED")
    assert not Order.objects.exists()
    assert realtime.expire_baskets() == 1
    assert Basket.objects.get().state == "EXPIRED"
    error(confirm(rt, basket), 409, "BASKET_EXPIRED")
    settings.RESELLERS = {}
    again = held(rt, 4)  # the same places, for another buyer
    assert {p["seat"]["id"] for p in again["places"]} >= {p["seat"]["id"] for p in basket["places"]}


def test_release_gives_a_held_basket_back(rt):
    basket = held(rt, 3)
    response = rt.d.post(f"baskets/{basket['basket']}/release")
    assert response.status_code == 200 and response.json()["state"] == "RELEASED"
    assert remaining(rt)[rt.shop.cat1.pk] == 4
    error(confirm(rt, basket, names=["A", "B", "C"]), 409, "BASKET_RELEASED")
    sold = held(rt, 1)
    confirm(rt, sold, "DGT-9", ["A"])
    error(rt.d.post(f"baskets/{sold['basket']}/release"), 409, "BASKET_CONFIRMED")


def test_places_taken_back_by_the_box_office_are_lost_for_the_basket(rt):
    from ticketshop.resellers.contingents import withdraw_seats

    basket = held(rt, 4)
    withdraw_seats(rt.d_contingent, seat_ids=[basket["places"][0]["seat"]["id"]])
    error(confirm(rt, basket, names=["A", "B", "C", "D"]), 409, "PLACES_LOST")
    assert not Order.objects.exists()


# --- price policy ----------------------------------------------------------------------------


def test_price_policy_error_refuses_another_price(rt):
    error(
        rt.d.hold(performance=rt.shop.concert_1.pk, category=rt.shop.cat1.pk,
                  tickets=[{"customerCategory": "0", "price": "40.00"}]),
        409, "PRICE_REFUSED",
    )  # fmt: skip
    basket = held(rt, 1, price="45.50")
    assert basket["places"][0]["price"] == "45.50"


@pytest.mark.parametrize(
    ("policy", "commission", "expected"),
    [("ACCEPT", "0", "40.00"), ("COMMISSION", "10", "36.00")],
)
def test_price_policy_accept_and_commission(rt, policy, commission, expected):
    rt.digitick.price_policy = policy
    rt.digitick.commission_percent = Decimal(commission)
    rt.digitick.save()
    basket = held(rt, 1, price="40.00")
    assert [p["price"] for p in basket["places"]] == [expected]
    assert basket["places"][0]["resellerPrice"] == "40.00"
    sale = confirm(rt, basket, names=["A"]).json()
    assert str(Order.objects.get(pk=sale["order"]["id"]).total) == expected


# --- status and cancellation -----------------------------------------------------------------


def test_cancel_a_ticket_refunds_it_and_gives_its_place_back_to_the_contingent(rt):
    sale = confirm(rt, held(rt, 2)).json()
    barcode = sale["places"][0]["ticket"]["barcode"]
    response = rt.d.post("sales/DGT-1/cancel", {"tickets": [barcode]})
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["refunded"] == "45.50" and answer["order"]["status"] == "PARTLY_REFUNDED"
    assert [p["ticket"]["state"] for p in answer["places"]] == ["CANCELLED", "VALID"]
    assert check_ticket(barcode, rt.shop.concert_1.pk, consume=False)[0] == "CANCELLED"
    assert remaining(rt)[rt.shop.cat1.pk] == 3  # back in the contingent, to sell again
    again = rt.d.post("sales/DGT-1/cancel", {"tickets": [barcode]})
    assert again.json()["refunded"] == "0.00"  # idempotent
    error(rt.d.post("sales/DGT-1/cancel", {"tickets": ["0000"]}), 404, "NOT_FOUND")
    rest = rt.d.post("sales/DGT-1/cancel").json()
    assert rest["refunded"] == "45.50" and rest["order"]["status"] == "REFUNDED"
    assert rt.d.get("sales/DGT-1").json()["order"]["status"] == "REFUNDED"
    assert remaining(rt)[rt.shop.cat1.pk] == 4
    resold = held(rt, 4)  # the cancelled seats are sold again by the reseller
    assert confirm(rt, resold, "DGT-2", ["A", "B", "C", "D"]).status_code == 201


def test_the_api_is_documented(client, db):
    page = client.get("/api/1/")
    assert page.status_code == 200
    assert b"/api/1/resellers/baskets/{basket}/confirm" in page.content
    assert b"BASKET_EXPIRED" in page.content
    spec = client.get("/api/1/openapi.json").json()
    assert "post" in spec["paths"]["/api/1/resellers/baskets"]
    assert "PRICE_REFUSED" in json.dumps(spec["paths"]["/api/1/resellers/baskets"])


@pytest.mark.parametrize(
    ("language", "message"),
    [("fr", "Panier inconnu."), ("de", "Unbekannter Warenkorb."), ("es", "Cesta desconocida.")],
)
def test_messages_follow_the_callers_language(rt, client, language, message):
    response = client.get(
        API + "baskets/999999",
        HTTP_AUTHORIZATION=f"Bearer {rt.d.token}",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert error(response, 404, "NOT_FOUND")["message"] == message


def test_settlement_counts_real_time_sales_and_refunds_to_the_cent(rt, admin_client):
    """R11 for a real-time reseller: its confirmed baskets and refunded tickets are on its
    settlement statement, with the figures of their order lines."""
    rt.digitick.commission_percent = Decimal("10")
    rt.digitick.save()
    sale = confirm(rt, held(rt, 2)).json()
    barcode = sale["places"][0]["ticket"]["barcode"]
    assert rt.d.post("sales/DGT-1/cancel", {"tickets": [barcode]}).status_code == 200
    today = timezone.localdate()
    period = {"from": (today - dt.timedelta(days=1)).isoformat(), "to": today.isoformat()}
    url = f"/backoffice/resellers/resellerinterface/{rt.digitick.pk}/settlement/"
    statement = admin_client.get(url, period).context["statement"]
    lines = OrderLine.objects.filter(order_id=sale["order"]["id"])
    assert (statement.sold, statement.refunded) == (2, 1)
    assert statement.gross_sold == lines.aggregate(s=Sum("price"))["s"] == Decimal("91.00")
    assert statement.gross_refunded == Decimal("45.50")
    assert statement.commission == Decimal("4.55") and statement.net_due == Decimal("40.95")
    rows = list(
        csv.reader(io.StringIO(admin_client.get(url, {**period, "format": "csv"}).content.decode()))
    )
    assert {r[2] for r in rows[1 : rows.index([])]} == {"DGT-1"}
