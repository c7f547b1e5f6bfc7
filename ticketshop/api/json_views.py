"""The JSON twins of the SOAP services, their bearer-token authentication, and the public
read-only availability endpoint for browsers. Views stay thin: ticketshop.api.services answers.
"""

import hashlib
import json
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from ticketshop.api import services
from ticketshop.api.auth import (
    AuthenticationFailed,
    account_from_token,
    authenticate,
    issue_token,
    token_lifetime,
)
from ticketshop.organisation.models import PointOfSales
from ticketshop.sales.availability import MAX_IDS, InvalidIds, TooManyIds

MAX_BODY_BYTES = 100_000


class BadRequest(Exception):
    pass


def error(status, message, code, request_id=None):
    """Every refusal in SecuTix's shape: statusCode (error.…), statusDetail, requestId."""
    return JsonResponse(services.wrap({}, request_id, code, str(message)), status=status)


def keep_404(request, response):
    """Keep an API's 404 a 404.

    LocaleMiddleware turns a 404 on a path without a language prefix into a redirect to
    /<lang>/<path> whenever that path resolves, and Wagtail's catch-all under i18n_patterns
    resolves everything. Telling the middleware that this request used the API's own URLconf
    (which has no i18n_patterns) keeps the answer as it is.
    """
    request.urlconf = "ticketshop.api.urls"
    return response


def _body(request):
    if len(request.body) > MAX_BODY_BYTES:
        raise BadRequest(_("The request body is too large."))
    if not request.body.strip():
        return {}
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(_("The body is not valid JSON.")) from exc
    if not isinstance(data, dict):
        raise BadRequest(_("The body must be a JSON object."))
    return data


def _ids(data, name, required=True):
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, list) or not value:
        raise BadRequest(_("%(name)s must be a non-empty list of ids.") % {"name": name})
    if any(isinstance(i, bool) or not isinstance(i, int) for i in value):
        raise BadRequest(_("%(name)s must hold whole numbers only.") % {"name": name})
    return value


def _int(data, name, required=False):
    value = data.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequest(_("%(name)s must be a whole number.") % {"name": name})
    return value


def _object(data, name):
    value = data.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadRequest(_("%(name)s must be an object.") % {"name": name})
    return value


def _strings(data, name):
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or any(not isinstance(v, str) for v in value):
        raise BadRequest(_("%(name)s must be a list of strings.") % {"name": name})
    return value


def _bool(data, name):
    value = data.get(name, False)
    if not isinstance(value, bool):
        raise BadRequest(_("%(name)s must be true or false.") % {"name": name})
    return value


def _date(data, name, required=True):
    value = data.get(name)
    if value is None and not required:
        return None
    return services.parse_date(value, name)


def _request_id(data):
    return services.check_request_id(data.get("requestId"))


# --- methods: name -> (handler(point_of_sales, body), documented parameters, example body) ---

POS_ID = "int, the caller's point of sales id (getPOSConfig's posId)"
SEASON_ID = "int, optional: a season id (listSeasons)"
PAGING = "int, optional"


def _catalogue(pos, data):
    return services.catalogue(pos, _request_id(data))


def _answer(function):
    """A handler answering function(pos, data)'s fields in the common wrapper."""
    return lambda pos, data: services.wrap(function(pos, data), _request_id(data))


def _search_products(pos, data):
    criteria = _object(data, "searchProductsCriteria")
    return services.search_products(
        pos,
        _ids(criteria, "seasonIds", required=False),
        _strings(criteria, "productFamilyTypes"),
        _int(data, "minIndex"),
        _int(data, "nbMaxResults"),
    )


