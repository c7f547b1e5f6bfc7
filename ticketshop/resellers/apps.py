from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ResellersConfig(AppConfig):
    name = "ticketshop.resellers"
    label = "resellers"
    verbose_name = _("Reseller interfaces")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ticketshop.resellers import (
            realtime_sales,
            signals,  # noqa: F401 — connects the receivers
        )
        from ticketshop.resellers.schedules import ensure_realtime_schedule

        post_migrate.connect(ensure_realtime_schedule, sender=self)
        realtime_sales.register()  # Digitick, ClassicTic: their own records (R11)
