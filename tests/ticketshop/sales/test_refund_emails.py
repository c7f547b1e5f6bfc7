"""The refund email in the buyer's language (B3, X1; issue 9): the back office cancels a paid
order through HTTP and the buyer reads the whole paragraph in French, German or Spanish."""

import pytest
from django.core import mail
from django.test import Client

from tests.fixtures.booking import hold, sign_in
from ticketshop.contacts.models import Contact
from ticketshop.payments.models import GiftVoucher
from ticketshop.sales.models import Order

EXPECTED = {
    "fr": (
        "Des billets de votre commande n° {n} ont été annulés et 91,00 EUR remboursés",
        "Votre remboursement",
    ),
    "de": ("Tickets Ihrer Bestellung Nr. {n} wurden storniert und 91,00 EUR", "Ihre Erstattung"),
    "es": (
        "Se han cancelado entradas de su pedido n.º {n} y se han reembolsado 91,00 EUR",
        "Su reembolso",
    ),
}


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_the_refund_email_is_in_the_buyers_language(
    client,
    shop,  # noqa: F811
    django_user_model,
    django_capture_on_commit_callbacks,
    language,
):
    Contact.objects.filter(pk=shop.visitor.pk).update(language=language)
    GiftVoucher.objects.create(organisation=shop.org, code="ALL", balance="1000.00")
    sign_in(client)
    hold(client, shop, {shop.full: 2}, shop.cat1)
    client.post("/shop/en/cart/checkout/", {"accept_terms": "1", "voucher": "ALL"})
    order = Order.objects.get()
    assert order.status == "PAID"
    staff = Client()
    staff.force_login(
        django_user_model.objects.create_superuser("boss", "b@example.com", "pw-Boss-1")
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(
            "/backoffice/sales/order/",
            {"action": "cancel_and_refund", "_selected_action": [order.pk]},
        )
    assert Order.objects.get().status == "REFUNDED"
    (message,) = mail.outbox
    paragraph, subject = EXPECTED[language]
    assert paragraph.format(n=order.pk) in message.body, message.body
    assert subject in message.subject
    assert "have been cancelled" not in message.body and "refunded to" not in message.body
