"""B1/B3 money defects, through HTTP: a cart frozen while paid, the back office's cancellation
and refund (whole order and per ticket), the limits against hoarding."""

from decimal import Decimal

from django.core import mail
from django.test import Client

from tests.fixtures.booking import SUCCESS, card_page, hold, sign_in
from ticketshop.payments.models import CreditAccount, GiftVoucher, Payment, TestCardOperation
from ticketshop.sales.models import Order, OrderLine, SeatReservation


def test_a_hold_from_a_second_tab_while_paying_abandons_the_old_payment(
    client, shop, notifications, django_capture_on_commit_callbacks
):
    """Defect: a pending card payment of 45.50 paid for the seats added later (6 for 273.00)."""
    sign_in(client)
    hold(client, shop, {shop.full: 1}, shop.cat1)
    location, page = card_page(
        client, client.post("/shop/en/cart/checkout/", {"accept_terms": "1"})
    )
    assert "45.50 EUR" in page
    old = Payment.objects.get()
    # the second tab adds seats to the cart being paid
    assert hold(client, shop, {shop.full: 5}, shop.cat1).status_code == 302
    old.refresh_from_db()
    order = Order.objects.get()
    assert old.status == "ABANDONED" and order.status == "CART" and order.lines.count() == 6
    # the first tab's card page still pays the old amount: captured, refused, refunded
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(location, {"card_number": SUCCESS})
    back = client.get(answer["Location"].replace("http://testserver", ""))
    assert "Your payment was refunded" in back.content.decode()
    old.refresh_from_db()
    assert (old.status, old.refunded_amount) == ("REFUNDED", Decimal("45.50"))
    order.refresh_from_db()
    assert order.status == "CART" and order.paid_at is None
    assert not SeatReservation.objects.filter(status="SOLD").exists()
    assert [o.kind for o in TestCardOperation.objects.all()] == ["CAPTURE", "REFUND"]
    # the cart can be paid for its real total
    location, page = card_page(
        client, client.post("/shop/en/cart/checkout/", {"accept_terms": "1"})
    )
    assert "273.00 EUR" in page


def test_a_cart_being_paid_cannot_lose_a_place_without_abandoning_the_payment(
    client, shop, notifications
):
    sign_in(client)
    hold(client, shop, {shop.full: 2}, shop.cat1)
    card_page(client, client.post("/shop/en/cart/checkout/", {"accept_terms": "1"}))
    line = OrderLine.objects.first()
    assert client.post(f"/shop/en/cart/remove/{line.pk}/").status_code == 302
    assert Payment.objects.get().status == "ABANDONED"
    assert Order.objects.get().lines.count() == 1


def _paid_order(client, shop, voucher="10.00"):
    """Michel paid 2 seats (91.00): 10.00 by voucher, 20.00 by credit, 61.00 by card."""
    GiftVoucher.objects.create(organisation=shop.org, code="G10", balance=voucher)
    CreditAccount.objects.create(contact=shop.visitor, balance="20.00")
    sign_in(client)
    hold(client, shop, {shop.full: 2}, shop.cat1)
    response = client.post(
        "/shop/en/cart/checkout/", {"accept_terms": "1", "voucher": "G10", "use_credit": "1"}
    )
    location, _page = card_page(client, response)
    answer = client.post(location, {"card_number": SUCCESS})
    client.get(answer["Location"].replace("http://testserver", ""))
    order = Order.objects.get()
    assert order.status == "PAID"
    return order


def _staff(django_user_model):
    admin = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-Boss-123")
    staff = Client()
    staff.force_login(admin)
    return staff


def test_the_back_office_cancels_and_refunds_a_whole_paid_order(
    client, shop, notifications, django_user_model, django_capture_on_commit_callbacks
):
    order = _paid_order(client, shop)
    staff = _staff(django_user_model)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            "/backoffice/sales/order/",
            {"action": "cancel_and_refund", "_selected_action": [order.pk]},
            follow=True,
        )
    assert "1 order cancelled, 91.00 refunded." in response.content.decode()
    order.refresh_from_db()
    assert order.status == "REFUNDED"
    # seats back on sale, tickets no longer valid
    assert set(SeatReservation.objects.values_list("status", flat=True)) == {"RELEASED"}
    assert OrderLine.objects.filter(cancelled_at__isnull=True).count() == 0
    # the card refunded through the provider (its side shows it), voucher and credit given back
    card = Payment.objects.get(method="CARD")
    assert (card.status, card.refunded_amount) == ("REFUNDED", Decimal("61.00"))
    assert TestCardOperation.objects.filter(kind="REFUND", amount="61.00").exists()
    page = client.get("/payments/testcard/operations/").content.decode()
    assert "REFUND" in page and "61.00 EUR" in page
    assert GiftVoucher.objects.get().balance == Decimal("10.00")
    assert CreditAccount.objects.get().balance == Decimal("20.00")
    # the visitor's account shows it, and an email told them
    assert "Refunded" in client.get("/account/orders/").content.decode()
    detail = client.get(f"/account/orders/{order.pk}/").content.decode()
    assert detail.count("Cancelled and refunded") == 2
    assert client.get("/account/tickets/").content.decode().count('class="ticket"') == 0
    assert len(mail.outbox) == 1 and "91,00 EUR remboursés" in mail.outbox[0].body  # in French
    # a second cancellation is refused and changes nothing
    response = staff.post(
        "/backoffice/sales/order/",
        {"action": "cancel_and_refund", "_selected_action": [order.pk]},
        follow=True,
    )
    assert "Only a paid order can be cancelled" in response.content.decode()
    assert TestCardOperation.objects.filter(kind="REFUND").count() == 1


