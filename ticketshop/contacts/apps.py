from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "ticketshop.contacts"
    label = "contacts"
    verbose_name = _("Contacts")
    demo_loader = "ticketshop.contacts.demo.load"  # its part of `load_demo_venue`
