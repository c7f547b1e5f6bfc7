"""B3 and F6 in the account area: tickets with their PDF, order history, holders, resale."""

import io

import pytest
from pypdf import PdfReader

from tests.fixtures.booking import hold, sign_in
from ticketshop.payments.models import GiftVoucher
from ticketshop.sales.models import Order, OrderLine


def pdf_text(content):
    return PdfReader(io.BytesIO(content)).pages[0].extract_text()


@pytest.fixture
def paid(client, shop):
    """The visitor paid 2 seats (voucher), the first one for their friend Anna."""
    sign_in(client)
    hold(client, shop, {shop.full: 2}, shop.cat1)
    order = Order.objects.get()
    first = order.lines.order_by("pk").first()
    GiftVoucher.objects.create(organisation=shop.org, code="ALL", balance="1000.00")
    response = client.post(
        "/shop/en/cart/checkout/",
        {"accept_terms": "1", "voucher": "ALL", f"holder_{first.pk}": shop.friend.pk},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "PAID"
    return order


def test_the_tickets_page_lists_the_tickets_with_their_holders(client, shop, paid):
    body = client.get("/account/tickets/").content.decode()
    assert body.count('class="ticket"') == 2
    assert "Anna Shapira" in body and "Michel Shapira" in body
    assert "Modify ticket holder" in body and "Download (PDF)" in body
    assert "There is nothing here yet" not in body


def test_the_ticket_pdf_has_a_qr_code_and_only_its_owner_gets_it(client, shop, paid):
    ticket = paid.lines.order_by("pk").first()
    response = client.get(f"/account/tickets/{ticket.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    content = response.content
    assert content.startswith(b"%PDF") and b"/Image" in content
    text = pdf_text(content)
    assert ticket.barcode in text and "Anna Shapira" in text
    # the friend (holder, not buyer) and a stranger get a 404, never the PDF
    for other in ("anna@example.com", "eve@example.com"):
        stranger = client.__class__()
        sign_in(stranger, other)
        assert stranger.get(f"/account/tickets/{ticket.pk}/pdf/").status_code == 404
        assert stranger.get(f"/account/orders/{paid.pk}/").status_code == 404
        assert stranger.get(f"/shop/en/order/{paid.pk}/").status_code == 404
    anonymous = client.__class__()
    assert anonymous.get(f"/account/tickets/{ticket.pk}/pdf/").status_code == 302


def test_the_friend_sees_the_ticket_they_hold(client, shop, paid):
    friend = client.__class__()
    sign_in(friend, "anna@example.com")
    body = friend.get("/account/tickets/").content.decode()
    assert body.count('class="ticket"') == 1 and "Anna Shapira" in body
    assert "Download (PDF)" not in body


def test_order_history_and_details(client, shop, paid):
    body = client.get("/account/orders/").content.decode()
    assert f"#{paid.pk}" in body and "91.00 EUR" in body
    body = client.get(f"/account/orders/{paid.pk}/").content.decode()
    assert "Gift voucher: 91.00 EUR" in body and "Anna Shapira" in body


def test_modify_the_ticket_holder_later(client, shop, paid):
    ticket = paid.lines.order_by("pk").last()
    response = client.post(f"/account/tickets/{ticket.pk}/holder/", {"holder": shop.friend.pk})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.holder_name == "Anna Shapira"
    client.post(f"/account/tickets/{ticket.pk}/holder/", {"holder": shop.stranger_friend.pk})
    ticket.refresh_from_db()
    assert ticket.holder == shop.friend
    shop.pos.modify_ticket_holder = False
    shop.pos.save()
    response = client.post(f"/account/tickets/{ticket.pk}/holder/", {"holder": shop.visitor.pk})
    assert response.status_code == 404
    assert "Modify ticket holder" not in client.get("/account/tickets/").content.decode()
    # another visitor cannot change it either
    shop.pos.modify_ticket_holder = True
    shop.pos.save()
    stranger = client.__class__()
    sign_in(stranger, "eve@example.com")
    response = stranger.post(f"/account/tickets/{ticket.pk}/holder/", {"holder": shop.stranger.pk})
    assert response.status_code == 404
    assert OrderLine.objects.get(pk=ticket.pk).holder == shop.friend


def test_resale_and_subscriptions_pages(client, shop, paid):
    body = client.get("/account/resale/").content.decode()
    assert "Ticket resale is not offered" in body and body.count("Shapira") >= 2
    shop.pos.allow_ticket_resale = True
    shop.pos.save()
    assert "not offered" not in client.get("/account/resale/").content.decode()
    body = client.get("/account/subscriptions/").content.decode()
    assert "You have no subscriptions or passes" in body


def test_empty_account_pages_for_a_new_visitor(client, shop):
    sign_in(client)
    assert "You have no tickets yet" in client.get("/account/tickets/").content.decode()
    assert "You have not ordered anything yet" in client.get("/account/orders/").content.decode()


def test_a_paid_pass_shows_under_subscriptions(client, shop):
    from ticketshop.catalogue import models as cat

    cat.Price.objects.create(grid=shop.concert.price_grid, tariff=shop.full, amount="99.00")
    sign_in(client)
    client.post(f"/shop/en/product/{shop.pass_.pk}/", {f"qty_{shop.full.pk}": 1})
    GiftVoucher.objects.create(organisation=shop.org, code="ALL", balance="1000.00")
    assert (
        client.post("/shop/en/cart/checkout/", {"accept_terms": "1", "voucher": "ALL"}).status_code
        == 302
    )
    ticket = OrderLine.objects.get()
    assert ticket.reservation.status == "SOLD" and ticket.performance is None
    body = client.get("/account/subscriptions/").content.decode()
    assert "Pass show" in body and ticket.barcode in body
    assert "Pass show" not in client.get("/account/tickets/").content.decode()
    response = client.get(f"/account/tickets/{ticket.pk}/pdf/")
    assert response.status_code == 200 and "Non daté" in pdf_text(response.content)  # (fr)


def test_the_back_office_shows_orders_read_only(client, shop, paid, django_user_model):
    admin = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-Boss-123")
    staff = client.__class__()
    staff.force_login(admin)
    body = staff.get("/backoffice/sales/order/").content.decode()
    assert f">{paid.pk}<" in body
    ticket = paid.lines.first()
    body = staff.get(f"/backoffice/sales/order/{paid.pk}/change/").content.decode()
    assert ticket.barcode in body and "Anna Shapira" in body
    assert staff.get(f"/backoffice/sales/order/{paid.pk}/delete/").status_code == 403