def test_the_back_office_cancels_one_ticket(client, shop, notifications, django_user_model):
    order = _paid_order(client, shop)
    staff = _staff(django_user_model)
    first, second = order.lines.order_by("pk")
    response = staff.post(
        "/backoffice/sales/orderline/",
        {"action": "cancel_and_refund", "_selected_action": [first.pk]},
        follow=True,
    )
    assert "1 order cancelled, 45.50 refunded." in response.content.decode()
    order.refresh_from_db()
    assert order.status == "PARTLY_REFUNDED"
    assert first.reservation.__class__.objects.get(pk=first.reservation_id).status == "RELEASED"
    assert second.reservation.__class__.objects.get(pk=second.reservation_id).status == "SOLD"
    card = Payment.objects.get(method="CARD")
    assert (card.status, card.refunded_amount) == ("CAPTURED", Decimal("45.50"))  # card first
    tickets = client.get("/account/tickets/").content.decode()
    assert tickets.count('class="ticket"') == 1
    assert client.get(f"/account/tickets/{first.pk}/pdf/").status_code == 404
    # the released seat is on sale again
    other = Client()
    sign_in(other, "eve@example.com")
    assert hold(other, shop, {shop.full: 1}, shop.cat1).status_code == 302


def test_holding_is_limited_per_visitor(client, shop, settings):
    settings.SHOP_MAX_SEATS_HELD = 3
    settings.SHOP_MAX_HOLDS_PER_HOUR = 2
    response = hold(client, shop, {shop.full: 4}, shop.cat1)
    assert response.status_code == 400
    assert "You can hold at most 3 seats at once" in response.content.decode()
    assert Order.objects.count() == 0
    assert hold(client, shop, {shop.full: 1}, shop.cat1).status_code == 302
    assert hold(client, shop, {shop.full: 1}, shop.cat1).status_code == 302
    response = hold(client, shop, {shop.full: 1}, shop.cat1)
    assert response.status_code == 400 and "Too many holds" in response.content.decode()
    # per IP address too: a new session from the same address is refused
    fresh = Client()
    response = hold(fresh, shop, {shop.full: 1}, shop.cat1)
    assert response.status_code == 400 and "Too many holds" in response.content.decode()
    assert SeatReservation.objects.count() == 2


def test_behind_a_proxy_the_forwarded_address_is_counted(client, shop, settings):
    settings.SHOP_MAX_HOLDS_PER_HOUR = 1
    settings.SHOP_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    data = {f"qty_{shop.full.pk}": 1, "category": shop.cat1.pk}
    url = f"/shop/en/performance/{shop.concert_1.pk}/"
    assert client.post(url, data, HTTP_X_FORWARDED_FOR="10.0.0.1").status_code == 302
    other = Client()
    assert other.post(url, data, HTTP_X_FORWARDED_FOR="10.0.0.2").status_code == 302
    third = Client()
    assert third.post(url, data, HTTP_X_FORWARDED_FOR="10.0.0.2").status_code == 400


def test_an_old_attempt_paid_late_leaves_the_newer_attempt_alone(client, shop, notifications):
    GiftVoucher.objects.create(organisation=shop.org, code="G10", balance="10.00")
    sign_in(client)
    hold(client, shop, {shop.full: 1}, shop.cat1)
    first, _page = card_page(client, client.post("/shop/en/cart/checkout/", {"accept_terms": "1"}))
    second, page = card_page(
        client, client.post("/shop/en/cart/checkout/", {"accept_terms": "1", "voucher": "G10"})
    )
    assert "35.50 EUR" in page and GiftVoucher.objects.get().balance == 0
    client.post(first, {"card_number": SUCCESS})  # the abandoned first attempt, paid anyway
    assert Payment.objects.filter(status="REFUNDED", amount="45.50").count() == 1
    assert Order.objects.get().status == "PAYING"  # the second attempt is still in progress
    assert GiftVoucher.objects.get().balance == 0
    client.post(second, {"card_number": SUCCESS})
    assert Order.objects.get().status == "PAID"
    assert sorted(Payment.objects.values_list("method", "status")) == [
        ("CARD", "CAPTURED"),
        ("CARD", "REFUNDED"),
        ("VOUCHER", "CAPTURED"),
    ]
