"""Reading a JSON API call's body: one object, its parameters checked and typed, a clear
BadRequest (answered 400 in SecuTix's shape) for anything else."""

import json

from django.utils.translation import gettext as _

from ticketshop.api import services

MAX_BODY_BYTES = 100_000


class BadRequest(Exception):
    pass


def body(request):
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


def ids(data, name, required=True):
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, list) or not value:
        raise BadRequest(_("%(name)s must be a non-empty list of ids.") % {"name": name})
    if any(isinstance(i, bool) or not isinstance(i, int) for i in value):
        raise BadRequest(_("%(name)s must hold whole numbers only.") % {"name": name})
    return value


def integer(data, name, required=False):
    value = data.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequest(_("%(name)s must be a whole number.") % {"name": name})
    return value


def obj(data, name):
    value = data.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadRequest(_("%(name)s must be an object.") % {"name": name})
    return value


def strings(data, name):
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or any(not isinstance(v, str) for v in value):
        raise BadRequest(_("%(name)s must be a list of strings.") % {"name": name})
    return value


def boolean(data, name):
    value = data.get(name, False)
    if not isinstance(value, bool):
        raise BadRequest(_("%(name)s must be true or false.") % {"name": name})
    return value


def date(data, name, required=True):
    value = data.get(name)
    if value is None and not required:
        return None
    return services.parse_date(value, name)


def request_id(data):
    return services.check_request_id(data.get("requestId"))
