"""The JSON twins, their bearer token, and the public availability endpoint (C2, C3)."""

import json

import pytest

from tests.fixtures.venue import SECRET, USERNAME, sell
from ticketshop.catalogue import models as cat
from ticketshop.sales.availability import MAX_IDS

AUTH = "/tnai/backend-apis/v1/auth"
CATALOG = "/tnseb/backend-apis/catalogService/v1_33/"
AVAILABILITY = "/tnseb/backend-apis/availabilityService/v1_33/"
PUBLIC = "/tnseb/public/availability"


def post(client, url, body, token=None, raw=False):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    data = body if raw else json.dumps(body)
    return client.post(url, data=data, content_type="application/json", **headers)


@pytest.fixture
def token(client, shop):
    response = post(client, AUTH, {"operator": USERNAME, "partner": "TICKETSHOP", "secret": SECRET})
    assert response.status_code == 200
    return response.json()["token"]


def test_auth_refuses_wrong_credentials(client, shop):
    for body in (
        {"operator": USERNAME, "secret": "wrong"},
        {"operator": "nobody", "secret": SECRET},
        {},
    ):
        response = post(client, AUTH, body)
        assert response.status_code == 401, body
        assert "token" not in response.json()
    assert post(client, AUTH, "{not json", raw=True).status_code == 400
    assert post(client, AUTH, [1, 2]).status_code == 400
    assert client.get(AUTH).status_code == 405


def test_catalogue_twin(client, token, shop):
    response = post(client, CATALOG + "getCatalogDetailed", {"requestId": 42}, token)
    assert response.status_code == 200
    data = response.json()
    assert data["requestId"] == 42 and data["statusCode"] == "success"
    products = data["catalogData"]["seasons"][0]["products"]
    assert sorted(p["code"] for p in products) == ["CONCERT", "PASS", "SUSP"]
    concert = next(p for p in products if p["code"] == "CONCERT")
    first = concert["event"]["performances"][0]
    child = cat.Tariff.objects.get(code="CHILD").audience_subcategory_id
    assert {
        p["audSubCatId"]: p["amount"] for p in first["prices"] if p["seatCatId"] == shop.cat1.pk
    } == {cat.Tariff.objects.get(code="FULL").audience_subcategory_id: 45500, child: 30000}
    config = post(client, CATALOG + "getPOSConfig", {}, token).json()["posConfigData"]
    assert config["posId"] == shop.pos.pk and config["currencyCode"] == "EUR"
    assert config["organizationTimeZone"] == "Europe/Paris"
    assert config["termsOfSaleUrl"] == "https://www.thecube.example/en/terms/"
    alive = post(client, CATALOG + "isCatalogServiceAlive", {}, token).json()
    assert alive["statusCode"] == "success" and isinstance(alive["requestId"], int)
    same = post(client, CATALOG + "getCatalog", {}, token).json()["catalogData"]
    assert same == data["catalogData"]
    refused = post(client, CATALOG + "getCatalogDetailed", {"requestId": "r1"}, token)
    assert refused.status_code == 400 and refused.json()["statusCode"] == "error.request.invalid"


def test_large_catalogue_answers_in_progress_then_the_catalogue(client, token, shop, settings):
    settings.TICKETSHOP = {**settings.TICKETSHOP, "API_CATALOGUE_IN_PROGRESS_FROM": 2}
    first = post(client, CATALOG + "getCatalogDetailed", {}, token).json()
    assert first["statusCode"] == "in_progress" and "catalogData" not in first
    assert isinstance(first["requestId"], int) and first["requestState"]
    again = post(client, CATALOG + "getCatalogDetailed", {"requestId": first["requestId"]}, token)
    data = again.json()
    assert data["statusCode"] == "success" and data["requestId"] == first["requestId"]
    assert len(data["catalogData"]["seasons"][0]["products"]) == 3


def test_availability_twin(client, token, shop):
    sell(shop.concert_1, shop.seats)
    response = post(
        client,
        AVAILABILITY + "getPerformanceAvailability",
        {"performanceIds": [shop.concert_1.pk, shop.concert_2.pk, 424242]},
        token,
    )
    assert response.status_code == 200
    data = response.json()
    assert [(a["performanceId"], a["indicator"]) for a in data["availabilities"]] == [
        (shop.concert_1.pk, 3),
        (shop.concert_2.pk, 1),
    ]
    assert data["unknownIds"] == [424242]
    products = post(
        client, AVAILABILITY + "getProductAvailability", {"productIds": [shop.concert.pk]}, token
    ).json()
    assert products["availabilities"][0]["remaining"] == 20
    updated = post(
        client,
        AVAILABILITY + "getUpdatedAvailabilities",
        {"pointOfSalesId": shop.pos.pk, "referenceDate": "2000-01-01T00:00:00+00:00"},
        token,
    ).json()
    assert shop.concert.pk in [a["productId"] for a in updated["availabilityUpdateData"]]


def test_remaining_count_hidden_when_the_point_of_sales_says_so(client, token, shop):
    shop.pos.show_remaining_count = False
    shop.pos.save()
    data = post(
        client, AVAILABILITY + "getProductAvailability", {"productIds": [shop.concert.pk]}, token
    ).json()
    assert data["availabilities"][0]["remaining"] is None
    assert data["availabilities"][0]["indicator"] == 1


