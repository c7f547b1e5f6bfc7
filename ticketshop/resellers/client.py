"""The reseller's four SOAP services, through zeep (R8 contract): WS-Security UsernameToken,
timeouts from the settings. Every failure of the reseller or of the way to it is raised as
ExternalError (R7 “external”: retry, then call the reseller)."""

import threading
from functools import cached_property

import requests
import zeep
from lxml.etree import XMLSyntaxError
from zeep.transports import Transport
from zeep.wsse.username import UsernameToken

from ticketshop.resellers import conf, locks

_sessions = threading.local()


def close_sessions():
    """Close this thread's reseller HTTP sessions (their keep-alive sockets): at the end of a
    run (release of its lock) and of a scan check."""
    for session in getattr(_sessions, "open", []):
        session.close()
    _sessions.open = []


locks.on_release.append(close_sessions)


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
        return (
            self._op(
                self.sales_state, "getSales", self.interface.manager_code, since=since, until=until
            )
            or []
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
