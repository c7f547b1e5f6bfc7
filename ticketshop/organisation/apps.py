from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "ticketshop.organisation"
    label = "organisation"
    verbose_name = _("Organisation and points of sales")

    def ready(self):
        from ticketshop.organisation.points_of_sale import connect_signals

        connect_signals()