@pytest.mark.parametrize(
    "body,code",
    [
        ({}, "error.request.invalid"),
        ({"productIds": []}, "error.request.invalid"),
        ({"productIds": "1,2"}, "error.request.invalid"),
        ({"productIds": ["1"]}, "error.request.invalid"),
        ({"productIds": [True]}, "error.request.invalid"),
        ({"productIds": [0]}, "error.request.invalid"),
        ({"productIds": [2**70]}, "error.request.invalid"),
        ({"productIds": list(range(1, MAX_IDS + 2))}, "error.ids.tooMany"),
    ],
)
def test_bad_availability_parameters(client, token, body, code):
    response = post(client, AVAILABILITY + "getProductAvailability", body, token)
    assert response.status_code == 400
    assert response.json()["statusCode"] == code and response.json()["statusDetail"]
    assert isinstance(response.json()["requestId"], int)


def test_json_errors(client, token, shop):
    assert (
        post(client, AVAILABILITY + "getProductAvailability", "{oops", token, raw=True).status_code
        == 400
    )
    bad_date = post(
        client,
        AVAILABILITY + "getUpdatedAvailabilities",
        {"pointOfSalesId": shop.pos.pk, "referenceDate": "soon"},
        token,
    )
    assert bad_date.status_code == 400 and "ISO 8601" in bad_date.json()["statusDetail"]
    for path in (
        CATALOG + "dropTables",
        "/tnseb/backend-apis/bookingService/v1_33/book",
        "/tnseb/backend-apis/catalogService/v1_99/getPOSConfig",
        "/tnseb/backend-apis/anything",
    ):
        for method in (client.post, client.get):
            unknown = method(path)
            assert unknown.status_code == 404, path  # never a redirect nor a page
            assert unknown.json()["statusCode"] == "error.method.unknown"
    assert post(client, CATALOG + "getPOSConfig", {}).status_code == 401
    assert post(client, CATALOG + "getPOSConfig", {}, "forged").status_code == 401
    assert post(client, CATALOG + "getPOSConfig", {}, "forged").json()["statusCode"] == (
        "error.authentication"
    )
    shop.account.set_secret("a-new-secret")
    shop.account.save()
    assert post(client, CATALOG + "getPOSConfig", {}, token).status_code == 401


def test_deactivating_the_account_revokes_its_tokens(client, token, shop):
    assert post(client, CATALOG + "getPOSConfig", {}, token).status_code == 200
    shop.account.active = False
    shop.account.save()
    assert post(client, CATALOG + "getPOSConfig", {}, token).status_code == 401


def test_expired_token_is_refused(client, token, settings):
    settings.TICKETSHOP = {**settings.TICKETSHOP, "API_TOKEN_SECONDS": -120}
    expired = post(client, AUTH, {"operator": USERNAME, "secret": SECRET}).json()["token"]
    response = post(client, CATALOG + "getPOSConfig", {}, expired)
    assert response.status_code == 401 and "expired" in response.json()["statusDetail"]


def test_public_availability_for_browsers(client, shop, settings):
    settings.TICKETSHOP = {**settings.TICKETSHOP, "POINT_OF_SALES_CODE": "TICKETSHOP"}
    sell(shop.concert_1, shop.seats[:18])
    response = client.get(
        PUBLIC,
        {"products": f"{shop.concert.pk}", "performances": f"{shop.concert_1.pk},999"},
        HTTP_ORIGIN="http://localhost:8000",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "http://localhost:8000"
    assert "max-age=15" in response["Cache-Control"]
    data = response.json()
    assert data["performances"]["availabilities"][0]["indicator"] == 2
    assert data["performances"]["unknownIds"] == [999]
    assert data["products"]["availabilities"][0]["indicator"] == 1
    from_website = client.get(
        PUBLIC, {"products": shop.concert.pk}, HTTP_ORIGIN="https://www.thecube.example"
    )
    assert from_website["Access-Control-Allow-Origin"] == "https://www.thecube.example"
    evil = client.get(PUBLIC, {"products": shop.concert.pk}, HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in evil
    assert client.get(PUBLIC, {"products": "1,abc"}).status_code == 400
    assert client.get(PUBLIC, {"products": "9" * 30}).status_code == 400
    assert client.get(PUBLIC, {"performances": "-3"}).status_code == 400
    assert client.get(PUBLIC).status_code == 400
    too_many = ",".join(str(i) for i in range(1, MAX_IDS + 2))
    assert client.get(PUBLIC, {"products": too_many}).json()["statusCode"] == "error.ids.tooMany"
    assert client.post(PUBLIC).status_code == 405


def test_public_answer_is_cached_a_few_seconds(client, shop, settings):
    settings.TICKETSHOP = {**settings.TICKETSHOP, "POINT_OF_SALES_CODE": "TICKETSHOP"}
    query = {"performances": str(shop.concert_1.pk)}

    def indicator():
        return client.get(PUBLIC, query).json()["performances"]["availabilities"][0]["indicator"]

    assert indicator() == 1
    sell(shop.concert_1, shop.seats)
    assert indicator() == 1  # the same ids within PUBLIC_AVAILABILITY_CACHE_SECONDS
    settings.TICKETSHOP = {**settings.TICKETSHOP, "PUBLIC_AVAILABILITY_CACHE_SECONDS": 0}
    assert indicator() == 3
