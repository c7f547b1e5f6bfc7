"""The JSON methods served, by SecuTix service: name -> (handler(point_of_sales, body),
documented parameters, example body, what the answer holds). The docs page and OpenAPI read
this table; json_views dispatches through it."""

from ticketshop.api import json_params as params
from ticketshop.api import services
from ticketshop.sales.availability import MAX_IDS

POS_ID = "int, the caller's point of sales id (getPOSConfig's posId)"
SEASON_ID = "int, optional: a season id (listSeasons)"
PAGING = "int, optional"


def _catalogue(pos, data):
    return services.catalogue(pos, params.request_id(data))


def _answer(function):
    """A handler answering function(pos, data)'s fields in the common wrapper."""
    return lambda pos, data: services.wrap(function(pos, data), params.request_id(data))


def _search_products(pos, data):
    criteria = params.obj(data, "searchProductsCriteria")
    return services.search_products(
        pos,
        params.ids(criteria, "seasonIds", required=False),
        params.strings(criteria, "productFamilyTypes"),
        params.integer(data, "minIndex"),
        params.integer(data, "nbMaxResults"),
    )


def _list_tickets(pos, data):
    criteria = params.obj(data, "ticketFilterCriteria")
    paging = params.obj(data, "paginationParameter")
    return services.list_tickets(
        pos,
        params.integer(criteria, "productId"),
        params.date(criteria, "startDate", required=False),
        params.date(criteria, "endDate", required=False),
        params.integer(paging, "startPosition"),
        params.integer(paging, "maxResult"),
    )


