"""Every served SecuTix method answers the documented names, nesting and types (C2, C3, L2): each
answer is checked against a schema written from the documentation (secutix_schemas), over JSON
and over SOAP through zeep."""

import datetime as dt
import json

import jsonschema
import pytest
from zeep.helpers import serialize_object

from tests.fixtures.venue import SECRET, USERNAME, sell
from tests.ticketshop.api.secutix_schemas import check, plain
from tests.ticketshop.api.test_soap import client as soap_client_for
from ticketshop.api import paths

pytestmark = pytest.mark.django_db(transaction=True)

SOAP_PATHS = {
    "catalogService": "/" + paths.CATALOG_SOAP,
    "availabilityService": "/" + paths.AVAILABILITY_SOAP,
    "setupService": "/" + paths.SETUP_SOAP,
    "externalOrderHistoryService": "/" + paths.ORDER_HISTORY_SOAP,
}


def calls(shop):
    """(service, method, parameters as documented) for every served method."""
    since = "2020-01-01T00:00:00+00:00"
    return [
        ("catalogService", "isCatalogServiceAlive", {}),
        ("catalogService", "getPOSConfig", {}),
        ("catalogService", "getLastSetupUpdate", {}),
        ("catalogService", "getCatalogDetailed", {"scope": "EXTENDED"}),
        ("availabilityService", "getProductAvailability", {"productIds": [shop.concert.pk]}),
        (
            "availabilityService",
            "getPerformanceAvailability",
            {"performanceIds": [shop.concert_1.pk], "bySeatCategory": True},
        ),
        (
            "availabilityService",
            "getEventAvailability",
            {"pointOfSalesId": shop.pos.pk, "productIds": [shop.concert.pk]},
        ),
        (
            "availabilityService",
            "getSeatsAvailability",
            {"pointOfSalesId": shop.pos.pk, "performanceId": shop.concert_1.pk},
        ),
        ("availabilityService", "getAvailableThemeAndLanguage", {"pointOfSalesId": shop.pos.pk}),
        (
            "availabilityService",
            "getUpdatedAvailabilities",
            {
                "pointOfSalesId": shop.pos.pk,
                "productIds": [shop.concert.pk],
                "referenceDate": since,
            },
        ),
        ("setupService", "listSeasons", {}),
        (
            "setupService",
            "searchProductsByCriteria",
            {
                "searchProductsCriteria": {"seasonIds": [shop.season.pk]},
                "granularity": "COMPLETE",
                "minIndex": 0,
                "nbMaxResults": 10,
            },
        ),
        ("setupService", "listVatCodes", {}),
        ("setupService", "listAudienceSubCategories", {"seasonId": shop.season.pk}),
        ("setupService", "listPriceLevels", {"seasonId": shop.season.pk}),
        (
            "externalOrderHistoryService",
            "listTicketsByCriteria",
            {
                "ticketFilterCriteria": {"productId": shop.concert.pk},
                "paginationParameter": {"startPosition": 0, "maxResult": 10},
            },
        ),
    ]


