"""The sandbox over the network: a live server and zeep clients built from the served WSDL."""

import pytest
import requests
import zeep
from django.core.management import call_command
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry
from zeep.transports import Transport
from zeep.wsse.username import UsernameToken

CODES = {"fnac": "FNAC-CUBE", "ticketnet": "TNET-CUBE", "secutix-file": "STXF-CUBE"}
USERS = {
    "Contingentement": ("allot", "allot-secret"),
    "EtatVentes": ("sales", "sales-secret"),
    "PrepareCtrlAcces": ("access", "access-secret"),
    "GetCtrlAcces": ("access", "access-secret"),
}


def closing_session(retry_reads=True):
    """No keep-alive (the live server's threads end with each answer); a reused closed
    connection is retried, but never a read that timed out."""
    session = requests.Session()
    session.headers["Connection"] = "close"
    retry = Retry(total=3, connect=3, read=3 if retry_reads else 0, allowed_methods=None, status=0)
    session.mount("http://", HTTPAdapter(max_retries=retry))
    return session


@pytest.fixture
def sandbox(db):
    call_command("setup_reseller_sandbox", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def soap(live_server, sandbox):
    """soap(instance, service, user=..., password=..., timeout=...) → a zeep service proxy."""

    def make(instance, service, username=None, password=None, timeout=10):
        suffix, secret = USERS[service]
        username = username if username is not None else f"{instance}-{suffix}"
        password = password if password is not None else secret
        transport = Transport(session=closing_session(), timeout=10, operation_timeout=timeout)
        client = zeep.Client(
            f"{live_server.url}/reseller-sandbox/{instance}/{service}/?wsdl",
            wsse=UsernameToken(username, password),
            transport=transport,
        )
        return client.service

    return make
