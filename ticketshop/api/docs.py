"""/api/1/ documents itself (L2): every method of every service, as HTML and as JSON/OpenAPI."""

import json

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ticketshop.api import paths, realtime_docs, soap
from ticketshop.api.catalogue_export import FAMILY_TYPES
from ticketshop.api.methods import SERVICES
from ticketshop.sales.availability import MAX_IDS

SOAP_DESCRIPTIONS = {
    name: description
    for methods in SERVICES.values()
    for name, (_handler, _params, _example, description) in methods.items()
}

SOAP_EXAMPLES = {
    "getCatalogDetailed": "service.getCatalogDetailed(requestId=None)  # again with the "
    "requestId of an in_progress answer",
    "getProductAvailability": "service.getProductAvailability(productIds=[1, 2, 3])",
    "getPerformanceAvailability": "service.getPerformanceAvailability(performanceIds=[4, 5], "
    "bySeatCategory=True)",
    "getEventAvailability": "service.getEventAvailability(pointOfSalesId=1, productIds=[1])",
    "getSeatsAvailability": "service.getSeatsAvailability(pointOfSalesId=1, performanceId=4)",
    "getUpdatedAvailabilities": "service.getUpdatedAvailabilities(pointOfSalesId=1, "
    "productIds=[1], referenceDate=datetime(2026, 10, 1, tzinfo=UTC))",
    "searchProductsByCriteria": "service.searchProductsByCriteria(searchProductsCriteria="
    '{"seasonIds": [1]}, granularity="COMPLETE", minIndex=0, nbMaxResults=50)',
    "listTicketsByCriteria": 'service.listTicketsByCriteria(ticketFilterCriteria={"productId": '
    '1}, paginationParameter={"startPosition": 0, "maxResult": 100})',
}

CONVENTIONS = {
    "vocabulary": "SecuTix v1_33: names, nesting and types of SecuTix's own web services.",
    "answer": "Every answer carries statusCode (success, in_progress, or error.…), statusDetail "
    "and an Integer requestId. A large catalogue answers in_progress with requestId and "
    "requestState: call again with that requestId. Amounts are integer thousandths of the "
    "currency unit, durations seconds, dates ISO 8601 with an offset, texts "
    "{translations: [{locale, value}]}.",
    "signIn": "Operators are named <INSTITUTION>_<NAME> (CUBE_WEBSITE). JSON: an HS256 JWT "
    "(sub institution, aud operator, iss partner, exp), from /tnai/backend-apis/v1/auth or "
    "signed by the client with its secret. SOAP: WS-Security UsernameToken (PasswordText).",
    "familyTypes": [
        {"family": family, "productFamilyType": family_type}
        for family, family_type in FAMILY_TYPES.items()
    ],
    "notServed": "Other SecuTix services (contacts, basket and orders, booking, payment…) and "
    "the other methods of these four services are not served.",
}

REDIRECTS = [
    (
        "product",
        {
            "id": "product id",
            "code": "product code (instead of id)",
            "season": "season code, with code, optional",
        },
        "?id=1&lang=fr",
    ),
    ("product/performance", {"id": "performance id"}, "?id=3&lang=en"),
    ("account", {}, "?lang=de"),
    (
        "account/register",
        {
            "callbackUrl": "where to return afterwards (relative path or a website host); also returnPath",
            "cancelPath": "where to return on cancel (same rule)",
            "showAddress": "true/false or 1/0, default true",
            "showCriteria": "true/false or 1/0, default true",
            "showAuthorization": "true/false or 1/0, default true",
        },
        "?lang=fr&callbackUrl=/fr/&showCriteria=false",
    ),
    (
        "account/edit",
        {
            "callbackUrl": "as for account/register",
            "cancelPath": "as for account/register",
            "showAddress": "true/false or 1/0",
            "showCriteria": "true/false or 1/0",
            "showAuthorization": "true/false or 1/0",
        },
        "?lang=en&callbackUrl=/en/",
    ),
    (
        "account/activate",
        {"contactNumber": "contact number", "token": "activation token"},
        "?contactNumber=123&token=abc",
    ),
    ("cart", {"orderId": "order id, optional"}, "?orderId=42&lang=es"),
]


