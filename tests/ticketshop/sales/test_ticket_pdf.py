"""The ticket PDF a venue prints and scans (B3, issue 12): the show, date, venue, hall, area,
category, seat ("Row A, seat 2"), holder, order and QR code, in embedded fonts that print every
name (Cyrillic, Chinese/Japanese, Greek), in the buyer's language."""

import io
import re

import pytest
from pypdf import PdfReader

from tests.fixtures.booking import hold, make_contact, sign_in
from ticketshop.contacts.models import Contact, ContactLink
from ticketshop.contacts.services import default_link_kind
from ticketshop.payments.models import GiftVoucher
from ticketshop.sales.models import Order

NAME = "Ёлка 山田 Ωmega"


@pytest.fixture
def tickets(client, shop):  # noqa: F811
    """Michel paid 2 seats, the second for his friend Ёлка 山田 Ωmega."""
    friend = make_contact(shop.org, "yolka@example.com", "Ёлка", "山田 Ωmega")
    ContactLink.objects.create(parent=shop.visitor, child=friend, kind=default_link_kind(shop.org))
    sign_in(client)
    hold(client, shop, {shop.full: 2}, shop.cat1)
    order = Order.objects.get()
    first, second = order.lines.order_by("pk")
    GiftVoucher.objects.create(organisation=shop.org, code="ALL", balance="1000.00")
    response = client.post(
        "/shop/en/cart/checkout/",
        {"accept_terms": "1", "voucher": "ALL", f"holder_{second.pk}": friend.pk},
    )
    assert response.status_code == 302
    return first, second


def pdf_text(client, ticket):
    response = client.get(f"/account/tickets/{ticket.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    return reader, re.sub(r"[ \t]+", " ", reader.pages[0].extract_text())


def test_the_ticket_prints_a_non_latin_holder_name_and_where_to_sit(client, shop, tickets):  # noqa: F811
    Contact.objects.filter(pk=shop.visitor.pk).update(language="en")
    _first, ticket = tickets
    ticket.refresh_from_db()
    reader, text = pdf_text(client, ticket)
    assert NAME in text, text
    assert "?" not in text
    for expected in (
        "Concert show",
        "Venue",
        "The CUBE",
        "Hall",
        "Main hall",
        "Stalls · Block A",
        "Category 1",
        "Row A, seat 2",
        ticket.barcode,
        f"#{ticket.order_id}",
        "45.50 EUR",
    ):
        assert expected in text, (expected, text)
    assert "Seat A A-2" not in text and "A-2" not in text
    # the fonts travel with the file (embedded), and the QR code is an image
    fonts = {
        str(font.get_object()["/BaseFont"])
        for font in reader.pages[0]["/Resources"]["/Font"].values()
    }
    assert any("DejaVu" in str(font) for font in fonts), fonts
    assert any("Droid" in str(font) for font in fonts), fonts
    assert list(reader.pages[0].images)


def test_the_ticket_speaks_the_buyers_language(client, shop, tickets):  # noqa: F811
    first, _second = tickets  # Michel reads French
    _reader, text = pdf_text(client, first)
    for expected in (
        "Salle",
        "Rang A, place 1",
        "Catégorie",
        "Titulaire du billet",
        "45,50 EUR",
        "Michel Shapira",
    ):
        assert expected in text, (expected, text)


ARABIC = ("محمد", "عبد الله")
HEBREW = ("דוד", "כהן")


def _embedded_glyph_names(reader):
    """The glyph names of the fonts embedded in the page (subsets: only the glyphs printed)."""
    from fontTools.ttLib import TTFont

    names = set()
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        font = font.get_object()
        if "/DescendantFonts" not in font:
            continue
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        data = descriptor["/FontFile2"].get_object().get_data()
        names |= set(TTFont(io.BytesIO(data)).getGlyphOrder())
    return names


def test_arabic_and_hebrew_holder_names_are_shaped_and_ordered(client, shop):
    """Issue 12: right-to-left names. Read back, the text comes out in reading order (pypdf reads
    right-to-left runs drawn right to left; unshaped, the name came out reversed), and the Arabic
    letters are drawn in their joined forms (presentation-form glyphs, U+FExx)."""
    friends = [
        make_contact(shop.org, email, first, last)
        for email, (first, last) in (("arabic@example.com", ARABIC), ("hebrew@example.com", HEBREW))
    ]
    for friend in friends:
        ContactLink.objects.create(
            parent=shop.visitor, child=friend, kind=default_link_kind(shop.org)
        )
    sign_in(client)
    hold(client, shop, {shop.full: 2}, shop.cat1)
    order = Order.objects.get()
    lines = list(order.lines.order_by("pk"))
    GiftVoucher.objects.create(organisation=shop.org, code="ALL", balance="1000.00")
    fields = {"accept_terms": "1", "voucher": "ALL"}
    fields.update({f"holder_{line.pk}": f.pk for line, f in zip(lines, friends, strict=True)})
    assert client.post("/shop/en/cart/checkout/", fields).status_code == 302
    for line, (first, last) in zip(lines, (ARABIC, HEBREW), strict=True):
        reader, text = pdf_text(client, line)
        assert f"{first} {last}" in text, text
        assert f"{first} {last}"[::-1] not in text
        assert "?" not in text
    reader, _text = pdf_text(client, lines[0])
    joined = {name for name in _embedded_glyph_names(reader) if name.startswith("uniFE")}
    assert joined, "the Arabic letters were not shaped"
