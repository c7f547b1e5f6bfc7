"""The account's tickets table (F6, issue 12): each holder named once, and "Modify ticket
holder" never reassigning a friend's ticket by itself when purchase for friends is off."""

import re

import pytest

from tests.fixtures.booking import hold, sign_in
from ticketshop.payments.models import GiftVoucher
from ticketshop.sales.models import Order


@pytest.fixture
def paid(client, shop):  # noqa: F811
    """Michel paid 2 seats, the first one for his friend Anna."""
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
    return order


def rows(client):
    body = client.get("/account/tickets/").content.decode()
    return re.findall(r'<tr class="ticket">(.*?)</tr>', body, re.S)


def holder_cell(row):
    return re.search(r'<td class="holder">(.*?)</td>', row, re.S).group(1)


def selected(row):
    match = re.search(r"<option[^>]*selected[^>]*>([^<]*)</option>", row)
    return match and match.group(1)


def test_each_ticket_names_its_holder_once(client, shop, paid):  # noqa: F811
    anna, michel = rows(client)
    assert holder_cell(anna).count("Anna Shapira") == 1
    assert holder_cell(michel).count("Michel Shapira") == 1
    assert selected(anna) == "Anna Shapira" and selected(michel) == "Michel Shapira"


def test_with_friends_off_a_friends_ticket_keeps_its_holder(client, shop, paid):  # noqa: F811
    shop.pos.allow_purchase_for_friends_family = False
    shop.pos.save()
    anna_ticket, michel_ticket = paid.lines.order_by("pk")
    anna, michel = rows(client)
    # Anna's ticket: Anna preselected (not the buyer), the buyer offered to take it back
    assert selected(anna) == "Anna Shapira"
    assert re.findall(r"<option[^>]*>([^<]*)</option>", anna) == ["Anna Shapira", "Michel Shapira"]
    # Michel's own ticket: nobody else to give it to, so no form, his name once
    assert "<form" not in michel and holder_cell(michel).strip() == "Michel Shapira"
    # "Modify ticket holder" as the form is sent: nothing changes, and the visitor is told
    response = client.post(
        f"/account/tickets/{anna_ticket.pk}/holder/", {"holder": shop.friend.pk}, follow=True
    )
    assert "The ticket holder is unchanged." in response.content.decode()
    anna_ticket.refresh_from_db()
    assert (anna_ticket.holder, anna_ticket.holder_name) == (shop.friend, "Anna Shapira")
    # giving Michel's ticket to Anna is refused while friends are off
    client.post(f"/account/tickets/{michel_ticket.pk}/holder/", {"holder": shop.friend.pk})
    michel_ticket.refresh_from_db()
    assert michel_ticket.holder == shop.visitor
    # taking Anna's ticket back is a choice the buyer can make
    client.post(f"/account/tickets/{anna_ticket.pk}/holder/", {"holder": shop.visitor.pk})
    anna_ticket.refresh_from_db()
    assert (anna_ticket.holder, anna_ticket.holder_name) == (shop.visitor, "Michel Shapira")


@pytest.fixture(autouse=True)
def _identity_settings(booking_settings):
    """Instead of the folder's IdP URLconf: the booking tests' settings (tests/fixtures/booking.py,
    the project's URLs, the IdP's keys for the sign-in)."""


@pytest.fixture
def shop(booking_shop):
    """The booking tests' shop: performances in the future, a visitor with a friend, a stranger."""
    return booking_shop


def test_a_holder_that_is_not_a_contact_number_is_refused_clearly(client, shop):  # noqa: F811
    """At checkout and in "Modify ticket holder": a clear refusal, nothing paid or changed."""
    sign_in(client)
    hold(client, shop, {shop.full: 1}, shop.cat1)
    order = Order.objects.get()
    line = order.lines.get()
    GiftVoucher.objects.create(organisation=shop.org, code="ALL", balance="1000.00")
    response = client.post(
        "/shop/en/cart/checkout/",
        {"accept_terms": "1", "voucher": "ALL", f"holder_{line.pk}": "Anna"},
    )
    assert response.status_code == 400
    assert "Choose the ticket holder among you and your friends." in response.content.decode()
    order.refresh_from_db()
    assert order.status == "CART" and GiftVoucher.objects.get().balance == 1000
    response = client.post("/shop/en/cart/checkout/", {"accept_terms": "1", "voucher": "ALL"})
    assert response.status_code == 302
    response = client.post(f"/account/tickets/{line.pk}/holder/", {"holder": "Anna"}, follow=True)
    assert "Choose the ticket holder among you and your friends." in response.content.decode()
    line.refresh_from_db()
    assert (line.holder, line.holder_name) == (shop.visitor, "Michel Shapira")


def test_a_ticket_given_to_a_friend_can_be_taken_back_before_paying(client, shop):  # noqa: F811
    """The visitor chose Anna, went to the card page, came back and chose themselves: the ticket
    is theirs."""
    sign_in(client)
    hold(client, shop, {shop.full: 1}, shop.cat1)
    line = Order.objects.get().lines.get()
    response = client.post(
        "/shop/en/cart/checkout/", {"accept_terms": "1", f"holder_{line.pk}": shop.friend.pk}
    )
    assert response.status_code == 302 and "/payments/testcard/pay/" in response["Location"]
    line.refresh_from_db()
    assert line.holder == shop.friend
    GiftVoucher.objects.create(organisation=shop.org, code="ALL", balance="1000.00")
    response = client.post(
        "/shop/en/cart/checkout/",
        {"accept_terms": "1", "voucher": "ALL", f"holder_{line.pk}": shop.visitor.pk},
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.holder, line.holder_name) == (shop.visitor, "Michel Shapira")
    assert line.order.status == "PAID"
