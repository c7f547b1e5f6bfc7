"""B2 (issue 9): the confirmation email is neither rendered nor sent inside the buyer's checkout
request. It is in the outbox (same transaction as the sale: never lost) and a django-q2 task is
queued on commit; a worker sends it once. If the queue cannot be reached, the minute task sends
it."""

from django.utils.module_loading import import_string
from django_q.conf import Conf
from django_q.models import OrmQ

from tests.ticketshop.payments.test_checkout import signed_in_cart  # noqa: F401 — a fixture
from ticketshop.payments.models import GiftVoucher
from ticketshop.sales.models import Order, OrderMessage
from ticketshop.sales.tasks import release_expired_holds


def _pay_by_voucher(client, shop, capture):
    GiftVoucher.objects.create(organisation=shop.org, code="GIFT100", balance="100.00")
    with capture(execute=True):
        response = client.post(
            "/shop/en/cart/checkout/", {"accept_terms": "1", "voucher": "GIFT100"}
        )
    assert response.status_code == 302 and "/shop/en/order/" in response["Location"]
    assert Order.objects.get().status == "PAID"


def test_the_confirmation_is_queued_by_the_checkout_and_sent_once_by_a_worker(
    client,
    shop,
    signed_in_cart,  # noqa: F811
    monkeypatch,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    monkeypatch.setattr(Conf, "SYNC", False)  # queued, as in production (the tests run sync)
    _pay_by_voucher(client, shop, django_capture_on_commit_callbacks)
    assert mailoutbox == []  # nothing rendered or sent in the request
    message = OrderMessage.objects.get(kind="CONFIRMATION")
    assert message.sent_at is None
    task = OrmQ.objects.get().task  # the ORM broker's queue (Redis in production)
    assert task["func"] == "ticketshop.sales.tickets.send_message"
    assert task["args"] == (message.pk,)
    assert import_string(task["func"])(*task["args"]) is True  # the worker's run
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["michel@example.com"]
    release_expired_holds()  # the minute task finds nothing left to send
    assert import_string(task["func"])(*task["args"]) is False  # a retried task: still once
    assert len(mailoutbox) == 1
    message.refresh_from_db()
    assert message.sent_at is not None


def test_a_queue_that_cannot_be_reached_loses_no_confirmation(
    client,
    shop,
    signed_in_cart,  # noqa: F811
    monkeypatch,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    def broker_down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr("django_q.tasks.async_task", broker_down)
    _pay_by_voucher(client, shop, django_capture_on_commit_callbacks)  # still a paid order page
    assert mailoutbox == []
    assert OrderMessage.objects.filter(sent_at__isnull=True).count() == 1  # kept
    release_expired_holds()
    assert len(mailoutbox) == 1
    assert OrderMessage.objects.filter(sent_at__isnull=True).count() == 0
