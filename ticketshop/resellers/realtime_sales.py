"""A real-time reseller's side of the reconciliation (R9, R11): its own records of the tickets
it sold and cancelled through our real-time API, read from its "sales since" endpoint.

Digitick and ClassicTic sell our seats in real time, so every sale they confirm is ours at
once; what only THEY can tell is a sale they made whose confirm never reached us, the price
their customer paid, a ticket they cancelled at their counter without telling us. A venue
reads that from the reseller. The interface's sales-state settings say where, as for a batch
reseller's EtatVentes: `sales_url` (the endpoint), `sales_user` / `sales_password` (HTTP Basic).
The contract is the bundled sandbox's (reseller_sandbox/realtime_sales.py, README):

    GET <sales_url>?since=<ISO 8601>   →   {"sales": [{"lineId": "REF#1", "saleReference",
        "kind": "SALE"|"CANCEL", "at", "performance", "seatId", "block", "row", "number",
        "category", "customerCategory", "price", "barcode", "holder"}, ...]}

`lineId` is "<sale reference>#<n>", n the place's number in the sale (our BasketPlaces of the
sale's basket in their order): the key our side is matched on (reconciliation.our_realtime).
Every failure (refused connection, timeout, an HTTP error, a body that is not this JSON) is an
ExternalError with a readable message: the report says the reseller could not be read and
nothing changes (a read changes nothing on either side).

An interface without `sales_url` keeps the former source: our own records (OwnRecordsSource)."""

import datetime as dt
from decimal import Decimal, InvalidOperation

import requests
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from ticketshop.resellers import conf
from ticketshop.resellers.client import ExternalError
from ticketshop.resellers.models import ResellerInterface
from ticketshop.resellers.reconciliation import OwnRecordsSource, TheirSale, register_source

EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
MAX_BYTES = 50 * 1024 * 1024  # a season's sales of one reseller is a few MB
TEXT = ("lineId", "saleReference", "performance")
OPTIONAL_TEXT = ("seatId", "block", "row", "number", "category", "customerCategory", "barcode")


class RealtimeSalesClient:
    def __init__(self, interface, timeout=None):
        self.interface = interface
        self.timeout = timeout or conf.get("REALTIME_SALES_TIMEOUT")

    def get_sales(self, since=EPOCH, until=None):
        """The reseller's lines (dicts, validated: Decimal prices, aware datetimes)."""
        params = {"since": since.isoformat()}
        if until is not None:
            params["until"] = until.isoformat()
        auth = None
        if self.interface.sales_user:
            auth = (self.interface.sales_user, self.interface.sales_password)
        url = self.interface.sales_url
        try:
            response = requests.get(url, params=params, auth=auth, timeout=self.timeout)
        except requests.Timeout as exc:
            raise ExternalError(
                f"sales since: no answer from {url} within {self.timeout} s ({exc})"
            ) from exc
        except requests.RequestException as exc:
            raise ExternalError(f"sales since: {url} unreachable: {type(exc).__name__}") from exc
        if response.status_code != 200:
            raise ExternalError(
                f"sales since: {url} answered HTTP {response.status_code}: "
                f"{response.text[:200].strip()}"
            )
        if len(response.content) > MAX_BYTES:
            raise ExternalError(f"sales since: the answer of {url} is too large")
        try:
            body = response.json()
        except ValueError as exc:
            raise ExternalError(
                f"sales since: {url} answered something that is not JSON: {response.text[:80]!r}"
            ) from exc
        if not isinstance(body, dict) or not isinstance(body.get("sales"), list):
            raise ExternalError(f"sales since: {url} answered JSON without a list of sales")
        return [_line(raw, n) for n, raw in enumerate(body["sales"], start=1)]


def _line(raw, n):
    def bad(what):
        return ExternalError(f"sales since: line {n} of the reseller's answer: {what}")

    if not isinstance(raw, dict):
        raise bad("not an object")
    line = {}
    for name in TEXT:
        value = raw.get(name)
        if not isinstance(value, str | int) or isinstance(value, bool) or str(value) == "":
            raise bad(f"{name} missing")
        line[name] = str(value)
    for name in OPTIONAL_TEXT:
        value = raw.get(name)
        if value is not None and not isinstance(value, str | int):
            raise bad(f"{name} is not text")
        line[name] = "" if value is None else str(value)
    if raw.get("kind") not in ("SALE", "CANCEL"):
        raise bad("kind is neither SALE nor CANCEL")
    line["kind"] = raw["kind"]
    try:
        price = Decimal(str(raw.get("price")))
    except InvalidOperation as exc:
        raise bad("price is not an amount") from exc
    if isinstance(raw.get("price"), bool) or not price.is_finite() or price < 0:
        raise bad("price is not an amount")
    line["price"] = price
    at = parse_datetime(raw["at"]) if isinstance(raw.get("at"), str) else None
    if at is None or at.tzinfo is None:
        raise bad("at is not a date and time with its time zone")
    line["at"] = at
    return line


class RealtimeHttpSource:
    """The real-time reseller's own records, over HTTP (see the module's docstring)."""

    def __init__(self, interface):
        self.interface = interface
        self.label = _("the reseller's own sales records (JSON over HTTP: %(url)s)") % {
            "url": interface.sales_url
        }

    def sales(self):
        found = {}
        for line in RealtimeSalesClient(self.interface).get_sales():
            place = " ".join(p for p in (line["block"], line["row"], line["number"]) if p)
            sale = found.get(line["lineId"])
            if line["kind"] == "CANCEL":
                if sale is not None:
                    sale.cancelled = True
                    continue
            elif sale is not None:  # a SALE after its CANCEL: the sale's data, still cancelled
                cancelled = sale.cancelled
            else:
                cancelled = False
            found[line["lineId"]] = TheirSale(
                sale_id=line["lineId"],
                performance_code=line["performance"],
                seat_id=line["seatId"],
                category_id=line["category"],
                customer_category_id=line["customerCategory"],
                price=line["price"],
                at=line["at"],
                cancelled=line["kind"] == "CANCEL" or cancelled,
                place=place,
            )
        return found


def source(interface):
    """The source registered for the real-time kinds: the reseller's endpoint when the
    interface has one, else our own records."""
    if interface.sales_url:
        return RealtimeHttpSource(interface)
    return OwnRecordsSource(interface)


def register():
    for kind in ResellerInterface.REALTIME_KINDS:
        register_source(kind, source)