def json_call(http, token, service, method, params):
    response = http.post(
        f"/tnseb/backend-apis/{service}/v1_33/{method}",
        data=json.dumps(params),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200, response.content
    return response.json()


def soap_params(params):
    values = {}
    for key, value in params.items():
        if key in ("referenceDate",):
            value = dt.datetime.fromisoformat(value)
        values[key] = value
    return values


def test_every_method_over_json_matches_the_documented_schema(client, shop):
    from tests.ticketshop.api.test_secutix_paging import sell_tickets

    sell_tickets(shop, 3)
    token = client.post(
        "/" + paths.AUTH_JSON,
        {"operator": USERNAME, "partner": "any-integrator", "secret": SECRET},
        content_type="application/json",
    ).json()["token"]
    openapi = client.get("/api/1/openapi.json").json()["paths"]
    for service, method, params in calls(shop):
        data = json_call(client, token, service, method, params)
        check(method, data)
        assert isinstance(data["requestId"], int)
        # the OpenAPI document describes exactly this answer (no field it does not name)
        path = "/" + paths.JSON_SERVICE.format(service=service, method=method)
        response = openapi[path]["post"]["responses"]["200"]
        jsonschema.validate(plain(data), response["content"]["application/json"]["schema"])
    catalogue = json_call(client, token, "catalogService", "getCatalogDetailed", {})
    [season] = catalogue["catalogData"]["seasons"]
    concert = next(p for p in season["products"] if p["code"] == "CONCERT")
    assert concert["productFamilyType"] == "SINGLE_ENTRY"
    first = concert["event"]["performances"][0]
    assert first["duration"] == 90 * 60
    assert {
        "seatCatId": shop.cat1.pk,
        "audSubCatId": shop.concert.price_grid.prices.get(
            seat_category=shop.cat1, tariff__code="FULL"
        ).tariff.audience_subcategory_id,
        "priceLevelId": shop.concert.price_grid_id,
        "amount": 45500,
    } in first["prices"]
    undated = next(p for p in season["products"] if p["code"] == "PASS")
    assert undated["productFamilyType"] == "PASS" and "event" not in undated
    tickets = json_call(
        client,
        token,
        "externalOrderHistoryService",
        "listTicketsByCriteria",
        {"ticketFilterCriteria": {"productId": shop.concert.pk}},
    )
    assert len(tickets["ticketSummaries"]) == 3


def test_every_method_over_soap_matches_the_documented_schema(live_server, shop):
    from tests.ticketshop.api.test_secutix_paging import sell_tickets

    sell_tickets(shop, 2)
    sell(shop.concert_2, shop.seats[:1])
    services = {s: soap_client_for(live_server, p).service for s, p in SOAP_PATHS.items()}
    for service, method, params in calls(shop):
        result = getattr(services[service], method)(**soap_params(params))
        data = plain(serialize_object(result, dict))
        check(method, data)
    # the result element is named after its type, not `return`
    catalog = soap_client_for(live_server, "/" + paths.CATALOG_SOAP)
    with catalog.settings(raw_response=True):
        raw = catalog.service.getPOSConfig().content.decode()
    assert "POSConfigResult>" in raw and "<return" not in raw and ":return" not in raw
    with catalog.settings(raw_response=True):
        raw = catalog.service.getCatalogDetailed().content.decode()
    assert "CatalogResultDetailed>" in raw


def test_get_updated_availabilities_takes_point_of_sales_id_on_both_transports(
    live_server, client, shop
):
    before = dt.datetime.now(dt.UTC)
    sell(shop.concert_1, shop.seats[:2])
    token = client.post(
        "/" + paths.AUTH_JSON,
        {"operator": USERNAME, "secret": SECRET},
        content_type="application/json",
    ).json()["token"]
    params = {"pointOfSalesId": shop.pos.pk, "referenceDate": before.isoformat()}
    data = check(
        "getUpdatedAvailabilities",
        json_call(client, token, "availabilityService", "getUpdatedAvailabilities", params),
    )
    assert [d["productId"] for d in data["availabilityUpdateData"]] == [shop.concert.pk]
    service = soap_client_for(live_server, "/" + paths.AVAILABILITY_SOAP).service
    result = service.getUpdatedAvailabilities(
        pointOfSalesId=shop.pos.pk,
        productIds=[shop.concert.pk, shop.pass_.pk],
        referenceDate=before,
    )
    data = check("getUpdatedAvailabilities", plain(serialize_object(result, dict)))
    assert [d["productId"] for d in data["availabilityUpdateData"]] == [shop.concert.pk]
    # another point of sales' id is refused, with a statusCode, on both transports
    wrong = {**params, "pointOfSalesId": shop.pos.pk + 100}
    response = client.post(
        "/tnseb/backend-apis/availabilityService/v1_33/getUpdatedAvailabilities",
        data=json.dumps(wrong),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 400
    assert response.json()["statusCode"] == "error.pointOfSales.invalid"
    refused = service.getUpdatedAvailabilities(
        pointOfSalesId=shop.pos.pk + 100, referenceDate=before
    )
    assert refused.statusCode == "error.pointOfSales.invalid"
    assert isinstance(refused.requestId, int)


def test_the_missing_availability_methods(client, shop):
    sell(shop.concert_1, shop.seats[:3])  # A1, A2, A3 (category 1)
    token = client.post(
        "/" + paths.AUTH_JSON,
        {"operator": USERNAME, "secret": SECRET},
        content_type="application/json",
    ).json()["token"]
    seats = json_call(
        client,
        token,
        "availabilityService",
        "getSeatsAvailability",
        {"pointOfSalesId": shop.pos.pk, "performanceId": shop.concert_1.pk},
    )
    counts = {c["seatCategoryId"]: c["freeSeatCount"] for c in seats["seatCategories"]}
    assert counts == {shop.cat1.pk: 7, shop.cat2.pk: 10}
    free = {s["seatId"] for c in seats["seatCategories"] for s in c["freeSeats"]}
    assert not free & {s.pk for s in shop.seats[:3]}
    event = json_call(
        client,
        token,
        "availabilityService",
        "getEventAvailability",
        {"pointOfSalesId": shop.pos.pk, "productIds": [shop.concert.pk]},
    )
    [item] = event["eventAvailabilities"]
    assert [p["performanceId"] for p in item["performanceAvailabilities"]] == [
        shop.concert_1.pk,
        shop.concert_2.pk,
    ]
    assert item["performanceAvailabilities"][0]["remaining"] == 17
    missing_pos = client.post(
        "/tnseb/backend-apis/availabilityService/v1_33/getEventAvailability",
        data=json.dumps({"productIds": [shop.concert.pk]}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert missing_pos.json()["statusCode"] == "error.pointOfSales.missing"
    themes = json_call(client, token, "availabilityService", "getAvailableThemeAndLanguage", {})
    assert {t["code"] for t in themes["themes"]} == {"MUSIC", "JAZZ"}
    assert set(themes["languages"]) == {"fr", "en", "de", "es"}
