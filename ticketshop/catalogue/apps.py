from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "ticketshop.catalogue"
    label = "catalogue"
    verbose_name = _("Catalogue")
    demo_loader = "ticketshop.catalogue.demo.load"  # its part of `load_demo_venue`
