"""The real-time reseller API (R9): JSON over HTTP under /api/1/resellers/, for Digitick,
ClassicTic and their kind. Each reseller signs in as its own API account (a bearer JWT from
/tnai/backend-apis/v1/auth, as for the JSON twins) and sees its interface only: another
reseller's basket, sale or performance is answered 404. Every refusal is JSON {code, message}
with a stable code (documented at /api/1/); the rules live in ticketshop.resellers.realtime."""

import logging

from django.db import DatabaseError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from ticketshop.api import json_params as params
from ticketshop.api.auth import AuthenticationFailed, account_from_token
from ticketshop.api.http import keep_404
from ticketshop.resellers import realtime
from ticketshop.resellers.realtime import RealtimeError

log = logging.getLogger(__name__)


def problem(request, status, code, message):
    response = JsonResponse({"code": code, "message": str(message)}, status=status)
    return keep_404(request, response) if status == 404 else response


def endpoint(*methods):
    """Authenticate the bearer token, find its real-time interface, answer errors as JSON."""

    def wrap(view):
        @csrf_exempt
        def wrapped(request, *args, **kwargs):
            if request.method not in methods:
                response = problem(
                    request,
                    405,
                    "METHOD_NOT_ALLOWED",
                    _("Use %(methods)s.") % {"methods": " or ".join(methods)},
                )
                response["Allow"] = ", ".join(methods)
                return response
            scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
            try:
                if scheme.lower() != "bearer" or not token.strip():
                    raise AuthenticationFailed(
                        _("An 'Authorization: Bearer <token>' header is required.")
                    )
                account = account_from_token(token.strip())
            except AuthenticationFailed as exc:
                response = problem(request, 401, "UNAUTHORIZED", exc)
                response["WWW-Authenticate"] = 'Bearer realm="ticketshop"'
                return response
            interface = realtime.interface_of(account)
            if interface is None:
                return problem(
                    request,
                    403,
                    "FORBIDDEN",
                    _("This API account is not the account of an active real-time reseller."),
                )
            try:
                data = params.body(request) if request.method == "POST" else {}
                status, answer = view(request, interface, data, *args, **kwargs)
            except params.BadRequest as exc:
                return problem(request, 400, "BAD_REQUEST", exc)
            except RealtimeError as exc:
                return problem(request, exc.status, exc.code, exc.message)
            except DatabaseError:  # a lock wait or a lost connection: the caller may retry
                log.exception("real-time reseller call failed on the database")
                response = problem(
                    request, 503, "TRY_AGAIN", _("The ticketshop is busy: try again in a moment.")
                )
                response["Retry-After"] = "1"
                return response
            return JsonResponse(answer, status=status)

        return wrapped

    return wrap


@endpoint("GET")
def performances_view(request, interface, data):
    return 200, {"performances": realtime.list_performances(interface)}


@endpoint("GET")
def performance_view(request, interface, data, performance_id):
    return 200, realtime.performance_of(interface, performance_id)


@endpoint("POST")
def hold_view(request, interface, data):
    basket = realtime.hold(interface, data)
    return 201, realtime.basket_answer(basket)


@endpoint("GET")
def basket_view(request, interface, data, basket_id):
    return 200, realtime.basket_answer(realtime.basket_of(interface, basket_id))


@endpoint("POST")
def confirm_view(request, interface, data, basket_id):
    basket, created = realtime.confirm(interface, basket_id, data)
    answer = realtime.basket_answer(basket)
    answer["created"] = created
    return (201 if created else 200), answer


@endpoint("POST")
def release_view(request, interface, data, basket_id):
    return 200, realtime.basket_answer(realtime.release_basket(interface, basket_id))


@endpoint("GET")
def sale_view(request, interface, data, reference):
    return 200, realtime.basket_answer(realtime.sale_of(interface, reference))


@endpoint("POST")
def cancel_view(request, interface, data, reference):
    basket, amount = realtime.cancel(interface, reference, data)
    answer = realtime.basket_answer(basket)
    answer["refunded"] = str(amount)
    return 200, answer


@csrf_exempt
def unknown_view(request, rest=""):
    return problem(
        request, 404, "NOT_FOUND", _("Unknown path %(path)s: see /api/1/.") % {"path": request.path}
    )
