from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "ticketshop.api"
    label = "ticketshop_api"
    verbose_name = _("Web APIs")
