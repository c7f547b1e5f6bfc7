"""Access control (R6): the scan check the box office uses, for every ticket (ours and the
resellers' barcodes alike, both are OrderLine barcodes): barcode + performance → valid (and
now used), already used, unknown or cancelled."""

from django.db import IntegrityError, transaction

from ticketshop.resellers.models import TicketScan
from ticketshop.sales.lifecycle import SOLD_STATES
from ticketshop.sales.models import OrderLine

VALID, ALREADY_USED, UNKNOWN, CANCELLED = "VALID", "ALREADY_USED", "UNKNOWN", "CANCELLED"


def check_ticket(barcode, performance_id, consume=True):
    """The ticket's state at the gate; a VALID ticket is let in once (`consume`): a second
    scan, even at the same moment at another gate, answers ALREADY_USED (a unique row)."""
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
    if not consume:
        return VALID, line
    try:
        with transaction.atomic():
            TicketScan.objects.create(line=line)
    except IntegrityError:
        return ALREADY_USED, line
    return VALID, line
