from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountConfig(AppConfig):
    name = "ticketshop.account"
    label = "ticketshop_account"
    verbose_name = _("Account area")
