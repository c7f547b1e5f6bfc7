"""The JSON twins of the SOAP services, their bearer-token authentication, and the public
read-only availability endpoint for browsers. Views stay thin: ticketshop.api.services answers.
"""

import hashlib
import json
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
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


def error(status, message, code):
    return JsonResponse({"error": code, "message": str(message)}, status=status)


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


def _text(data, name):
    value = data.get(name)
    if value is not None and not isinstance(value, str):
        raise BadRequest(_("%(name)s must be a string.") % {"name": name})
    return value or None


def _bool(data, name):
    value = data.get(name, False)
    if not isinstance(value, bool):
        raise BadRequest(_("%(name)s must be true or false.") % {"name": name})
    return value


def _datetime(data, name):
    value = data.get(name)
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise BadRequest(
            _("%(name)s must be an ISO 8601 date and time, e.g. 2026-10-01T20:00:00+02:00.")
            % {"name": name}
        ) from exc
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


# --- methods: name -> (handler(point_of_sales, body), documented parameters, example body) ---

CATALOGUE_PARAMS = {
    "requestId": "string, optional: echoed back",
    "seasonCode": "string, optional: only this season",
    "productCode": "string, optional: only this product",
    "language": "ISO 639-1, optional (fr, en, de, es): names and URLs in this language",
}


def _catalogue_answer(pos, data):
    return {
        "requestId": _text(data, "requestId"),
        "statusCode": services.SUCCESS,
        "statusDetail": "",
        "catalogData": services.catalogue(
            pos, _text(data, "language"), _text(data, "seasonCode"), _text(data, "productCode")
        ),
    }


def _catalogue_xml_answer(pos, data):
    return {
        "requestId": _text(data, "requestId"),
        "statusCode": services.SUCCESS,
        "statusDetail": "",
        "catalogData": services.catalogue_summary(
            pos, _text(data, "language"), _text(data, "seasonCode"), _text(data, "productCode")
        ),
    }


SERVICES = {
    "catalogService": {
        "getCatalog": (
            _catalogue_xml_answer,
            CATALOGUE_PARAMS,
            {"requestId": "r1", "language": "en"},
            "The catalogue as an XML string in catalogData.",
        ),
        "getCatalogDetailed": (
            _catalogue_answer,
            CATALOGUE_PARAMS,
            {"requestId": "r1", "seasonCode": "S2026", "language": "fr"},
            "The catalogue as typed objects: seasons, products, performances, prices "
            "(integer thousandths), audiences, sales periods, cross-selling, showcase.",
        ),
        "getLastSetupUpdate": (
            lambda pos, data: {"statusCode": services.SUCCESS, **services.last_setup_update(pos)},
            {},
            {},
            "When the catalogue last changed.",
        ),
        "getPOSConfig": (
            lambda pos, data: {"statusCode": services.SUCCESS, **services.pos_config(pos)},
            {},
            {},
            "The caller's point of sales: id, currency, time zone, languages, external URLs.",
        ),
        "isCatalogServiceAlive": (
            lambda pos, data: {"alive": True},
            {},
            {},
            "true when the service answers.",
        ),
    },
    "availabilityService": {
        "getProductAvailability": (
            lambda pos, data: services.product_availabilities(pos, _ids(data, "productIds")),
            {"productIds": f"list of product ids (1 to {MAX_IDS})"},
            {"productIds": [1, 2]},
            "Indicator 1 green / 2 orange / 3 red and remaining places per product.",
        ),
        "getPerformanceAvailability": (
            lambda pos, data: services.performance_availabilities(
                pos, _ids(data, "performanceIds"), _bool(data, "bySeatCategory")
            ),
            {
                "performanceIds": f"list of performance ids (1 to {MAX_IDS})",
                "bySeatCategory": "boolean, optional: also per seat category",
            },
            {"performanceIds": [1, 2], "bySeatCategory": True},
            "Indicator and remaining places per performance (and seat category).",
        ),
        "getUpdatedAvailabilities": (
            lambda pos, data: services.updated_availabilities(
                pos, _datetime(data, "referenceDate"), _ids(data, "productIds", required=False)
            ),
            {
                "referenceDate": "ISO 8601 date and time",
                "productIds": "list of product ids, optional: only among these",
            },
            {"referenceDate": "2026-10-01T00:00:00+02:00"},
            "The availability of the products that changed since referenceDate.",
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
    response = error(401, exc, "unauthorized")
    response["WWW-Authenticate"] = 'Bearer realm="ticketshop"'
    return response


@csrf_exempt
@require_POST
def auth_view(request):
    """POST {operator, partner, secret} -> {token, expiresIn}."""
    try:
        data = _body(request)
        operator, partner, secret = (data.get(k) for k in ("operator", "partner", "secret"))
        if partner is not None and not isinstance(partner, str):
            raise BadRequest(_("partner must be a string."))
        account = authenticate(operator, secret, partner=partner)
    except BadRequest as exc:
        return error(400, exc, "bad_request")
    except AuthenticationFailed as exc:
        return _unauthorized(exc)
    return JsonResponse({"token": issue_token(account), "expiresIn": token_lifetime()})


@csrf_exempt
def service_view(request, service, method):
    methods = SERVICES[service]
    if method not in methods:
        return keep_404(
            request,
            error(
                404,
                _("Unknown method %(method)s. Known: %(known)s.")
                % {"method": method, "known": ", ".join(methods)},
                "unknown_method",
            ),
        )
    if request.method != "POST":
        response = error(405, _("Use POST with a JSON body."), "method_not_allowed")
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
        return error(400, exc, "too_many_ids")
    except (BadRequest, InvalidIds) as exc:
        return error(400, exc, "bad_request")


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
        answer = {
            "products": services.product_availabilities(pos, products) if products else None,
            "performances": services.performance_availabilities(pos, performances)
            if performances
            else None,
        }
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
            return error(503, _("No point of sales is configured."), "unavailable")
        hosts = set(entry["hosts"])
        response = HttpResponse(entry["json"], content_type="application/json")
        response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    except TooManyIds as exc:
        response = error(400, exc, "too_many_ids")
    except (BadRequest, InvalidIds) as exc:
        response = error(400, exc, "bad_request")
    if hosts is None:
        hosts = allowed_hosts(public_point_of_sales())
    origin = cors_origin(request, hosts)
    if origin:
        response["Access-Control-Allow-Origin"] = origin
    response["Vary"] = "Origin"
    return response
