"""Tickets (B3): the confirmation email and the printable ticket (PDF with a QR code)."""

import functools
import io
import logging
import unicodedata
from pathlib import Path

import segno
from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone, translation
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.errors import FPDFException

from ticketshop.multilingual import normalise_language
from ticketshop.organisation import mail
from ticketshop.sales.models import Order, OrderMessage

logger = logging.getLogger(__name__)


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
    lines = order.lines.select_related(
        "product", "performance", "reservation__seat__block__zone", "tariff"
    )
    with translation.override(language):
        tickets = [
            {
                "product": _name(line.product, language),
                "start": _start(line),
                "seat": seat_label(line.reservation.seat, language),
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


# --- seats, named one way everywhere (cart, order, account, email, PDF) ---------------------


def seat_label(seat, language="en"):
    """ "Stalls · Left · Row A, seat 2": where the seat is, then the seat (as the shop's
    templates/sales/_seat.html says it); "" for free placement."""
    if seat is None:
        return ""
    return " · ".join(
        (_name(seat.block.zone, language), _name(seat.block, language), row_seat(seat))
    )


def row_seat(seat):
    return translation.gettext("Row %(row)s, seat %(number)s") % {
        "row": seat.row,
        "number": seat.number,
    }


# --- the printable ticket ------------------------------------------------------------------

# TrueType fonts embedded in the PDF (subset), so that every holder's name prints: DejaVu Sans
# (Latin, Greek, Cyrillic, Armenian, Georgian, Hebrew…), then Droid Sans Fallback for Chinese,
# Japanese and Korean. Debian's fonts-dejavu-core and fonts-droid-fallback (scripts/bootstrap.sh).
FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/truetype/droid",
    "/usr/share/fonts-droid-fallback/truetype",
)
FONTS = {
    ("sans", ""): "DejaVuSans.ttf",
    ("sans", "B"): "DejaVuSans-Bold.ttf",
    ("cjk", ""): "DroidSansFallbackFull.ttf",
}


def _font_file(name):
    for folder in (*getattr(settings, "TICKET_FONT_DIRS", ()), *FONT_DIRS):
        path = Path(folder) / name
        if path.is_file():
            return path
    return None


@functools.cache
def _covered(path):
    """The characters a font file has glyphs for (read once per process)."""
    return frozenset(TTFont(path, lazy=True).getBestCmap())


def _set_up_fonts(pdf, texts):
    """Embed the fonts `texts` need; True when the main font is there. Without it (a machine
    missing the Debian packages) the ticket still prints in Helvetica, non-Latin letters as "?".
    The large CJK font is only read for a ticket whose texts need it."""
    found = {key: _font_file(name) for key, name in FONTS.items()}
    if found[("sans", "")] is None:
        logger.warning(
            "No TrueType font for tickets in %s: names print in Latin-1 only.", FONT_DIRS
        )
        return False
    pdf.add_font("sans", "", str(found[("sans", "")]))
    pdf.add_font("sans", "B", str(found[("sans", "B")] or found[("sans", "")]))
    covered = _covered(str(found[("sans", "")]))
    missing = {ord(c) for text in texts for c in str(text) if not c.isspace()} - covered
    if missing and found[("cjk", "")] is not None:
        pdf.add_font("cjk", "", str(found[("cjk", "")]))
        pdf.set_fallback_fonts(["cjk"], exact_match=False)
    return True


def _place(line, language):
    """(venue, hall) of the ticket's place: the seat's hall, else the performance's."""
    seat = line.reservation.seat
    if seat is not None:
        hall = seat.block.zone.hall
    elif line.performance is not None:
        hall = line.performance.configuration.hall
    else:
        return "", ""
    venue = hall.venue
    where = ", ".join(part for part in (_name(venue, language), venue.address, venue.city) if part)
    return where, _name(hall, language)


def ticket_rows(line, language):
    """What the ticket says, (label, value) — in the active language."""
    gettext = translation.gettext
    seat = line.reservation.seat
    venue, hall = _place(line, language)
    rows = [
        (gettext("Date"), _start(line)),
        (gettext("Venue"), venue),
        (gettext("Hall"), hall),
    ]
    if seat is not None:
        rows.append(
            (gettext("Area"), f"{_name(seat.block.zone, language)} · {_name(seat.block, language)}")
        )
    if line.seat_category_id:
        rows.append((gettext("Category"), _name(line.seat_category, language)))
    rows += [
        (gettext("Seat"), row_seat(seat) if seat else gettext("Free placement")),
        (gettext("Tariff"), _name(line.tariff, language)),
        (gettext("Ticket holder"), line.holder_name),
        (gettext("Order"), f"#{line.order_id}"),
        (gettext("Price"), f"{formats.number_format(line.price, 2)} {line.order.currency}"),
    ]
    return [(label, value) for label, value in rows if value]


def _right_to_left(texts):
    """True when a text has Arabic or Hebrew letters (bidirectional class R or AL)."""
    return any(unicodedata.bidirectional(c) in ("R", "AL") for t in texts for c in str(t))


def _shape_right_to_left(pdf, texts):
    """Arabic and Hebrew names (issue 12): letters joined in their contextual forms and words
    in right-to-left order, by fpdf2's text shaping (HarfBuzz, through uharfbuzz) and its
    bidirectional algorithm. Only for a ticket that needs it: shaping costs time."""
    if not _right_to_left(texts):
        return
    try:
        pdf.set_text_shaping(use_shaping_engine=True)
    except (ImportError, FPDFException) as error:  # uharfbuzz missing: letters unjoined
        logger.warning("Right-to-left names print unshaped: %s", error)


def _latin1(text):
    return str(text).encode("latin-1", "replace").decode("latin-1")


def ticket_pdf(line, language="en"):
    """One ticket as a PDF a venue prints and scans: the show, date, venue, hall, area,
    category, seat, holder, and its barcode as a QR code, in fonts that print every name."""
    with translation.override(language):
        pdf = FPDF(orientation="L", unit="mm", format=(148, 210))
        pdf.set_compression(False)  # the text stays searchable
        pdf.set_title(f"Ticket {line.barcode}")
        pdf.set_auto_page_break(False)
        title = _name(line.product, language)
        rows = ticket_rows(line, language)
        texts = [title, *(value for _label, value in rows)]
        unicode = _set_up_fonts(pdf, texts)
        if unicode:
            _shape_right_to_left(pdf, texts)
        text = str if unicode else _latin1
        family = "sans" if unicode else "Helvetica"
        pdf.add_page()
        pdf.set_font(family, "B", 20)
        pdf.multi_cell(190, 10, text(title), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        top = pdf.get_y()
        for label, value in rows:
            pdf.set_font(family, "", 10)
            pdf.cell(32, 8, text(label))
            pdf.set_font(family, "B" if label == translation.gettext("Seat") else "", 12)
            pdf.multi_cell(100, 8, text(value), new_x="LMARGIN", new_y="NEXT")
        pdf.image(qr_png(line.barcode), x=148, y=top, w=52, h=52)
        pdf.set_font("Courier", "B", 11)
        pdf.set_xy(138, top + 53)
        pdf.cell(72, 8, line.barcode, align="C")
    return bytes(pdf.output())