def _list_tickets(pos, data):
    criteria = _object(data, "ticketFilterCriteria")
    paging = _object(data, "paginationParameter")
    return services.list_tickets(
        pos,
        _int(criteria, "productId"),
        _date(criteria, "startDate", required=False),
        _date(criteria, "endDate", required=False),
        _int(paging, "startPosition"),
        _int(paging, "maxResult"),
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
                lambda pos, data: services.product_availabilities(pos, _ids(data, "productIds"))
            ),
            {"productIds": f"list of product ids (1 to {MAX_IDS})"},
            {"productIds": [1, 2]},
            "availabilities[] {productId, indicator 1 green / 2 orange / 3 red, remaining}.",
        ),
        "getPerformanceAvailability": (
            _answer(
                lambda pos, data: services.performance_availabilities(
                    pos, _ids(data, "performanceIds"), _bool(data, "bySeatCategory")
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
                    pos, _int(data, "pointOfSalesId"), _ids(data, "productIds")
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
                    pos, _int(data, "pointOfSalesId"), _int(data, "performanceId", True)
                )
            ),
            {"pointOfSalesId": POS_ID, "performanceId": "int"},
            {"pointOfSalesId": 1, "performanceId": 1},
            "performanceId, seatCategories[] {seatCategoryId, freeSeatCount, freeSeats[]}.",
        ),
        "getAvailableThemeAndLanguage": (
            _answer(
                lambda pos, data: services.available_theme_and_language(
                    pos, _int(data, "pointOfSalesId")
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
                    _int(data, "pointOfSalesId"),
                    _date(data, "referenceDate"),
                    _ids(data, "productIds", required=False),
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
                lambda pos, data: services.list_audience_sub_categories(pos, _int(data, "seasonId"))
            ),
            {"seasonId": SEASON_ID},
            {"seasonId": 1},
            "audienceSubCategories[] {id, code, externalName, audienceCategoryKind, …}.",
        ),
        "listPriceLevels": (
            _answer(lambda pos, data: services.list_price_levels(pos, _int(data, "seasonId"))),
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


def _bearer_account(request):
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationFailed(_("An 'Authorization: Bearer <token>' header is required."))
    return account_from_token(token.strip())


def _unauthorized(exc):
    response = error(401, exc, "error.authentication")
    response["WWW-Authenticate"] = 'Bearer realm="ticketshop"'
    return response


@csrf_exempt
@require_POST
def auth_view(request):
    """POST {operator, partner, secret} -> {token} (an HS256 JWT), with expiresIn."""
    try:
        data = _body(request)
        operator, partner, secret = (data.get(k) for k in ("operator", "partner", "secret"))
        if partner is not None and not isinstance(partner, str):
            raise BadRequest(_("partner must be a string."))
        account = authenticate(operator, secret, partner=partner)
    except BadRequest as exc:
        return error(400, exc, "error.request.invalid")
    except AuthenticationFailed as exc:
        return _unauthorized(exc)
    if not account.jwt_key():
        return error(500, _("Set this account's secret again to sign tokens."), "error.technical")
    token = issue_token(account, partner or None)
    return JsonResponse({"token": token, "expiresIn": token_lifetime()})


@csrf_exempt
def service_view(request, service, method):
    methods = SERVICES.get(service)
    if methods is None or method not in methods:
        known = ", ".join(f"{s}.{m}" for s, ms in SERVICES.items() for m in ms)
        return keep_404(
            request,
            error(
                404,
                _("Unknown method %(service)s.%(method)s. Served: %(known)s.")
                % {"service": service, "method": method, "known": known},
                "error.method.unknown",
            ),
        )
    if request.method != "POST":
        response = error(405, _("Use POST with a JSON body."), "error.request.method")
        response["Allow"] = "POST"
        return response
    try:
        account = _bearer_account(request)
    except AuthenticationFailed as exc:
        return _unauthorized(exc)
    handler = methods[method][0]
    try:
        return JsonResponse(handler(account.point_of_sales, _body(request)))
    except TooManyIds as exc:
        return error(400, exc, "error.ids.tooMany")
    except (BadRequest, InvalidIds) as exc:
        return error(400, exc, "error.request.invalid")
    except services.ApiError as exc:
        return error(exc.http_status, exc, exc.code)


@csrf_exempt
def unknown_view(request, rest=""):
    """Any other path under the JSON services: a JSON error, never a redirect or a page."""
    return keep_404(
        request,
        error(
            404,
            _("Unknown service or method: %(path)s.") % {"path": request.path},
            "error.method.unknown",
        ),
    )


# --- the public endpoint for browsers -----------------------------------------------------------


def secutix_setting(key, default=None):
    return getattr(settings, "SECUTIX", {}).get(key, default)


def public_point_of_sales():
    code = secutix_setting("POINT_OF_SALES_CODE")
    points = PointOfSales.objects.select_related("channel__organisation")
    return points.filter(code=code).first() or points.order_by("pk").first()


def allowed_hosts(point_of_sales):
    lines = point_of_sales.allowed_return_hosts.splitlines() if point_of_sales else []
    return {line.strip().lower() for line in lines if line.strip()}


def cors_origin(request, hosts):
    """The request's Origin when the website (its `hosts`, or CORS_ORIGINS) may read it."""
    origin = request.headers.get("Origin")
    if not origin:
        return None
    origins = secutix_setting("CORS_ORIGINS", ["http://127.0.0.1:8000", "http://localhost:8000"])
    if origin in origins:
        return origin
    parts = urlsplit(origin)
    if parts.scheme in ("http", "https") and (
        parts.netloc.lower() in hosts or (parts.hostname or "") in hosts
    ):
        return origin
    return None


def _query_ids(request, name):
    raw = request.GET.get(name, "")
    try:
        return [int(part) for part in raw.split(",") if part.strip()]
    except ValueError as exc:
        raise BadRequest(_("%(name)s must be ids separated by commas.") % {"name": name}) from exc


PUBLIC_MAX_AGE = 15


def _public_entry(products, performances):
    """The public answer and the website's hosts (for CORS), kept a few seconds in Django's
    cache (browsers keep the answer 15 s anyway): the same list of ids asked by many visitors
    costs one computation, and a cached answer costs no query at all."""
    seconds = secutix_setting("PUBLIC_AVAILABILITY_CACHE_SECONDS", 5)
    ids = "|".join(
        [
            str(secutix_setting("POINT_OF_SALES_CODE")),
            ",".join(map(str, products)),
            ",".join(map(str, performances)),
        ]
    )
    key = "ticketshop:public-availability:" + hashlib.sha1(ids.encode()).hexdigest()
    entry = cache.get(key) if seconds else None
    if entry is None:
        pos = public_point_of_sales()
        if pos is None:
            return None
        answer = services.public_availabilities(pos, products, performances)
        entry = {
            "hosts": sorted(allowed_hosts(pos)),
            "json": json.dumps(answer, cls=DjangoJSONEncoder).encode(),
        }
        if seconds:
            cache.set(key, entry, seconds)
    return entry


@require_GET
def public_availability_view(request):
    """GET ?products=1,2&performances=3 -> indicators, for browsers (no credentials, CORS)."""
    hosts = None
    try:
        products = _query_ids(request, "products")
        performances = _query_ids(request, "performances")
        if not products and not performances:
            raise BadRequest(_("Give products=… and/or performances=… (ids separated by commas)."))
        entry = _public_entry(products, performances)
        if entry is None:
            return error(503, _("No point of sales is configured."), "error.technical")
        hosts = set(entry["hosts"])
        response = HttpResponse(entry["json"], content_type="application/json")
        response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    except TooManyIds as exc:
        response = error(400, exc, "error.ids.tooMany")
    except (BadRequest, InvalidIds) as exc:
        response = error(400, exc, "error.request.invalid")
    if hosts is None:
        hosts = allowed_hosts(public_point_of_sales())
    origin = cors_origin(request, hosts)
    if origin:
        response["Access-Control-Allow-Origin"] = origin
    response["Vary"] = "Origin"
    return response
