from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecutixIntegrationConfig(AppConfig):
    name = "secutix_integration"
    verbose_name = _("Ticketshop integration")
