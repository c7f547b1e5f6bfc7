"""The reseller's four SOAP services, through zeep (R8 contract): WS-Security UsernameToken,
timeouts from the settings. Every failure of the reseller or of the way to it is raised as
ExternalError (R7 “external”: retry, then call the reseller)."""

import copy
import threading
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import cached_property
from types import SimpleNamespace

import requests
import zeep
from lxml.etree import XMLSyntaxError
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NewConnectionError, ProtocolError
from urllib3.util.retry import Retry
from zeep.loader import parse_xml
from zeep.transports import Transport
from zeep.wsse.username import UsernameToken
from zeep.xsd.types.builtins import DateTime

from ticketshop.resellers import conf, locks

_sessions = threading.local()


def close_sessions():
    """Close this thread's reseller HTTP sessions (their keep-alive sockets): at the end of a
    run (release of its lock) and of a scan check."""
    for session in getattr(_sessions, "open", []):
        session.close()
    _sessions.open = []


locks.on_release.append(close_sessions)


def _local(element):
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


class StaleConnectionRetry(Retry):
    """Retries a request sent on a pooled connection the server had closed meanwhile (urllib3
    reuses it when the server's close was not seen yet: RemoteDisconnected, no byte of an
    answer; seen on a loaded machine), never a read that timed out or a status."""

    DEFAULTS = {"total": 2, "connect": 2, "read": 2, "status": 0, "allowed_methods": None}

    def __init__(self, **kwargs):
        super().__init__(**(self.DEFAULTS | {"raise_on_status": False} | kwargs))

    def increment(self, method=None, url=None, response=None, error=None, **kwargs):
        if error is not None and not isinstance(error, ProtocolError | NewConnectionError):
            raise error  # a timeout, or anything else: as without retries
        return super().increment(method, url, response=response, error=error, **kwargs)


class ExternalError(Exception):
    """The reseller answered an error, garbage, or nothing in time."""


def _call(service, operation, *args, **kwargs):
    try:
        return getattr(service, operation)(*args, **kwargs)
    except zeep.exceptions.Fault as exc:
        raise ExternalError(
            f"{operation}: the reseller refused ({exc.code}): {exc.message}"
        ) from exc
    except (requests.RequestException, zeep.exceptions.Error, XMLSyntaxError) as exc:
        raise ExternalError(f"{operation}: {type(exc).__name__}: {exc}") from exc


class ResellerClient:
    def __init__(self, interface, timeout=None):
        self.interface = interface
        timeout = timeout or conf.get("SOAP_TIMEOUT")
        session = requests.Session()
        _sessions.__dict__.setdefault("open", []).append(session)
        # Plain HTTP/1.1 keep-alive, one session per client (a run, a scan). NOT "Connection:
        # close" in the request only: the server then closes after answering while the client,
        # seeing no "close" in the answer, reuses the socket → RemoteDisconnected, at random.
        session.mount("http://", HTTPAdapter(max_retries=StaleConnectionRetry()))
        session.mount("https://", HTTPAdapter(max_retries=StaleConnectionRetry()))
        self.transport = Transport(session=session, timeout=timeout, operation_timeout=timeout)

    def _service(self, url, user, password):
        try:
            client = zeep.Client(
                url.rstrip("?") + "?wsdl",
                wsse=UsernameToken(user, password),
                transport=self.transport,
            )
        except (
            requests.RequestException,
            zeep.exceptions.Error,
            XMLSyntaxError,
            ValueError,
        ) as exc:
            raise ExternalError(f"WSDL of {url}: {type(exc).__name__}: {exc}") from exc
        return client.service

    @cached_property
    def allotments(self):
        i = self.interface
        return self._service(i.allotment_url, i.allotment_user, i.allotment_password)

    @cached_property
    def sales_state(self):
        i = self.interface
        return self._service(i.sales_url, i.sales_user, i.sales_password)

    @cached_property
    def prepare_access(self):
        i = self.interface
        return self._service(i.prepare_access_url, i.access_user, i.access_password)

    @cached_property
    def get_access(self):
        i = self.interface
        return self._service(i.get_access_url, i.access_user, i.access_password)

    def _op(self, service, operation, *args, **kwargs):
        locks.beat(self.interface.pk)  # a run calling its reseller is alive: renew its lock
        return _call(service, operation, *args, **kwargs)

    # --- operations --------------------------------------------------------------------------

    def allot(self, **kwargs):
        return self._op(self.allotments, "allot", self.interface.manager_code, **kwargs)

    def allot_many(self, allotments):
        """allotMany (the sandbox's extension, R8): many performances' allotments in one call,
        each a dict of `allot`'s keyword arguments with `seats` a list of AllottedSeat dicts.
        zeep writes the envelope with ONE seat per allotment; the other seats are copies of
        that element filled in with lxml (zeep's own writer takes ~0.2 ms a seat, too slow
        for a season). Returns [PerformanceAllotment]."""
        service = self.allotments
        firsts = [{**a, "seats": {"AllottedSeat": (a.get("seats") or [])[:1]}} for a in allotments]
        try:
            envelope, headers = service._binding._create(
                "allotMany",
                (self.interface.manager_code,),
                {"allotments": {"Allotment": firsts}},
                client=service._client,
                options=service._binding_options,
            )
        except (zeep.exceptions.Error, TypeError, ValueError) as exc:
            raise ExternalError(f"allotMany: {type(exc).__name__}: {exc}") from exc
        written = [e for e in envelope.iter() if _local(e) == "Allotment"]
        for element, allotment in zip(written, allotments, strict=True):
            seats = allotment.get("seats") or []
            if len(seats) < 2:
                continue
            template = next(e for e in element.iter() if _local(e) == "AllottedSeat")
            parent = template.getparent()
            fields = {_local(f): f for f in template}
            for seat in seats[1:]:
                for name, field in fields.items():
                    value = seat.get(name)
                    field.text = None if value is None else str(value)
                parent.append(copy.deepcopy(template))
            for name, field in fields.items():  # the template is the first seat again
                value = seats[0].get(name)
                field.text = None if value is None else str(value)

        def send():
            response = service._client.transport.post_xml(
                service._binding_options["address"], envelope, headers
            )
            operation = service._binding.get("allotMany")
            return service._binding.process_reply(service._client, operation, response)

        return _call(SimpleNamespace(allotMany=send), "allotMany") or []

    def take_back(self, **kwargs):
        return self._op(self.allotments, "takeBack", self.interface.manager_code, **kwargs)

    def list_allotment(self, performance_code):
        return (
            self._op(
                self.allotments,
                "listAllotment",
                self.interface.manager_code,
                performanceCode=performance_code,
            )
            or []
        )

    def get_sales(self, since, until=None):
        """getSales: [SaleLine] (attributes named as the contract's fields). The answer's lines
        are read with lxml (zeep's reader takes ~4 ms a line: 20 s for a season's 5 000 sales);
        an answer that is not a plain list (a fault, garbage) is left to zeep, which raises."""
        locks.beat(self.interface.pk)
        return _read_list(
            self.sales_state,
            "getSales",
            (self.interface.manager_code,),
            {"since": since, "until": until},
            SALE_LINE,
        )

    def access_barcodes(self, performance_code):
        prepared = self._op(
            self.prepare_access,
            "prepareAccessControl",
            self.interface.manager_code,
            performanceCode=performance_code,
        )
        return (
            self._op(
                self.get_access,
                "getAccessControl",
                self.interface.manager_code,
                requestId=prepared.requestId,
            )
            or []
        )