def describe(request):
    base = request.build_absolute_uri("/")
    soap_methods = soap.describe()
    groups = []
    for key, path, title in (
        ("catalog", paths.CATALOG_SOAP, _("Catalogue service (SOAP)")),
        ("availability", paths.AVAILABILITY_SOAP, _("Availability service (SOAP)")),
        ("setup", paths.SETUP_SOAP, "SetupService (SOAP)"),
        ("orderHistory", paths.ORDER_HISTORY_SOAP, "ExternalOrderHistoryService (SOAP)"),
    ):
        groups.append(
            {
                "id": f"soap-{key}",
                "title": str(title),
                "endpoint": base + path,
                "wsdl": base + path + "?wsdl",
                "auth": "WS-Security UsernameToken (PasswordText) of an API account",
                "methods": [
                    {
                        "name": m["name"],
                        "http": "SOAP",
                        "path": m["name"],
                        "parameters": m["parameters"],
                        "result": m["result"],
                        "description": SOAP_DESCRIPTIONS.get(m["name"], ""),
                        "example": SOAP_EXAMPLES.get(m["name"], f"service.{m['name']}()"),
                    }
                    for m in soap_methods[key]
                ],
            }
        )
    groups.append(
        {
            "id": "json-auth",
            "title": str(_("JSON authentication")),
            "endpoint": base + paths.AUTH_JSON,
            "methods": [
                {
                    "name": "auth",
                    "http": "POST",
                    "path": "/" + paths.AUTH_JSON,
                    "parameters": {
                        "operator": "the operator, <INSTITUTION>_<NAME> (CUBE_WEBSITE)",
                        "partner": "the integrator's own free name",
                        "secret": "the operator's secret",
                    },
                    "description": "Returns {token}: an HS256 JWT (sub = institution, aud = "
                    "operator, iss = partner, exp). Send it as 'Authorization: Bearer <token>'. "
                    "A client may sign such a JWT itself with the operator's secret instead.",
                    "example": json.dumps(
                        {"operator": "CUBE_WEBSITE", "partner": "my-integration", "secret": "…"}
                    ),
                }
            ],
        }
    )
    for service, methods in SERVICES.items():
        groups.append(
            {
                "id": f"json-{service}",
                "title": f"{service} (JSON)",
                "auth": "Authorization: Bearer <token>",
                "methods": [
                    {
                        "name": name,
                        "http": "POST",
                        "path": "/" + paths.JSON_SERVICE.format(service=service, method=name),
                        "parameters": params,
                        "description": description,
                        "example": json.dumps(example),
                    }
                    for name, (_handler, params, example, description) in methods.items()
                ],
            }
        )
    groups.append(
        {
            "id": "public",
            "title": str(_("Public availability (browsers)")),
            "auth": "none; CORS for the website's origins; cached 15 s",
            "methods": [
                {
                    "name": "availability",
                    "http": "GET",
                    "path": "/" + paths.PUBLIC_AVAILABILITY,
                    "parameters": {
                        "products": f"product ids separated by commas (up to {MAX_IDS})",
                        "performances": f"performance ids separated by commas (up to {MAX_IDS})",
                    },
                    "description": "{products, performances}: the answers of "
                    "getProductAvailability and getPerformanceAvailability (not a SecuTix "
                    "method: the website's badges).",
                    "example": "?products=1,2&performances=3",
                }
            ],
        }
    )
    groups.append(realtime_docs.group(base))
    groups.append(
        {
            "id": "redirects",
            "title": str(_("Redirects")),
            "description": str(_("Every redirect takes lang (fr, en, de, es).")),
            "methods": [
                {
                    "name": name,
                    "http": "GET",
                    "path": "/" + paths.REDIRECT + name,
                    "parameters": {"lang": "ISO 639-1, optional", **params},
                    "description": "",
                    "example": "/" + paths.REDIRECT + name + example,
                }
                for name, params, example in REDIRECTS
            ],
        }
    )
    return {
        "title": "Ticketshop web APIs",
        "version": "1",
        "maxIds": MAX_IDS,
        "conventions": CONVENTIONS,
        "groups": groups,
    }


@require_GET
def docs_view(request):
    doc = describe(request)
    if request.GET.get("format") == "json":
        return JsonResponse(doc)
    return render(
        request,
        "ticketshop_api/docs.html",
        {"doc": doc, "openapi_url": reverse("api-openapi")},
    )


@require_GET
def openapi_view(request):
    """OpenAPI 3 for the JSON twins and the public endpoint."""
    doc_paths = {
        "/" + paths.AUTH_JSON: {
            "post": {
                "summary": "Get a bearer token",
                "requestBody": _json_body(["operator", "partner", "secret"]),
                "responses": {
                    "200": {"description": "{token: HS256 JWT, expiresIn: seconds}"},
                    "401": {"description": "Invalid credentials"},
                },
            }
        },
        "/" + paths.PUBLIC_AVAILABILITY: {
            "get": {
                "summary": "Availability indicators for browsers",
                "parameters": [
                    {"name": n, "in": "query", "schema": {"type": "string"}}
                    for n in ("products", "performances")
                ],
                "responses": {
                    "200": {"description": "indicators"},
                    "400": {"description": "bad ids"},
                },
            }
        },
    }
    schemas = soap.answer_schemas()
    for service, methods in SERVICES.items():
        for name, (_handler, params, example, description) in methods.items():
            doc_paths["/" + paths.JSON_SERVICE.format(service=service, method=name)] = {
                "post": {
                    "summary": description,
                    "security": [{"bearer": []}],
                    "requestBody": _json_body(list(params), example),
                    "responses": {
                        "200": {
                            "description": "statusCode success (or in_progress), statusDetail, "
                            "requestId, and: " + description,
                            "content": {"application/json": {"schema": schemas.get(name, WRAPPER)}},
                        },
                        "400": {"description": "statusCode error.…: bad JSON or parameters"},
                        "401": {"description": "statusCode error.authentication"},
                        "404": {"description": "statusCode error.method.unknown"},
                    },
                }
            }
    doc_paths.update(realtime_docs.openapi_paths())
    return JsonResponse(
        {
            "openapi": "3.0.3",
            "info": {"title": "Ticketshop JSON APIs", "version": "v1_33"},
            "servers": [{"url": request.build_absolute_uri("/").rstrip("/")}],
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
            "paths": doc_paths,
        }
    )


WRAPPER = {
    "type": "object",
    "required": ["statusCode", "requestId"],
    "properties": {
        "statusCode": {"type": "string", "example": "success"},
        "statusDetail": {"type": "string"},
        "requestId": {"type": "integer", "format": "int32"},
        "requestState": {"type": "string"},
    },
}


def _json_body(names, example=None):
    schema = {"type": "object", "properties": {n: {} for n in names}}
    content = {"schema": schema}
    if example is not None:
        content["example"] = example
    return {"content": {"application/json": content}}
