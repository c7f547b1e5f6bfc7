from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdpConfig(AppConfig):
    name = "ticketshop.idp"
    label = "ticketshop_idp"
    verbose_name = _("Identity provider")
