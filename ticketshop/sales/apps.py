from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "ticketshop.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self):
        from ticketshop.sales.tasks import ensure_schedules

        post_migrate.connect(ensure_schedules, sender=self)
