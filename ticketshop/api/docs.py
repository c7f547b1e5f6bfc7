"""/api/1/ documents itself (L2): every method of every service, as HTML and as JSON/OpenAPI."""

import json

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ticketshop.api import paths, soap
from ticketshop.api.json_views import SERVICES
from ticketshop.sales.availability import MAX_IDS

SOAP_DESCRIPTIONS = {
    "getCatalog": "The catalogue as an XML string in catalogData.",
    "getCatalogDetailed": "The catalogue as typed objects (prices in integer thousandths).",
    "getLastSetupUpdate": "When the catalogue last changed.",
    "getPOSConfig": "The caller's point of sales: id, currency, time zone, external URLs.",
    "isCatalogServiceAlive": "true when the service answers.",
    "getProductAvailability": f"Indicator 1/2/3 and remaining places, up to {MAX_IDS} products.",
    "getPerformanceAvailability": f"The same for up to {MAX_IDS} performances, per seat category "
    "on demand.",
    "getUpdatedAvailabilities": "Availability of the products changed since referenceDate.",
}

SOAP_EXAMPLES = {
    "getCatalog": 'service.getCatalog(requestId="r1", language="en")',
    "getCatalogDetailed": 'service.getCatalogDetailed(requestId="r1", seasonCode="S2026", language="fr")',
    "getProductAvailability": "service.getProductAvailability(productIds=[1, 2, 3])",
    "getPerformanceAvailability": "service.getPerformanceAvailability(performanceIds=[4, 5], bySeatCategory=True)",
    "getUpdatedAvailabilities": "service.getUpdatedAvailabilities(referenceDate=datetime(2026, 10, 1, tzinfo=UTC))",
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
                        "operator": "API account username",
                        "partner": "point of sales code, optional",
                        "secret": "API account secret",
                    },
                    "description": "Returns {token, expiresIn}: send it as 'Authorization: Bearer <token>'.",
                    "example": json.dumps(
                        {"operator": "website", "partner": "TICKETSHOP", "secret": "…"}
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
                    "description": "Indicator 1 green / 2 orange / 3 red per product and performance.",
                    "example": "?products=1,2&performances=3",
                }
            ],
        }
    )
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
    return {"title": "Ticketshop web APIs", "version": "1", "maxIds": MAX_IDS, "groups": groups}


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
                    "200": {"description": "{token, expiresIn}"},
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
    for service, methods in SERVICES.items():
        for name, (_handler, params, example, description) in methods.items():
            doc_paths["/" + paths.JSON_SERVICE.format(service=service, method=name)] = {
                "post": {
                    "summary": description,
                    "security": [{"bearer": []}],
                    "requestBody": _json_body(list(params), example),
                    "responses": {
                        "200": {"description": "success"},
                        "400": {"description": "bad JSON or parameters"},
                        "401": {"description": "missing or invalid token"},
                    },
                }
            }
    return JsonResponse(
        {
            "openapi": "3.0.3",
            "info": {"title": "Ticketshop JSON APIs", "version": "v1_33"},
            "servers": [{"url": request.build_absolute_uri("/").rstrip("/")}],
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
            "paths": doc_paths,
        }
    )


def _json_body(names, example=None):
    schema = {"type": "object", "properties": {n: {} for n in names}}
    content = {"schema": schema}
    if example is not None:
        content["example"] = example
    return {"content": {"application/json": content}}
