"""The organisation, its sales channels and points of sales with their characteristics (F5, L6)."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ticketshop.multilingual import LANGUAGES, expand_language, normalise_language

code_validator = RegexValidator(
    r"^[A-Z0-9_]+$", _("Use capital letters, digits and underscores only.")
)


class Organisation(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    currency = models.CharField(
        _("currency"), max_length=3, default="EUR", help_text=_("ISO 4217 code, e.g. EUR.")
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Paris")

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class SalesChannel(models.Model):
    class Kind(models.TextChoices):
        INTERNET = "INTERNET", _("Internet")
        BOX_OFFICE = "BOX_OFFICE", _("Box office")
        RESELLER = "RESELLER", _("Reseller")

    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="channels")
    code = models.CharField(_("code"), max_length=20, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.INTERNET)

    class Meta:
        verbose_name = _("sales channel")
        verbose_name_plural = _("sales channels")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="channel_code_unique")
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"


def yes_no(label, default=False, help_text=""):
    return models.BooleanField(label, default=default, help_text=help_text)


class PointOfSales(models.Model):
    """A point of sales and its "Characteristics" tab (seed 000's screenshot)."""

    channel = models.ForeignKey(SalesChannel, models.CASCADE, related_name="points_of_sales")
    code = models.CharField(_("code"), max_length=20, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    default_language = models.CharField(
        _("default language"), max_length=2, choices=[(c, c) for c in LANGUAGES], default="en"
    )

    # Point of sales > Ticketshop
    cas_web_uri = models.URLField(_("Cas web uri"), blank=True)
    product_detail_url = models.CharField(
        _("Product detail URL"),
        max_length=500,
        blank=True,
        help_text=_("Default link back to the website; {LANGUAGE} becomes the visitor's language."),
    )
    cancellation_insurance = models.CharField(
        _("Cancellation insurance"), max_length=200, blank=True
    )
    google_analytics_tracking_id = models.CharField(
        _("Google Analytics Tracking ID"), max_length=50, blank=True
    )
    google_domain_name = models.CharField(_("Google Domain Name"), max_length=200, blank=True)
    google_tag_manager_container_id = models.CharField(
        _("Google Tag Manager Container ID"), max_length=50, blank=True
    )
    do_not_allow_waiting_list = yes_no(_("Do not allow waiting list"))
    show_member_audience_subcategories = yes_no(
        _("Show member audience subcategories to the general public"), default=True
    )
    handle_structure_relays = yes_no(_("Handle structure relays"))
    authorise_reselling_subscription_tickets = yes_no(
        _("Authorise reselling tickets from a subscription")
    )
    affiliate_sale = yes_no(_("Affiliate sale"), help_text=_("With the partner's look and feel."))
    highlight_season = yes_no(
        _("Highlight the season of the products on sale"),
        help_text=_("Shows the season's name on the shop's pages and the website's event cards."),
    )
    # Ticket holder / distribution (F5)
    modify_ticket_holder = yes_no(_("Modify ticket holder for ticket"))
    allow_purchase_for_friends_family = yes_no(_("Allow purchase on behalf of my friends/family"))
    linked_contacts_must_consent = yes_no(
        _("Linked contacts must consent"),
        help_text=_(
            "An existing contact added by a visitor gets an email to accept; until then the link "
            "is pending: not usable for booking, email hidden."
        ),
    )
    # Pre-sales (reservations / requests / quotes)
    allow_online_reservations = yes_no(_("Allow online reservations"))
    allow_payment_or_cancellation_of_pending_files = yes_no(
        _("Allow payment or cancellation of pending files")
    )
    allow_online_quotes = yes_no(_("Allow online quotes"))
    display_dashboard_of_pending_actions = yes_no(_("Display dashboard of pending actions"))
    allow_ticket_resale = yes_no(_("Allow visitors to resell their tickets"))

    # Availability (C3): orange once the remaining share of seats is at or below this ratio.
    alert_ratio = models.DecimalField(
        _("alert ratio"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.100"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("Share of remaining seats (0 to 1) below which availability shows orange."),
    )
    show_remaining_count = yes_no(_("Show the number of remaining seats"), default=True)
    cart_expiry_minutes = models.PositiveIntegerField(_("cart expiry (minutes)"), default=20)

    # External URLs (L6)
    website_home_url = models.CharField(_("website home URL"), max_length=500, blank=True)
    terms_of_sale_url = models.CharField(_("terms of sale URL"), max_length=500, blank=True)
    security_privacy_url = models.CharField(
        _("security and privacy URL"), max_length=500, blank=True
    )
    help_url = models.CharField(_("help URL"), max_length=500, blank=True)
    contact_url = models.CharField(_("contact us URL"), max_length=500, blank=True)
    allowed_return_hosts = models.TextField(
        _("allowed return hosts"),
        blank=True,
        help_text=_("Hosts (one per line) the shop may send visitors back to after a visit."),
    )
    # Part of the setup the web APIs date (getLastSetupUpdate): a client that copies the point of
    # sales' configuration (getPOSConfig) knows from it that something changed.
    updated_at = models.DateTimeField(_("updated"), auto_now=True, null=True)

    class Meta:
        verbose_name = _("point of sales")
        verbose_name_plural = _("points of sales")

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def organisation(self):
        return self.channel.organisation

    def external_url(self, field_name, language=None):
        """An external URL of this point of sales with {LANGUAGE} replaced (L6)."""
        return expand_language(getattr(self, field_name), language or self.default_language)

    def language_or_default(self, language):
        return normalise_language(language, default=self.default_language)
