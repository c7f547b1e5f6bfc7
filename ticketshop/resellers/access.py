"""Access control (R6): the scan check the box office uses, for every ticket (ours and the
resellers' barcodes alike, both are OrderLine barcodes): barcode + performance → valid (and
now used), already used, unknown or cancelled.

`scan()` (the back-office page and the JSON API) also asks the resellers, over their
PrepareCtrlAcces / GetCtrlAcces services (seed 004's "billets FNAC pouvant passer le contrôle
d'accès"):
- a barcode we do not know, for a performance some active interface holds a contingent of: each
  such reseller is asked; a barcode it issued and did not cancel is let in once (ResellerScan),
  even before its sale is integrated; one it cancelled is refused;
- one of OUR reseller tickets (an integrated sale): its reseller is asked too, so a sale
  cancelled at the reseller since the last integration is refused at the gate.
A reseller that does not answer in `RESELLERS["ACCESS_TIMEOUT"]` seconds (or answers garbage)
gives RESELLER_UNREACHABLE for a barcode only it could vouch for (never a server error); for a
ticket of ours the local answer stands, with a warning."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ticketshop.resellers import conf
from ticketshop.resellers.client import ExternalError, ResellerClient, close_sessions
from ticketshop.resellers.models import ResellerInterface, ResellerSale, ResellerScan, TicketScan
from ticketshop.sales.lifecycle import SOLD_STATES
from ticketshop.sales.models import OrderLine

VALID, ALREADY_USED, UNKNOWN, CANCELLED = "VALID", "ALREADY_USED", "UNKNOWN", "CANCELLED"
RESELLER_UNREACHABLE = "RESELLER_UNREACHABLE"


def check_ticket(barcode, performance_id, consume=True):
    """The ticket's state at the gate from OUR records only; a VALID ticket is let in once
    (`consume`): a second scan, even at the same moment at another gate, answers ALREADY_USED
    (a unique row)."""
    barcode = (barcode or "").strip()
    try:
        performance_id = int(performance_id)
    except (TypeError, ValueError):
        return UNKNOWN, None
    line = (
        OrderLine.objects.filter(barcode=barcode, performance_id=performance_id)
        .select_related("order", "performance__product")
        .first()
        if barcode
        else None
    )
    if line is None:
        return UNKNOWN, None
    if line.cancelled_at is not None or line.order.status not in SOLD_STATES:
        return CANCELLED, line
    if TicketScan.objects.filter(line=line).exists():
        return ALREADY_USED, line
    if ResellerScan.objects.filter(performance_id=performance_id, barcode=barcode).exists():
        return ALREADY_USED, line  # let in on the reseller's word before it was integrated
    if not consume:
        return VALID, line
    try:
        with transaction.atomic():
            TicketScan.objects.create(line=line)
    except IntegrityError:
        return ALREADY_USED, line
    return VALID, line


@dataclass
class Answer:
    status: str
    line: OrderLine | None = None
    reseller: ResellerInterface | None = None
    message: str = ""

    @property
    def holder(self):
        return self.line.holder_name if self.line else None


class Unreachable(Exception):
    pass


def reseller_barcodes(interface, performance_id):
    """{barcode: status} of what the reseller issued for the performance (GetCtrlAcces)."""
    try:
        client = ResellerClient(interface, timeout=conf.get("ACCESS_TIMEOUT"))
        codes = client.access_barcodes(str(performance_id))
        return {str(c.barcode): str(c.status) for c in codes if getattr(c, "barcode", None)}
    except (ExternalError, AttributeError, TypeError, ValueError) as exc:
        raise Unreachable(str(exc)[:300]) from exc
    finally:
        close_sessions()


def _unreachable(interface, exc):
    return _("Reseller %(reseller)s unreachable (%(error)s).") % {
        "reseller": interface,
        "error": exc,
    }


def scan(barcode, performance_id):
    """The gate's answer (an Answer), asking the resellers where our records cannot tell."""
    barcode = (barcode or "").strip()
    status, line = check_ticket(barcode, performance_id, consume=False)
    if status == UNKNOWN:
        if not barcode or not str(performance_id).strip().isdigit():
            return Answer(UNKNOWN)
        return _ask_resellers(barcode, int(performance_id))
    sale = ResellerSale.objects.filter(line=line).select_related("interface").first()
    message = ""
    if sale is not None and status == VALID:
        try:
            at_reseller = reseller_barcodes(sale.interface, line.performance_id).get(barcode)
        except Unreachable as exc:
            message = _unreachable(sale.interface, exc) + " " + _("Answered from our records.")
        else:
            if at_reseller == CANCELLED:
                return Answer(CANCELLED, line, sale.interface, _("Cancelled at the reseller."))
    if status == VALID:
        status, line = check_ticket(barcode, performance_id)
    return Answer(status, line, sale.interface if sale else None, message)


def _ask_resellers(barcode, performance_id):
    let_in = (
        ResellerScan.objects.filter(performance_id=performance_id, barcode=barcode)
        .select_related("interface")
        .first()
    )
    if let_in is not None:
        return Answer(ALREADY_USED, reseller=let_in.interface)
    interfaces = ResellerInterface.objects.filter(
        status=ResellerInterface.Status.ACTIVE, contingents__performance_id=performance_id
    ).distinct()
    unreachable = []
    for interface in interfaces:
        try:
            status = reseller_barcodes(interface, performance_id).get(barcode)
        except Unreachable as exc:
            unreachable.append(_unreachable(interface, exc))
            continue
        if status is None:
            continue
        if status != VALID:
            return Answer(CANCELLED, reseller=interface, message=_("Cancelled at the reseller."))
        try:
            with transaction.atomic():
                ResellerScan.objects.create(
                    interface=interface, performance_id=performance_id, barcode=barcode
                )
        except IntegrityError:
            return Answer(ALREADY_USED, reseller=interface)
        return Answer(VALID, reseller=interface, message=_("Valid at the reseller."))
    if unreachable:
        return Answer(
            RESELLER_UNREACHABLE,
            message=" ".join(unreachable) + " " + _("Check the ticket by hand or retry."),
        )
    return Answer(UNKNOWN)
