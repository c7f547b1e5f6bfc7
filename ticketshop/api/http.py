"""What every HTTP answer of the web APIs shares: SecuTix's error shape, 404s kept as 404s,
the website's hosts (return URLs, CORS)."""

from urllib.parse import urlsplit

from django.http import JsonResponse

from ticketshop import conf
from ticketshop.api import services
from ticketshop.http import keep_404_answer
from ticketshop.organisation.return_urls import allowed_return_hosts


def error(status, message, code, request_id=None):
    """Every refusal in SecuTix's shape: statusCode (error.…), statusDetail, requestId."""
    return JsonResponse(services.wrap({}, request_id, code, str(message)), status=status)


def keep_404(request, response):
    """An API's 404 stays a 404 (see ticketshop.http.keep_404)."""
    return keep_404_answer(request, response, "ticketshop.api.urls")


def secutix_setting(key, default=None):
    """A ticketshop setting (ticketshop/conf.py); `default` when it is None."""
    value = conf.get(key)
    return default if value is None else value


def allowed_hosts(point_of_sales):
    return allowed_return_hosts(point_of_sales)


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
