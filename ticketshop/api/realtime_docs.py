"""The real-time reseller API's documentation (R9), for /api/1/ and /api/1/openapi.json."""

import json

PREFIX = "/api/1/resellers/"
AUTH = (
    "Authorization: Bearer <token> of the reseller's own API account (from "
    "/tnai/backend-apis/v1/auth, as for the JSON services)"
)

ERROR_CODES = {
    "BAD_REQUEST": (400, "the body or a parameter is not what this call takes"),
    "UNKNOWN_TARIFF": (400, "a customer category with no tariff mapped, or not sold there"),
    "UNAUTHORIZED": (401, "no bearer token, or an invalid or expired one"),
    "FORBIDDEN": (403, "this API account is not an active real-time reseller's"),
    "NOT_FOUND": (404, "no such basket, sale, ticket or path for this reseller"),
    "UNKNOWN_PERFORMANCE": (404, "the performance is not in your contingents"),
    "METHOD_NOT_ALLOWED": (405, "another HTTP method is expected"),
    "NOT_ON_SALE": (409, "the performance is not on sale now"),
    "NOT_IN_CONTINGENT": (409, "these seats or this category are not in your contingent"),
    "NOT_ENOUGH_PLACES": (409, "not enough free places left in your contingent"),
    "PRICE_REFUSED": (409, "your price differs from ours and your price policy refuses it"),
    "BASKET_EXPIRED": (409, "the basket expired: its places went back to your contingent"),
    "BASKET_RELEASED": (409, "the basket was released: nothing can be sold from it"),
    "BASKET_CONFIRMED": (409, "the basket is sold: cancel through its sale"),
    "PLACES_LOST": (409, "the box office took places of the basket back meanwhile"),
    "NOT_CANCELLABLE": (409, "these tickets cannot be cancelled"),
    "TRY_AGAIN": (503, "the ticketshop is busy: retry (Retry-After)"),
}

BASKET = (
    "{basket, state (HELD, CONFIRMED, EXPIRED, RELEASED), performance, expiresAt, "
    "saleReference, total, order {id, status, paidAt} or null, places [{seat {id, block, row, "
    "number} or null, category, tariff, customerCategory, price, resellerPrice, ticket "
    "{barcode, holder, state VALID|CANCELLED} or null}]}"
)

METHODS = [
    (
        "performances",
        "GET",
        "performances",
        {},
        "The performances you may sell (your contingents, your product families, to come): "
        "{performances: [{performance, product, name, start, onSale, numbered, currency, "
        "categories: [{category, code, name, externalId, remaining, prices: [{tariff, "
        "tariffCode, customerCategories, amount}]}]}]}. Only your mapped tariffs are priced.",
        "",
    ),
    (
        "performance",
        "GET",
        "performances/{performance}",
        {},
        "One of those performances, as above; another reseller's is 404 UNKNOWN_PERFORMANCE.",
        "",
    ),
    (
        "hold",
        "POST",
        "baskets",
        {
            "performance": "performance id",
            "category": "seat category id: the best free places of your contingent in it",
            "seats": "or chosen seat ids of your contingent (as many as tickets)",
            "tickets": "[{customerCategory: your id, quantity, price: your price, optional}]",
        },
        "Holds places of your contingent in a new basket until expiresAt "
        "(RESELLERS['REALTIME_BASKET_MINUTES'], 10 min). 201 and the basket: " + BASKET + ". "
        "The price policy of your interface applies to price (error if it differs / yours / "
        "yours less your commission).",
        {"performance": 12, "category": 3, "tickets": [{"customerCategory": "0", "quantity": 2}]},
    ),
    ("basket", "GET", "baskets/{basket}", {}, "The basket's state (a lost answer).", ""),
    (
        "confirm",
        "POST",
        "baskets/{basket}/confirm",
        {
            "saleReference": "your sale's reference (1 to 100 characters)",
            "beneficiaries": "one name per place: strings, or {firstName, lastName}",
        },
        "Sells the basket: one paid order on your waiting account, tickets with barcodes and "
        "the beneficiaries' names. 201 when created, 200 with created false when this basket or "
        "this sale reference was confirmed before (the same order, never a second one). An "
        "expired basket: 409 BASKET_EXPIRED.",
        {"saleReference": "DGT-2026-0001", "beneficiaries": ["Ada Lovelace", "Alan Turing"]},
    ),
    (
        "release",
        "POST",
        "baskets/{basket}/release",
        {},
        "Gives a held basket's places back to your contingent before it expires.",
        "",
    ),
    ("sale", "GET", "sales/{saleReference}", {}, "A confirmed sale, by your reference.", ""),
    (
        "cancel",
        "POST",
        "sales/{saleReference}/cancel",
        {"tickets": "barcodes to cancel, optional (default: every ticket of the sale)"},
        "Cancels and refunds tickets through the booking core (the order becomes partly "
        "refunded or refunded; the tickets are no longer valid at access control). Their places "
        "go back to YOUR contingent, to sell again. Cancelling a cancelled ticket again changes "
        "nothing (refunded 0.00).",
        {"tickets": ["12345678901234567890"]},
    ),
]


def group(base):
    return {
        "id": "json-resellers",
        "title": "Real-time resellers (JSON, R9)",
        "auth": AUTH,
        "description": "Errors: JSON {code, message}, never a page. Codes: "
        + "; ".join(f"{code} ({status}: {what})" for code, (status, what) in ERROR_CODES.items())
        + ".",
        "methods": [
            {
                "name": name,
                "http": http,
                "path": PREFIX + path,
                "parameters": params,
                "description": description,
                "example": json.dumps(example) if isinstance(example, dict) else example,
            }
            for name, http, path, params, description, example in METHODS
        ],
    }


ERROR_SCHEMA = {
    "type": "object",
    "required": ["code", "message"],
    "properties": {
        "code": {"type": "string", "enum": list(ERROR_CODES)},
        "message": {"type": "string"},
    },
}


def openapi_paths():
    doc = {}
    for name, http, path, params, description, example in METHODS:
        operation = {
            "operationId": f"reseller_{name}",
            "summary": description,
            "security": [{"bearer": []}],
            "responses": {
                "200": {"description": BASKET if "basket" in path or "sales" in path else "ok"},
                **{
                    str(status): {
                        "description": ", ".join(
                            c for c, (s, _w) in ERROR_CODES.items() if s == status
                        ),
                        "content": {"application/json": {"schema": ERROR_SCHEMA}},
                    }
                    for status in sorted({s for s, _w in ERROR_CODES.values()})
                },
            },
        }
        if http == "POST":
            content = {"schema": {"type": "object", "properties": {n: {} for n in params}}}
            if isinstance(example, dict):
                content["example"] = example
            operation["requestBody"] = {"content": {"application/json": content}}
        parameters = [
            {"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
            for p in ("performance", "basket", "saleReference")
            if "{" + p + "}" in path
        ]
        if parameters:
            operation["parameters"] = parameters
        doc.setdefault(PREFIX + path, {})[http.lower()] = operation
    return doc
