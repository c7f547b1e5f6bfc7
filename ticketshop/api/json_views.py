"""The JSON twins of the SOAP services, their bearer-token authentication, and the public
read-only availability endpoint for browsers. Views stay thin: ticketshop.api.services answers.
"""

import hashlib
import json
import time

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from ticketshop.api import json_params as params
from ticketshop.api import services
from ticketshop.api.auth import (
    AuthenticationFailed,
    TooManyAttempts,
    account_from_token,
    authenticate_request,
    issue_token,
    token_lifetime,
)
from ticketshop.api.http import allowed_hosts, cors_origin, error, keep_404, secutix_setting
from ticketshop.api.methods import SERVICES
from ticketshop.organisation.points_of_sale import current_point_of_sales
from ticketshop.sales.availability import InvalidIds, TooManyIds


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
        data = params.body(request)
        operator, partner, secret = (data.get(k) for k in ("operator", "partner", "secret"))
        if partner is not None and not isinstance(partner, str):
            raise params.BadRequest(_("partner must be a string."))
        account = authenticate_request(request, operator, secret, partner=partner)
    except params.BadRequest as exc:
        return error(400, exc, "error.request.invalid")
    except TooManyAttempts as exc:
        response = error(429, exc, "error.authentication.tooManyAttempts")
        response["Retry-After"] = str(exc.retry_after)
        return response
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
        return JsonResponse(handler(account.point_of_sales, params.body(request)))
    except TooManyIds as exc:
        return error(400, exc, "error.ids.tooMany")
    except (params.BadRequest, InvalidIds) as exc:
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


def _query_ids(request, name):
    raw = request.GET.get(name, "")
    try:
        return [int(part) for part in raw.split(",") if part.strip()]
    except ValueError as exc:
        raise params.BadRequest(
            _("%(name)s must be ids separated by commas.") % {"name": name}
        ) from exc


PUBLIC_MAX_AGE = 15
# The point of sales' settings the public answer reads (organisation, alert ratio, shown counts,
# hosts) are kept this long, also when the answer itself is not: reading them cost as much as
# computing the availability of 100 products (issue 16). A save forgets them at once.
POINT_OF_SALES_SECONDS = 5


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
    if entry is None and seconds:
        entry = _await_recompute(key)
    if entry is None:
        try:
            pos = current_point_of_sales(cached_for=POINT_OF_SALES_SECONDS)
            if pos is None:
                return None
            answer = services.public_availabilities(pos, products, performances)
            entry = {
                "hosts": sorted(allowed_hosts(pos)),
                "json": json.dumps(answer, cls=DjangoJSONEncoder).encode(),
            }
            if seconds:
                cache.set(key, entry, seconds)
        finally:
            if seconds:
                cache.delete(key + ":computing")
    return entry


# No stampede when a cached answer expires under load (P3): one process recomputes a key while
# the others wait for its answer a moment (then compute themselves: a crashed or slow process
# never blocks them longer). Without the cache (Redis down) everyone computes.
RECOMPUTE_LOCK_SECONDS = 5
RECOMPUTE_WAIT_SECONDS = 2.0


def _await_recompute(key):
    """None when this process is to compute `key`; else the answer another one computed."""
    lock = key + ":computing"
    if cache.add(lock, 1, RECOMPUTE_LOCK_SECONDS) or cache.get(lock) is None:
        return None
    deadline = time.monotonic() + RECOMPUTE_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.01)
        entry = cache.get(key)
        if entry is not None:
            return entry
    return None


@require_GET
def public_availability_view(request):
    """GET ?products=1,2&performances=3 -> indicators, for browsers (no credentials, CORS)."""
    hosts = None
    try:
        products = _query_ids(request, "products")
        performances = _query_ids(request, "performances")
        if not products and not performances:
            raise params.BadRequest(
                _("Give products=… and/or performances=… (ids separated by commas).")
            )
        entry = _public_entry(products, performances)
        if entry is None:
            return error(503, _("No point of sales is configured."), "error.technical")
        hosts = set(entry["hosts"])
        response = HttpResponse(entry["json"], content_type="application/json")
        response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    except TooManyIds as exc:
        response = error(400, exc, "error.ids.tooMany")
    except (params.BadRequest, InvalidIds) as exc:
        response = error(400, exc, "error.request.invalid")
    if hosts is None:
        hosts = allowed_hosts(current_point_of_sales())
    origin = cors_origin(request, hosts)
    if origin:
        response["Access-Control-Allow-Origin"] = origin
    response["Vary"] = "Origin"
    return response
