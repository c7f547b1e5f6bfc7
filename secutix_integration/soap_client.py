"""Clients of the ticketshop's SOAP services (C2, C3), through zeep with WS-Security."""

import functools
import logging
import time
from datetime import datetime

import requests
import zeep
from zeep.exceptions import Error as ZeepError
from zeep.helpers import serialize_object
from zeep.proxy import ServiceProxy
from zeep.transports import Transport
from zeep.wsse.username import UsernameToken

from secutix_integration import conf, fast_reply

logger = logging.getLogger(__name__)


class TicketshopError(Exception):
    """The ticketshop could not be reached, refused the call, or answered something unusable."""


@functools.lru_cache(maxsize=8)
def _client(url, username, password, timeout):
    session = requests.Session()
    transport = Transport(session=session, timeout=timeout, operation_timeout=timeout)
    client = zeep.Client(f"{url}?wsdl", transport=transport, wsse=UsernameToken(username, password))
    _clients[(url, username, password, timeout)] = client
    return client


def close_clients():
    """Close the cached clients' HTTP connections (settings changed, or shutting down)."""
    for client_args in list(_clients):
        _clients.pop(client_args).transport.session.close()
    _client.cache_clear()


_clients = {}


def _service(name, timeout=None):
    timeout = float(timeout or conf.get("TIMEOUT_SECONDS"))
    url = conf.service_url(name)
    try:
        return _client(url, conf.get("API_USERNAME"), conf.get("API_PASSWORD"), timeout).service
    except (requests.RequestException, ZeepError, OSError, ValueError) as error:
        raise TicketshopError(f"cannot read the WSDL at {url}: {error}") from error


def _call(service, method, fast=False, **params):
    """`fast`: a large answer read by fast_reply (the same dicts as zeep's, in a fraction of the
    time) when `service` is zeep's proxy; a stand-in service is called as it is."""
    try:
        if fast and isinstance(service, ServiceProxy):
            data = fast_reply.call(service, method, **params)
        else:
            data = serialize_object(getattr(service, method)(**params), dict)
    except (requests.RequestException, ZeepError, OSError, ValueError) as error:
        raise TicketshopError(f"{method} failed: {error}") from error
    if not isinstance(data, dict):
        raise TicketshopError(f"{method} answered something unexpected: {data!r:.200}")
    status = data.get("statusCode")
    if status not in ("success", "in_progress"):
        raise TicketshopError(f"{method} answered {status}: {data.get('statusDetail') or ''}")
    return data


def last_setup_update():
    """When the catalogue last changed, as the ticketshop says (an aware datetime or None)."""
    data = _call(_service(conf.CATALOGUE_SERVICE), "getLastSetupUpdate")
    value = data.get("lastSetupUpdate")
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError as error:
            raise TicketshopError(f"getLastSetupUpdate answered {value!r}") from error
    return value


def pos_config():
    """posConfigData of getPOSConfig: posId, currencyCode, organizationTimeZone…"""
    data = _call(_service(conf.CATALOGUE_SERVICE), "getPOSConfig")
    return data.get("posConfigData") or {}


def catalogue_detailed(sleep=time.sleep):
    """catalogData of getCatalogDetailed (dicts). A long catalogue answers `in_progress` with
    an Integer requestId: ask again with it until `success`."""
    service = _service(conf.CATALOGUE_SERVICE, timeout=max(30.0, conf.get("TIMEOUT_SECONDS")))
    request_id = None
    for _attempt in range(int(conf.get("IMPORT_IN_PROGRESS_RETRIES")) + 1):
        data = _call(service, "getCatalogDetailed", fast=True, requestId=request_id)
        if data["statusCode"] == "success":
            catalogue = data.get("catalogData")
            if not isinstance(catalogue, dict):
                raise TicketshopError("getCatalogDetailed answered success without a catalogue")
            return catalogue
        request_id = data.get("requestId")
        if not isinstance(request_id, int):
            raise TicketshopError("getCatalogDetailed answered in_progress without a requestId")
        logger.info("Catalogue request %s in progress, asking again", request_id)
        sleep(float(conf.get("IMPORT_IN_PROGRESS_WAIT_SECONDS")))
    raise TicketshopError("the catalogue was still in progress after every retry")
