"""A real-time reseller's "sales since" endpoint (R9, R11): how Digitick or ClassicTic lets a
venue read its own records of the tickets it sold and cancelled through the venue's real-time
API, so the venue's reconciliation sees the reseller's side (a sale it has and the venue does
not, a price its customer paid, a cancellation at its counter that never reached the venue).

    GET /reseller-sandbox/<instance>/realtime/sales/?since=<ISO 8601>&until=<ISO 8601>
    Authorization: Basic <user:password>   (a service user allowed "RealtimeSales")

    200 {"reseller": "digitick", "since": "...", "until": null,
         "sales": [{"lineId": "REF#1", "saleReference": "REF", "kind": "SALE" | "CANCEL",
                    "at": "...", "performance": "42", "seatId": "7", "block": "A", "row": "1",
                    "number": "3", "category": "30", "customerCategory": "0|44",
                    "price": "25.00", "barcode": "...", "holder": "Ada Lovelace"}, ...]}

`lineId` is the sale reference and the place's number in that sale (1, 2… in the order of the
API's answer); a CANCEL line repeats its SALE's lineId. Lines are `since <= at < until`, ordered
by `at`. Errors: 401 (no or bad credentials, user not allowed), 400 (bad date), 404 (unknown
instance), each as JSON {code, message}. The instance's failure modes apply as on the SOAP
services: down → 503, slow → sleeps then answers, garbage → 200 with a body that is not JSON.
Plain JSON over HTTP with Basic authentication: what a small real-time reseller offers, and
nothing the venue's client cannot do against a real one."""

import base64
import binascii
import datetime as dt
import time

from django.http import Http404, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from reseller_sandbox.models import REALTIME_SALES, RealtimeSale, SandboxInstance

GARBAGE = "<html>reseller sandbox: garbage mode, this answer is not JSON {{{"


def _error(status, code, message, **headers):
    return JsonResponse({"code": code, "message": message}, status=status, headers=headers)


def _user(instance, header):
    """The service user of this Basic Authorization header, or None."""
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "basic" or not value:
        return None
    try:
        username, sep, password = base64.b64decode(value, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    if not sep:
        return None
    user = instance.users.filter(username=username).first()
    if user is None or not user.check_password(password) or not user.allowed(REALTIME_SALES):
        return None
    return user


def _when(value, name):
    if value in (None, ""):
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        raise ValueError(f"{name} must be a date and time in ISO 8601 (2026-11-26T07:00:00Z).")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, dt.UTC)
    return parsed


def answer(line):
    return {
        "lineId": line.line_id,
        "saleReference": line.sale_reference,
        "kind": line.kind,
        "at": line.at.isoformat(),
        "performance": line.performance_code,
        "seatId": line.seat_id,
        "block": line.block,
        "row": line.row,
        "number": line.number,
        "category": line.category_id,
        "customerCategory": line.customer_category_id,
        "price": str(line.price),
        "barcode": line.barcode,
        "holder": line.holder,
    }


def sales_view(request, instance):
    instance = SandboxInstance.objects.filter(slug=instance).first()
    if instance is None:
        raise Http404("No such sandbox instance.")
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET"})
    if instance.mode == SandboxInstance.Mode.DOWN:
        return HttpResponse(
            "Service unavailable (reseller sandbox in down mode).",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    if instance.mode == SandboxInstance.Mode.SLOW:
        time.sleep(instance.slow_seconds)
    if instance.mode == SandboxInstance.Mode.GARBAGE:
        return HttpResponse(GARBAGE, status=200, content_type="application/json")
    if _user(instance, request.headers.get("Authorization", "")) is None:
        return _error(
            401,
            "AUTHENTICATION",
            "Bad or missing credentials, or a user not allowed to read the sales.",
            **{"WWW-Authenticate": 'Basic realm="reseller sandbox"'},
        )
    try:
        since = _when(request.GET.get("since"), "since")
        until = _when(request.GET.get("until"), "until")
    except ValueError as exc:
        return _error(400, "BAD_REQUEST", str(exc))
    lines = RealtimeSale.objects.filter(instance=instance)
    if since is not None:
        lines = lines.filter(at__gte=since)
    if until is not None:
        lines = lines.filter(at__lt=until)
    return JsonResponse(
        {
            "reseller": instance.slug,
            "since": since.isoformat() if since else None,
            "until": until.isoformat() if until else None,
            "sales": [answer(line) for line in lines.order_by("at", "pk")],
        }
    )
