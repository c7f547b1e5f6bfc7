"""JSON Schemas of SecuTix's v1_33 answers, written from ../shared/SECUTIX_API.md (SecuTix's
public documentation), never from our code: every answer of both transports is checked against
them. `int` is a JSON integer, a date ISO 8601 with an offset or Z, `T` a translated text."""

import datetime as dt

import jsonschema

INT = {"type": "integer"}
STR = {"type": "string"}
BOOL = {"type": "boolean"}
DATE = {
    "type": "string",
    "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$",
}
STATES = ["PREPARING", "VALIDATED", "RUNNING", "SUSPENDED", "CANCELED", "CLOSED", "CANCELED_CLOSED"]
MAIN = ["OCCASIONAL", "SUBSCRIBER", "INSIDE_SEASONTICKET", "MEMBER", "INVITED"]
SECONDARY = ["INDIVIDUAL", "COMMUNITY", "GROUP", "TAXED", "FREE", "PROMOTIONAL", "ERROR"]
FAMILIES = [
    "SINGLE_ENTRY",
    "SEASONTICKET",
    "PASS",
    "PACKAGE",
    "MEMBERSHIP",
    "SERVICE",
    "GOODS",
    "TRANSPORT",
    "HOSPITALITY",
]


def obj(required, optional=None):
    """An object with these required and optional fields (others allowed: the doc's `…`)."""
    return {
        "type": "object",
        "required": list(required),
        "properties": {**required, **(optional or {})},
    }


def array(items):
    return {"type": "array", "items": items}


def enum(values):
    return {"type": "string", "enum": values}


T = obj({"translations": array(obj({"locale": STR, "value": STR}))})
AUDIENCE_SUB = obj(
    {
        "id": INT,
        "code": STR,
        "externalName": T,
        "audienceCategoryKind": enum(["FULL", "REDUCED", "FREE"]),
        "requiredAudienceSubCategoryIds": array(INT),
        "crossSeatCategory": BOOL,
    }
)
AUDIENCE = obj(
    {
        "id": INT,
        "code": STR,
        "mainCategory": enum(MAIN),
        "secondaryCategory": enum(SECONDARY),
        "externalName": T,
        "audienceSubCategories": array(AUDIENCE_SUB),
    }
)
PRICE_LEVEL = obj({"id": INT, "code": STR, "mainCategory": enum(MAIN)})
PRICE = obj({"seatCatId": INT, "audSubCatId": INT, "amount": INT}, {"priceLevelId": INT})


def performance(with_state=True):
    required = {
        "id": INT,
        "start": DATE,
        "duration": INT,
        "seatCategories": array(obj({"id": INT, "code": STR, "externalName": T})),
        "prices": array(PRICE),
    }
    if with_state:
        required["state"] = enum(STATES)
    return obj(required, {"state": enum(STATES)})


def product(with_state=True):
    return obj(
        {
            "id": INT,
            "code": STR,
            "productFamilyType": enum(FAMILIES),
            "state": enum(STATES),
            "vatCodeId": INT,
            "externalName": T,
        },
        {"event": obj({"performances": array(performance(with_state))})},
    )


SEASON_SUMMARY = {
    "id": INT,
    "code": STR,
    "state": enum(STATES),
    "start": DATE,
    "end": DATE,
    "externalName": T,
}
SEASON = obj(
    {
        "id": INT,
        "code": STR,
        "externalName": T,
        "audienceCategories": array(AUDIENCE),
        "priceLevels": array(PRICE_LEVEL),
        "products": array(product()),
    }
)
AVAILABILITY_ITEM = {"indicator": INT}


def answer(status="success", **fields):
    """Every answer: statusCode, statusDetail?, requestId (int), then the method's fields."""
    return obj({"statusCode": {"const": status}, "requestId": INT, **fields}, {"statusDetail": STR})


SCHEMAS = {
    "isCatalogServiceAlive": answer(),
    "getPOSConfig": answer(
        posConfigData=obj({"posId": INT, "currencyCode": STR, "organizationTimeZone": STR})
    ),
    "getLastSetupUpdate": answer(lastSetupUpdate=DATE),
    "getCatalogDetailed": answer(catalogData=obj({"seasons": array(SEASON)})),
    "getCatalogDetailed.in_progress": answer("in_progress", requestState=STR),
    "getProductAvailability": answer(
        availabilities=array(obj({"productId": INT, **AVAILABILITY_ITEM}))
    ),
    "getPerformanceAvailability": answer(
        availabilities=array(obj({"performanceId": INT, **AVAILABILITY_ITEM}))
    ),
    "getEventAvailability": answer(
        eventAvailabilities=array(
            obj(
                {
                    "productId": INT,
                    **AVAILABILITY_ITEM,
                    "performanceAvailabilities": array(
                        obj({"performanceId": INT, **AVAILABILITY_ITEM})
                    ),
                }
            )
        )
    ),
    "getSeatsAvailability": answer(
        performanceId=INT,
        seatCategories=array(
            obj(
                {
                    "seatCategoryId": INT,
                    "freeSeatCount": INT,
                    "freeSeats": array(obj({"seatId": INT})),
                }
            )
        ),
    ),
    "getAvailableThemeAndLanguage": answer(
        themes=array(obj({"id": INT, "code": STR, "externalName": T})), languages=array(STR)
    ),
    "getUpdatedAvailabilities": answer(
        availabilityUpdateData=array(obj({"productId": INT, "lastUpdate": DATE}))
    ),
    "listSeasons": answer(seasons=array(obj(SEASON_SUMMARY))),
    "searchProductsByCriteria": answer(products=array(product(with_state=False))),
    "listVatCodes": answer(
        vatCodes=array(obj({"id": INT, "code": STR, "currentRate": INT, "country": STR}))
    ),
    "listAudienceSubCategories": answer(audienceSubCategories=array(AUDIENCE_SUB)),
    "listPriceLevels": answer(priceLevels=array(PRICE_LEVEL)),
    "listTicketsByCriteria": answer(
        truncated=BOOL,
        ticketSummaries=array(
            obj(
                {
                    "ticketId": INT,
                    "ticketState": enum(["VALID", "CANCELLED", "NOT_PRINTED", "INVALIDATED"]),
                    "performanceId": INT,
                    "seatCategoryId": INT,
                    "audienceSubCategoryId": INT,
                    "price": INT,
                },
                {"priceLevelId": INT},
            )
        ),
    ),
}


def plain(value):
    """A zeep answer (serialize_object) as JSON would carry it: dates as ISO 8601 text, absent
    optional values (None) left out."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value


def check(method, data):
    jsonschema.validate(data, SCHEMAS[method])
    return data
