"""The sandbox over the network: a live server and zeep clients built from the served WSDL."""

from io import StringIO

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
    if retry_reads:
        retry = Retry(total=3, connect=3, read=3, allowed_methods=None, status=0)
        session.mount("http://", HTTPAdapter(max_retries=retry))
    return session


@pytest.fixture
def sandbox(db):
    call_command("setup_reseller_sandbox", stdout=StringIO())


@pytest.fixture
def soap(live_server, sandbox):
    """soap(instance, service, user=..., password=..., timeout=...) → a zeep service proxy."""

    def make(instance, service, username=None, password=None, timeout=None):
        suffix, secret = USERS[service]
        username = username if username is not None else f"{instance}-{suffix}"
        password = password if password is not None else secret
        # A short operation timeout (slow mode) must not be retried: a retried read would
        # hide the timeout.
        session = closing_session(retry_reads=timeout is None)
        transport = Transport(session=session, timeout=10, operation_timeout=timeout or 10)
        client = zeep.Client(
            f"{live_server.url}/reseller-sandbox/{instance}/{service}/?wsdl",
            wsse=UsernameToken(username, password),
            transport=transport,
        )
        return client.service

    return make


def sell(instance, performance_code, count, customer_category="44", names="", **options):
    """The counter's command: the sale lines it printed, as (saleId, barcode) pairs."""
    out = StringIO()
    args = ["sell", instance, performance_code, "--count", str(count)]
    args += ["--customer-category", customer_category, "--names", names]
    for key, value in options.items():
        args += [f"--{key.replace('_', '-')}", str(value)]
    call_command("reseller_sandbox", *args, stdout=out)
    return [
        (words[1], words[-1]) for words in (line.split() for line in out.getvalue().splitlines())
    ]


def cancel(instance, sale_id, **options):
    args = ["cancel", instance, sale_id]
    for key, value in options.items():
        args += [f"--{key}", str(value)]
    call_command("reseller_sandbox", *args, stdout=StringIO())


def sandbox_state():
    """Everything the sandbox stores, to show that a refused call changed nothing."""
    from reseller_sandbox.models import AccessControlRequest, AllottedPrice, HeldSeat, SaleLine

    return (
        sorted(
            HeldSeat.objects.values_list(
                "instance__slug",
                "performance_code",
                "seat_id",
                "category_id",
                "sold",
                "performance_date",
            )
        ),
        sorted(
            AllottedPrice.objects.values_list(
                "performance_code", "category_id", "customer_category_id", "amount"
            )
        ),
        sorted(SaleLine.objects.values_list("sale_id", "kind")),
        AccessControlRequest.objects.count(),
    )
