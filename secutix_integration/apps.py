from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SecutixIntegrationConfig(AppConfig):
    name = "secutix_integration"
    verbose_name = _("Ticketshop integration")

    def ready(self):
        from secutix_integration.schedules import ensure_schedules

        post_migrate.connect(ensure_schedules, sender=self)
