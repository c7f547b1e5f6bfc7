"""Tickets (B3): the confirmation email and the printable ticket (PDF with a QR code)."""

import io

import segno
from django.db import transaction
from django.utils import formats, timezone, translation
from fpdf import FPDF

from ticketshop.multilingual import normalise_language
from ticketshop.organisation import mail
from ticketshop.sales.models import Order, OrderMessage


def _name(obj, language):
    return getattr(obj, f"name_{language}", "") or getattr(obj, "name_en", "") or str(obj)


def send_message(message_id):
    """Send one email of the outbox, once (the row is locked and marked in one transaction: a
    crash before the mark sends it again, never loses it). True when sent now."""
    with transaction.atomic():
        message = (
            OrderMessage.objects.select_for_update(of=("self",))
            .select_related("order__contact")
            .filter(pk=message_id, sent_at__isnull=True)
            .first()
        )
        if message is None:
            return False
        contact = message.order.contact
        if contact is not None and contact.email:
            SENDERS[message.kind](message.order, message)
        message.sent_at = timezone.now()
        message.save(update_fields=["sent_at"])
    return True


def send_pending():
    """The outbox's rest (emails whose sending after the commit failed). Returns how many."""
    ids = OrderMessage.objects.filter(sent_at__isnull=True).values_list("pk", flat=True)[:500]
    return sum(send_message(pk) for pk in list(ids))


def _send(order, template, context):
    mail.send_templated_mail(
        order.contact,
        f"sales/{template}_subject.txt",
        f"sales/{template}_email.txt",
        {"order": order, "contact": order.contact, **context},
    )


def _send_refund(order, message):
    lines = order.lines.filter(cancelled_at__isnull=False).select_related("product")
    late = message.kind == OrderMessage.Kind.LATE_PAYMENT_REFUNDED
    _send(order, "refund", {"late": late, "amount": message.amount, "lines": lines})


def send_confirmation(order, message=None):
    """The order's confirmation, in the buyer's language, listing each ticket and its holder."""
    if order.status != Order.Status.PAID:
        return False
    language = normalise_language(order.contact.language, default="en")
    lines = order.lines.select_related("product", "performance", "reservation__seat", "tariff")
    with translation.override(language):
        tickets = [
            {
                "product": _name(line.product, language),
                "start": _start(line),
                "seat": str(line.reservation.seat) if line.reservation.seat_id else "",
                "tariff": _name(line.tariff, language),
                "holder": line.holder_name,
                "barcode": line.barcode,
                "price": line.price,
            }
            for line in lines
        ]
    _send(order, "confirmation", {"tickets": tickets})
    return True


SENDERS = {
    OrderMessage.Kind.CONFIRMATION: send_confirmation,
    OrderMessage.Kind.LATE_PAYMENT_REFUNDED: _send_refund,
    OrderMessage.Kind.REFUND: _send_refund,
}


def _start(line):
    if line.performance is None:
        return translation.gettext("Undated")
    return formats.date_format(timezone.localtime(line.performance.start), "DATETIME_FORMAT")


def qr_png(data, scale=6):
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="png", scale=scale, border=2)
    buffer.seek(0)
    return buffer


def _latin1(text):
    return str(text).encode("latin-1", "replace").decode("latin-1")


def ticket_pdf(line, language="en"):
    """One ticket as a PDF: the show, date, seat, holder, and its barcode as a QR code."""
    product = line.product
    seat = line.reservation.seat
    with translation.override(language):
        start = _start(line)
        pdf = FPDF(orientation="L", unit="mm", format=(148, 210))
        pdf.set_compression(False)  # the text stays searchable (and testable)
        pdf.set_title(f"Ticket {line.barcode}")
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 22)
        pdf.cell(0, 12, _latin1(_name(product, language)), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 14)
        rows = [
            (translation.gettext("Date"), start),
            (translation.gettext("Seat"), str(seat) if seat else translation.gettext("Free")),
            (translation.gettext("Tariff"), _name(line.tariff, language)),
            (translation.gettext("Ticket holder"), line.holder_name),
            (translation.gettext("Order"), f"#{line.order_id}"),
            (translation.gettext("Price"), f"{line.price} {line.order.currency}"),
        ]
        for label, value in rows:
            pdf.cell(45, 9, _latin1(label))
            pdf.cell(0, 9, _latin1(value), new_x="LMARGIN", new_y="NEXT")
        pdf.image(qr_png(line.barcode), x=150, y=40, w=50, h=50)
        pdf.set_font("Courier", "B", 12)
        pdf.set_xy(140, 92)
        pdf.cell(70, 8, line.barcode, align="C")
    return bytes(pdf.output())
