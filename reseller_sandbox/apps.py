from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResellerSandboxConfig(AppConfig):
    """The bundled reseller sandbox (R8): plays FNAC's role with FNAC's four SOAP services. It
    has its own tables and never imports the ticketshop (nor the ticketshop it)."""

    name = "reseller_sandbox"
    label = "reseller_sandbox"
    verbose_name = _("Reseller sandbox")
    default_auto_field = "django.db.models.BigAutoField"
