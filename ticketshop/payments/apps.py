from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "ticketshop.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self):
        from ticketshop.payments.services import on_orders_ended
        from ticketshop.sales.services import orders_ended

        orders_ended.connect(on_orders_ended, dispatch_uid="payments-orders-ended")
