from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "ticketshop.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self):
        from ticketshop.payments import checks  # noqa: F401 — registers the production check
        from ticketshop.payments.refunds import on_order_refunded, on_orders_ended
        from ticketshop.sales.signals import order_refunded, orders_ended

        orders_ended.connect(on_orders_ended, dispatch_uid="payments-orders-ended")
        order_refunded.connect(on_order_refunded, dispatch_uid="payments-order-refunded")
