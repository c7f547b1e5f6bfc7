"""X5 (seen under load in grown-up mode): a mail server that refuses connections must not turn
a committed sale into a 500 page; the confirmation stays in the outbox and the minute task
sends it once the server is back."""

from tests.ticketshop.payments.test_checkout import (  # noqa: F401 — signed_in_cart: a fixture
    SUCCESS,
    pay_by_card,
    signed_in_cart,
)
from ticketshop.sales.models import Order, OrderMessage
from ticketshop.sales.tasks import release_expired_holds


def test_a_paid_order_answers_well_while_the_mail_server_is_down(
    client,
    shop,  # noqa: F811
    signed_in_cart,  # noqa: F811
    settings,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    with django_capture_on_commit_callbacks(execute=True):
        back = pay_by_card(
            client, client.post("/shop/en/cart/checkout/", {"accept_terms": "on"}), SUCCESS
        )
    assert back.status_code == 302 and "/shop/en/order/" in back["Location"]
    assert Order.objects.get().status == "PAID"
    assert OrderMessage.objects.filter(sent_at__isnull=True).count() == 1  # kept, not lost
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    release_expired_holds()  # the minute task sends what the outbox still owes
    assert OrderMessage.objects.filter(sent_at__isnull=True).count() == 0
    assert len(mailoutbox) == 1
