"""The service providers the IdP signs visitors into (S1, S2): websites, apps, partners."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ticketshop.idp import attributes
from ticketshop.idp.metadata import parse_sp_metadata


def _all_attributes():
    return list(attributes.NAMES)


class ServiceProvider(models.Model):
    name = models.CharField(_("name"), max_length=200)
    entity_id = models.CharField(_("entity id"), max_length=1024, unique=True, editable=False)
    metadata_url = models.URLField(
        _("metadata URL"),
        max_length=1024,
        blank=True,
        help_text=_("Where its metadata is read from (again at each save when no file is given)."),
    )
    metadata_xml = models.TextField(_("metadata"), editable=False)
    released_attributes = models.JSONField(
        _("released attributes"), default=_all_attributes, blank=True
    )
    sign_response = models.BooleanField(
        _("sign the whole response"),
        default=False,
        help_text=_(
            "The assertion is always signed; some service providers also want the response "
            "signed (one more signature each way)."
        ),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    bundled = models.BooleanField(
        _("bundled website"),
        default=False,
        editable=False,
        help_text=_("Registered by the set-up from the keys directory."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def parsed(self):
        return parse_sp_metadata(self.metadata_xml)