_DATETIME = DateTime()


def _datetime(text):
    try:  # what the sandbox writes (isoformat); any other xsd:dateTime by zeep's reader
        return datetime.fromisoformat(text)
    except ValueError:
        return _DATETIME.pythonvalue(text)


def _decimal(text):
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(f"not a decimal: {text!r}") from exc


# The contract's SaleLine (R8): field → reader of its text (a string when not named here).
SALE_LINE = dict.fromkeys(
    (
        "saleId", "kind", "at", "manifestationId", "performanceCode", "seatId", "block", "row",
        "number", "categoryId", "customerCategoryId", "price", "firstName", "lastName", "barcode",
    ),
    str,
) | {"at": _datetime, "price": _decimal}  # fmt: skip
SOAP_BODY = "{http://schemas.xmlsoap.org/soap/envelope/}Body"


def _plain_items(service, content, fields):
    """The items of an answer that is an array of flat elements, as SimpleNamespaces of
    `fields` (None when absent, as zeep gives), or None when the answer is anything else (a
    fault, not XML, another shape): zeep then reads it and raises what it is."""
    try:
        root = parse_xml(content, service._client.transport, settings=service._client.settings)
    except (XMLSyntaxError, zeep.exceptions.Error, ValueError):
        return None
    body = root.find(SOAP_BODY)
    answers = [e for e in body if isinstance(e.tag, str)] if body is not None else []
    if len(answers) != 1 or _local(answers[0]) == "Fault":
        return None
    items = []
    try:
        for element in answers[0]:
            if not isinstance(element.tag, str):
                continue
            item = dict.fromkeys(fields)
            for child in element:
                name = _local(child)
                if name in fields and child.text is not None:
                    item[name] = fields[name](child.text)
            items.append(SimpleNamespace(**item))
    except (ValueError, TypeError):
        return None
    return items


def _read_list(service, operation, args, kwargs, fields):
    try:
        envelope, headers = service._binding._create(
            operation, args, kwargs, client=service._client, options=service._binding_options
        )
    except (zeep.exceptions.Error, TypeError, ValueError) as exc:
        raise ExternalError(f"{operation}: {type(exc).__name__}: {exc}") from exc

    def send():
        response = service._client.transport.post_xml(
            service._binding_options["address"], envelope, headers
        )
        if response.status_code == 200:
            items = _plain_items(service, response.content, fields)
            if items is not None:
                return items
        return service._binding.process_reply(
            service._client, service._binding.get(operation), response
        )

    return _call(SimpleNamespace(**{operation: send}), operation) or []