SERVICES = {
    "catalogService": {
        "getCatalogDetailed": (
            _catalogue,
            {
                "requestId": "int, optional: the one an in_progress answer gave",
                "scope": "string, optional (EXTENDED)",
            },
            {"scope": "EXTENDED"},
            "catalogData.seasons[]: audienceCategories, priceLevels and products with "
            "event.performances (duration in seconds), seatCategories and prices "
            "{seatCatId, audSubCatId, priceLevelId, amount in thousandths}. A large catalogue "
            "answers statusCode in_progress with a requestId: ask again with it.",
        ),
        "getCatalog": (
            _catalogue,
            {"requestId": "int, optional"},
            {},
            "The same catalogData as getCatalogDetailed.",
        ),
        "getLastSetupUpdate": (
            _answer(lambda pos, data: services.last_setup_update(pos)),
            {},
            {},
            "lastSetupUpdate: when the catalogue last changed.",
        ),
        "getPOSConfig": (
            _answer(lambda pos, data: services.pos_config(pos)),
            {},
            {},
            "posConfigData {posId, currencyCode, organizationTimeZone, …}.",
        ),
        "isCatalogServiceAlive": (
            _answer(lambda pos, data: {}),
            {},
            {},
            "statusCode success when the service answers.",
        ),
    },
    "availabilityService": {
        "getProductAvailability": (
            _answer(
                lambda pos, data: services.product_availabilities(
                    pos, params.ids(data, "productIds")
                )
            ),
            {"productIds": f"list of product ids (1 to {MAX_IDS})"},
            {"productIds": [1, 2]},
            "availabilities[] {productId, indicator 1 green / 2 orange / 3 red, remaining}.",
        ),
        "getPerformanceAvailability": (
            _answer(
                lambda pos, data: services.performance_availabilities(
                    pos, params.ids(data, "performanceIds"), params.boolean(data, "bySeatCategory")
                )
            ),
            {
                "performanceIds": f"list of performance ids (1 to {MAX_IDS})",
                "bySeatCategory": "boolean, optional: also per seat category",
            },
            {"performanceIds": [1, 2], "bySeatCategory": True},
            "availabilities[] {performanceId, indicator, remaining, seatCategories[]}.",
        ),
        "getEventAvailability": (
            _answer(
                lambda pos, data: services.event_availability(
                    pos, params.integer(data, "pointOfSalesId"), params.ids(data, "productIds")
                )
            ),
            {"pointOfSalesId": POS_ID, "productIds": f"list of product ids (1 to {MAX_IDS})"},
            {"pointOfSalesId": 1, "productIds": [1]},
            "eventAvailabilities[] {productId, indicator, remaining, "
            "performanceAvailabilities[] by seat category}.",
        ),
        "getSeatsAvailability": (
            _answer(
                lambda pos, data: services.seats_availability(
                    pos,
                    params.integer(data, "pointOfSalesId"),
                    params.integer(data, "performanceId", True),
                )
            ),
            {"pointOfSalesId": POS_ID, "performanceId": "int"},
            {"pointOfSalesId": 1, "performanceId": 1},
            "performanceId, seatCategories[] {seatCategoryId, freeSeatCount, freeSeats[]}.",
        ),
        "getAvailableThemeAndLanguage": (
            _answer(
                lambda pos, data: services.available_theme_and_language(
                    pos, params.integer(data, "pointOfSalesId")
                )
            ),
            {"pointOfSalesId": POS_ID + ", optional"},
            {},
            "themes[] of the products on sale, and languages[].",
        ),
        "getUpdatedAvailabilities": (
            _answer(
                lambda pos, data: services.updated_availabilities(
                    pos,
                    params.integer(data, "pointOfSalesId"),
                    params.date(data, "referenceDate"),
                    params.ids(data, "productIds", required=False),
                )
            ),
            {
                "pointOfSalesId": POS_ID,
                "productIds": "list of product ids, optional: only among these",
                "referenceDate": "ISO 8601 date and time",
            },
            {"pointOfSalesId": 1, "productIds": [1, 2], "referenceDate": "2026-10-01T00:00:00Z"},
            "availabilityUpdateData[] {productId, lastUpdate}: what changed since referenceDate.",
        ),
    },
    "setupService": {
        "listSeasons": (
            _answer(lambda pos, data: services.list_seasons(pos)),
            {},
            {},
            "seasons[] {id, code, state, start, end, externalName}.",
        ),
        "searchProductsByCriteria": (
            _answer(_search_products),
            {
                "searchProductsCriteria": "{seasonIds: [int], productFamilyTypes: [string]}",
                "granularity": "string, optional (COMPLETE)",
                "minIndex": PAGING + ", first product (from 0)",
                "nbMaxResults": PAGING + f", page size (1 to {services.MAX_PAGE}, default 100)",
            },
            {
                "searchProductsCriteria": {
                    "seasonIds": [1],
                    "productFamilyTypes": ["SINGLE_ENTRY"],
                },
                "granularity": "COMPLETE",
                "minIndex": 0,
                "nbMaxResults": 50,
            },
            "products[] as in the catalogue; page until a page holds fewer than nbMaxResults.",
        ),
        "listVatCodes": (
            _answer(lambda pos, data: services.list_vat_codes(pos)),
            {},
            {},
            "vatCodes[] {id, code, currentRate (hundredths of a percent), country}.",
        ),
        "listAudienceSubCategories": (
            _answer(
                lambda pos, data: services.list_audience_sub_categories(
                    pos, params.integer(data, "seasonId")
                )
            ),
            {"seasonId": SEASON_ID},
            {"seasonId": 1},
            "audienceSubCategories[] {id, code, externalName, audienceCategoryKind, …}.",
        ),
        "listPriceLevels": (
            _answer(
                lambda pos, data: services.list_price_levels(pos, params.integer(data, "seasonId"))
            ),
            {"seasonId": SEASON_ID},
            {"seasonId": 1},
            "priceLevels[] {id, code, mainCategory}.",
        ),
    },
    "externalOrderHistoryService": {
        "listTicketsByCriteria": (
            _answer(_list_tickets),
            {
                "ticketFilterCriteria": "{productId: int, startDate, endDate: ISO 8601}, "
                "sale dates",
                "paginationParameter": "{startPosition: int from 0, maxResult: int}",
            },
            {
                "ticketFilterCriteria": {"productId": 1},
                "paginationParameter": {"startPosition": 0, "maxResult": 100},
            },
            "truncated (more tickets after this page), ticketSummaries[] {ticketId, "
            "ticketState, performanceId, seatCategoryId, audienceSubCategoryId, priceLevelId, "
            "price in thousandths}.",
        ),
    },
}
