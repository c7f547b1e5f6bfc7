# Over 400 lines: one small model per C1 concept, related by foreign keys; rules live in states.py.
"""The ticketshop's catalogue (C1): seasons, themes, venues and seats, products and prices."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from ticketshop.catalogue.states import State, check_state_change
from ticketshop.multilingual import DescribedInLanguages, NamedInLanguages, expand_language
from ticketshop.organisation.models import Organisation, PointOfSales, code_validator

product_code_validator = RegexValidator(
    r"^[A-Z0-9_]{1,8}$", _("A product code has 1 to 8 capital letters, digits or underscores.")
)


class Season(NamedInLanguages):
    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="seasons")
    code = models.CharField(_("code"), max_length=20, validators=[code_validator])
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))

    class Meta:
        verbose_name = _("season")
        verbose_name_plural = _("seasons")
        ordering = ["start_date"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="season_code_unique"),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="season_dates_in_order"
            ),
        ]


class Theme(NamedInLanguages):
    """An activity/theme, or a sub-theme when it has a parent (the classification)."""

    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="themes")
    code = models.CharField(_("code"), max_length=20, validators=[code_validator])
    parent = models.ForeignKey(
        "self", models.CASCADE, null=True, blank=True, related_name="sub_themes"
    )

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="theme_code_unique")
        ]

    def clean(self):
        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": _("A sub-theme cannot have sub-themes itself.")})


class Venue(NamedInLanguages):
    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="venues")
    code = models.CharField(_("code"), max_length=20, validators=[code_validator])
    address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="venue_code_unique")
        ]


class Hall(NamedInLanguages):
    venue = models.ForeignKey(Venue, models.CASCADE, related_name="halls")
    code = models.CharField(_("code"), max_length=20, validators=[code_validator])

    class Meta:
        verbose_name = _("hall")
        verbose_name_plural = _("halls")
        constraints = [models.UniqueConstraint(fields=["venue", "code"], name="hall_code_unique")]


class Zone(NamedInLanguages):
    hall = models.ForeignKey(Hall, models.CASCADE, related_name="zones")
    code = models.CharField(_("code"), max_length=20, validators=[code_validator])

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        constraints = [models.UniqueConstraint(fields=["hall", "code"], name="zone_code_unique")]


class Block(NamedInLanguages):
    zone = models.ForeignKey(Zone, models.CASCADE, related_name="blocks")
    code = models.CharField(_("code"), max_length=20, validators=[code_validator])

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        constraints = [models.UniqueConstraint(fields=["zone", "code"], name="block_code_unique")]


class Seat(models.Model):
    """A physical seat; its category depends on the logical configuration (SeatAssignment)."""

    block = models.ForeignKey(Block, models.CASCADE, related_name="seats")
    row = models.CharField(_("row"), max_length=10)
    number = models.PositiveIntegerField(_("number"))

    class Meta:
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        ordering = ["block", "row", "number"]
        constraints = [
            models.UniqueConstraint(fields=["block", "row", "number"], name="seat_unique")
        ]

    def __str__(self):
        return f"{self.block.code} {self.row}-{self.number}"


class LogicalConfiguration(NamedInLanguages):
    """One way of using a hall: which seats are sold, in which seat category."""

    hall = models.ForeignKey(Hall, models.CASCADE, related_name="configurations")
    code = models.CharField(_("code"), max_length=20, validators=[code_validator])

    class Meta:
        verbose_name = _("logical configuration")
        verbose_name_plural = _("logical configurations")
        constraints = [
            models.UniqueConstraint(fields=["hall", "code"], name="configuration_code_unique")
        ]


class SeatCategory(NamedInLanguages):
    configuration = models.ForeignKey(
        LogicalConfiguration, models.CASCADE, related_name="seat_categories"
    )
    code = models.CharField(_("code"), max_length=20, validators=[code_validator])
    rank = models.PositiveSmallIntegerField(_("rank"), default=1, help_text=_("1 is the best."))

    class Meta:
        verbose_name = _("seat category")
        verbose_name_plural = _("seat categories")
        ordering = ["configuration", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["configuration", "code"], name="seat_category_code_unique"
            )
        ]


class SeatAssignment(models.Model):
    configuration = models.ForeignKey(
        LogicalConfiguration, models.CASCADE, related_name="assignments"
    )
    seat = models.ForeignKey(Seat, models.CASCADE, related_name="assignments")
    category = models.ForeignKey(SeatCategory, models.CASCADE, related_name="assignments")

    class Meta:
        verbose_name = _("seat in a configuration")
        verbose_name_plural = _("seats in configurations")
        constraints = [
            models.UniqueConstraint(fields=["configuration", "seat"], name="seat_assigned_once")
        ]

    def clean(self):
        if self.category_id and self.category.configuration_id != self.configuration_id:
            raise ValidationError(
                {"category": _("The seat category belongs to another configuration.")}
            )
        if self.seat_id and self.seat.block.zone.hall_id != self.configuration.hall_id:
            raise ValidationError({"seat": _("The seat is in another hall.")})


class Family(models.TextChoices):
    EVENT = "EVENT", _("Event")
    COMPETITION = "COMPETITION", _("Competition")
    VISIT_PASS_INDIVIDUAL = "VISIT_PASS_INDIVIDUAL", _("Visit pass (individual)")
    VISIT_PASS_GROUP = "VISIT_PASS_GROUP", _("Visit pass (group)")
    UNDATED_PASS = "UNDATED_PASS", _("Undated pass")
    SUBSCRIPTION = "SUBSCRIPTION", _("Subscription")
    PACKAGE = "PACKAGE", _("Package")


DATED_FAMILIES = {
    Family.EVENT,
    Family.COMPETITION,
    Family.VISIT_PASS_INDIVIDUAL,
    Family.VISIT_PASS_GROUP,
}


class AudienceCategory(NamedInLanguages):
    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="audiences")
    code = models.CharField(_("code"), max_length=20, validators=[code_validator])

    class Meta:
        verbose_name = _("audience category")
        verbose_name_plural = _("audience categories")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="audience_code_unique")
        ]


class AudienceSubcategory(NamedInLanguages):
    category = models.ForeignKey(AudienceCategory, models.CASCADE, related_name="subcategories")
    code = models.CharField(_("code"), max_length=20, validators=[code_validator])
    members_only = models.BooleanField(_("members only"), default=False)

    class Meta:
        verbose_name = _("audience subcategory")
        verbose_name_plural = _("audience subcategories")
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="audience_sub_code_unique")
        ]


class Tariff(NamedInLanguages):
    """A tariff (full, reduced, member…) sold to one audience subcategory."""

    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="tariffs")
    code = models.CharField(_("code"), max_length=20, validators=[code_validator])
    audience_subcategory = models.ForeignKey(
        AudienceSubcategory, models.PROTECT, related_name="tariffs"
    )

    class Meta:
        verbose_name = _("tariff")
        verbose_name_plural = _("tariffs")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="tariff_code_unique")
        ]


class PriceGrid(NamedInLanguages):
    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="price_grids")
    code = models.CharField(_("code"), max_length=20, validators=[code_validator])

    class Meta:
        verbose_name = _("price grid")
        verbose_name_plural = _("price grids")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="price_grid_code_unique")
        ]


class Price(models.Model):
    """A price in a grid, per seat category (none for unseated products) and tariff."""

    grid = models.ForeignKey(PriceGrid, models.CASCADE, related_name="prices")
    seat_category = models.ForeignKey(
        SeatCategory, models.CASCADE, null=True, blank=True, related_name="prices"
    )
    tariff = models.ForeignKey(Tariff, models.CASCADE, related_name="prices")
    amount = models.DecimalField(
        _("amount"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        constraints = [
            models.UniqueConstraint(
                fields=["grid", "seat_category", "tariff"],
                condition=Q(seat_category__isnull=False),
                name="price_unique_per_category",
            ),
            models.UniqueConstraint(
                fields=["grid", "tariff"],
                condition=Q(seat_category__isnull=True),
                name="price_unique_unseated",
            ),
        ]

    def __str__(self):
        return f"{self.grid.code} {self.tariff.code}: {self.amount}"


class Product(NamedInLanguages, DescribedInLanguages):
    """A product of any family; its code is 1–8 characters and unique within its season."""

    season = models.ForeignKey(Season, models.PROTECT, related_name="products")
    code = models.CharField(_("code"), max_length=8, validators=[product_code_validator])
    family = models.CharField(_("family"), max_length=30, choices=Family)
    state = models.CharField(_("state"), max_length=20, choices=State, default=State.PREPARING)
    themes = models.ManyToManyField(Theme, blank=True, related_name="products")
    product_detail_url = models.CharField(
        _("product detail URL"),
        max_length=500,
        blank=True,
        help_text=_(
            "The product's page on the website; {LANGUAGE} becomes the visitor's language."
        ),
    )
    price_grid = models.ForeignKey(
        PriceGrid, models.PROTECT, null=True, blank=True, related_name="products"
    )
    quota = models.PositiveIntegerField(
        _("quota"), null=True, blank=True, help_text=_("Places on sale for products without seats.")
    )
    components = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="packages",
        help_text=_("The products a package or subscription is made of."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["season", "code"]
        constraints = [
            models.UniqueConstraint(fields=["season", "code"], name="product_code_unique_in_season")
        ]

    def __str__(self):
        return f"{self.code} {self.name_en}"

    def save(self, *args, **kwargs):
        self.code = (self.code or "").strip().upper()
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        self.code = (self.code or "").strip().upper()
        super().clean_fields(exclude)

    def clean(self):
        if self.pk:
            old_state = Product.objects.filter(pk=self.pk).values_list("state", flat=True).first()
            if old_state:
                check_state_change(old_state, self.state)
        elif self.state != State.PREPARING:
            raise ValidationError({"state": _("A new product starts in the Preparing state.")})

    def detail_url(self, language):
        return expand_language(self.product_detail_url, language)


class Performance(models.Model):
    """A dated occurrence of a product, in one logical configuration of a hall."""

    product = models.ForeignKey(Product, models.CASCADE, related_name="performances")
    start = models.DateTimeField(_("start"))
    duration = models.DurationField(_("duration"))
    state = models.CharField(_("state"), max_length=20, choices=State, default=State.PREPARING)
    configuration = models.ForeignKey(
        LogicalConfiguration, models.PROTECT, related_name="performances"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("performance")
        verbose_name_plural = _("performances")
        ordering = ["start"]

    def __str__(self):
        return f"{self.product.code} {self.start:%Y-%m-%d %H:%M}"

    def clean(self):
        if self.duration is not None and self.duration.total_seconds() <= 0:
            raise ValidationError({"duration": _("A performance lasts more than zero minutes.")})
        if self.pk:
            old_state = (
                Performance.objects.filter(pk=self.pk).values_list("state", flat=True).first()
            )
            if old_state:
                check_state_change(old_state, self.state)


class SalesPeriod(models.Model):
    """When a point of sales sells a product (the sales calendar per channel)."""

    product = models.ForeignKey(Product, models.CASCADE, related_name="sales_periods")
    point_of_sales = models.ForeignKey(PointOfSales, models.CASCADE, related_name="sales_periods")
    start = models.DateTimeField(_("sales open"))
    end = models.DateTimeField(_("sales close"))

    class Meta:
        verbose_name = _("sales period")
        verbose_name_plural = _("sales periods")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="sales_period_order"
            )
        ]

    def clean(self):
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("Sales must close after they open.")})


class CrossSelling(models.Model):
    product = models.ForeignKey(Product, models.CASCADE, related_name="cross_sellings")
    suggested = models.ForeignKey(Product, models.CASCADE, related_name="suggested_by")
    rank = models.PositiveSmallIntegerField(_("rank"), default=1)

    class Meta:
        verbose_name = _("cross-selling")
        verbose_name_plural = _("cross-selling")
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["product", "suggested"], name="cross_selling_unique"),
            models.CheckConstraint(
                condition=~Q(product=models.F("suggested")), name="cross_selling_not_self"
            ),
        ]


class ShowcaseItem(models.Model):
    """The showcase ("vitrine") of a point of sales: products put forward, in order."""

    point_of_sales = models.ForeignKey(PointOfSales, models.CASCADE, related_name="showcase")
    product = models.ForeignKey(Product, models.CASCADE, related_name="showcase_items")
    rank = models.PositiveSmallIntegerField(_("rank"), default=1)

    class Meta:
        verbose_name = _("showcase item")
        verbose_name_plural = _("showcase")
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["point_of_sales", "product"], name="showcase_unique")
        ]


# --- VAT codes (setupService.listVatCodes, a product's vatCodeId) -------------------------------


class VatCode(models.Model):
    """A VAT rate of an organisation. `families` lists the product families it applies to
    (codes separated by commas); the code with none applies to every other family."""

    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="vat_codes")
    code = models.CharField(_("code"), max_length=20, validators=[code_validator])
    rate = models.DecimalField(_("rate (%)"), max_digits=5, decimal_places=2)
    country = models.CharField(_("country"), max_length=2, default="FR")
    families = models.CharField(_("product families"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("VAT code")
        verbose_name_plural = _("VAT codes")
        ordering = ["organisation", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="vat_code_unique")
        ]

    def __str__(self):
        return f"{self.code} {self.rate} %"

    def family_codes(self):
        return {f.strip() for f in self.families.split(",") if f.strip()}


# France: live performances 5.5 %, the rest (visits, subscriptions, packages) 20 %.
DEFAULT_VAT_CODES = (
    ("FR_CULTURE", "5.50", "EVENT,COMPETITION"),
    ("FR_STANDARD", "20.00", ""),
)


def ensure_default_vat_codes(organisation):
    for code, rate, families in DEFAULT_VAT_CODES:
        VatCode.objects.get_or_create(
            organisation=organisation, code=code, defaults={"rate": rate, "families": families}
        )


@receiver(post_save, sender=Organisation)
def _new_organisation_vat_codes(sender, instance, created, raw=False, **kwargs):
    """Every new organisation starts with its country's VAT codes."""
    if created and not raw:
        ensure_default_vat_codes(instance)
