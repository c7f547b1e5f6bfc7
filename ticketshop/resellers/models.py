# Over 400 lines: the app's models in one module (Django's convention), batch and real-time (baskets) side by side.
"""Reseller interfaces (R1–R7, R10): the interface settings of seed 004's screen, contingents of
seats allotted to a reseller per performance, mappings between our vocabulary and the
reseller's, runs and their errors, and the reseller sales integrated as orders.

A contingent seat is a SeatReservation of the booking core, HELD without expiry and without an
order line: the availability rule and the shop count it as taken, and the core's constraint
(a seat is HELD or SOLD once per performance) keeps it out of every web order."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ticketshop.catalogue.models import Family, Performance, Seat, SeatCategory
from ticketshop.multilingual import NamedInLanguages
from ticketshop.sales.models import Order, OrderLine, SeatReservation

FNAC_FAMILIES = [
    Family.EVENT,
    Family.COMPETITION,
    Family.VISIT_PASS_INDIVIDUAL,
    Family.UNDATED_PASS,
]


def default_families():
    return ",".join(FNAC_FAMILIES)


BATCH_FIELDS = (
    "manager_code",
    "sales_url",
    "allotment_url",
    "prepare_access_url",
    "get_access_url",
    "allotment_user",
    "sales_user",
    "access_user",
)


class ResellerInterface(NamedInLanguages):
    """One reseller interface: seed 004's screen. Asynchronous (batch: FNAC, Ticketnet,
    SecuTix-file) over the reseller's SOAP services, or real-time (R9: Digitick, ClassicTic),
    the reseller calling our JSON API with its own API account."""

    class Kind(models.TextChoices):
        FNAC = "FNAC", "FNAC"
        TICKETNET = "TICKETNET", "Ticketnet / Ticketmaster"
        SECUTIX_FILE = "SECUTIX_FILE", "SecuTix file"
        DIGITICK = "DIGITICK", "Digitick"
        CLASSICTIC = "CLASSICTIC", "ClassicTic"

    REALTIME_KINDS = (Kind.DIGITICK, Kind.CLASSICTIC)

    class PricePolicy(models.TextChoices):
        ERROR = "ERROR", _("Error if the reseller's price differs from ours")
        ACCEPT = "ACCEPT", _("Accept the reseller's price")
        COMMISSION = "COMMISSION", _("Accept the reseller's price, less its commission")

    class Status(models.TextChoices):
        ACTIVE = "ACTIVE", _("Visible (active)")
        INACTIVE = "INACTIVE", _("Inactive")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("reseller"), max_length=20, choices=Kind, default=Kind.FNAC)
    external_channel = models.ForeignKey(
        "organisation.SalesChannel",
        models.PROTECT,
        related_name="reseller_interfaces",
        verbose_name=_("external channel"),
    )
    point_of_sales = models.ForeignKey(
        "organisation.PointOfSales",
        models.PROTECT,
        related_name="reseller_interfaces",
        verbose_name=_("point of sales"),
    )
    waiting_contact = models.ForeignKey(
        "contacts.Contact",
        models.PROTECT,
        related_name="+",
        verbose_name=_("waiting-account contact"),
        help_text=_("The contact who “pays” the reseller's orders on a waiting account."),
    )
    manager_code = models.CharField(_("manager code (allotments)"), max_length=40, blank=True)
    sales_url = models.URLField(
        _("URL EtatVentes"),
        max_length=500,
        blank=True,
        help_text=_(
            "Batch: the reseller's EtatVentes SOAP service. Real-time: its “sales since” JSON "
            "endpoint, read by the reconciliation report with the sales state user (HTTP Basic); "
            "empty: the report reads our own records only."
        ),
    )
    allotment_url = models.URLField(
        _("URL allotments (Contingentement)"), max_length=500, blank=True
    )
    prepare_access_url = models.URLField(_("URL prepareAccessControl"), max_length=500, blank=True)
    get_access_url = models.URLField(_("URL getAccessControl"), max_length=500, blank=True)
    allotment_user = models.CharField(_("allotments user"), max_length=100, blank=True)
    allotment_password = models.CharField(_("allotments password"), max_length=200, blank=True)
    sales_user = models.CharField(_("sales state user"), max_length=100, blank=True)
    sales_password = models.CharField(_("sales state password"), max_length=200, blank=True)
    access_user = models.CharField(_("getAccessControl user"), max_length=100, blank=True)
    access_password = models.CharField(_("getAccessControl password"), max_length=200, blank=True)
    price_policy = models.CharField(
        _("reseller prices"), max_length=12, choices=PricePolicy, default=PricePolicy.ERROR
    )
    commission_percent = models.DecimalField(
        _("commission (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.ACTIVE)
    failure_emails = models.TextField(
        _("recipients of failed runs"),
        blank=True,
        help_text=_("One email address a line: told when a run of this interface fails."),
    )
    allowed_families = models.CharField(
        _("product families it may sell"),
        max_length=300,
        default=default_families,
        help_text=_(
            "Comma-separated product families (FNAC: events, competitions, "
            "individual visit passes, undated passes)."
        ),
    )
    release_deadline_hours = models.PositiveIntegerField(
        _("release deadline (hours)"),
        default=0,
        help_text=_(
            "Unsold contingent seats are taken back this many hours before the show (0: never)."
        ),
    )
    api_account = models.OneToOneField(
        "ticketshop_api.ApiAccount",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="reseller_interface",
        verbose_name=_("API account (real-time)"),
        help_text=_(
            "Real-time resellers only: the API account whose bearer tokens call the "
            "real-time reseller API (/api/1/resellers/) for this interface."
        ),
    )
    # The per-interface run lock (R5): set by a compare-and-set UPDATE, across processes.
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)
    locked_by = models.CharField(max_length=80, blank=True, editable=False)

    class Meta:
        verbose_name = _("reseller interface")
        verbose_name_plural = _("reseller interfaces")
        ordering = ["code"]

    def __str__(self):
        return self.name_fr or self.name_en

    @property
    def is_realtime(self):
        return self.kind in self.REALTIME_KINDS

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.is_realtime:
            if self.api_account_id is None:
                raise ValidationError(
                    {"api_account": _("A real-time reseller needs its API account.")}
                )
            return
        missing = {
            name: _("Required for an asynchronous (batch) reseller.")
            for name in BATCH_FIELDS
            if not getattr(self, name)
        }
        if missing:
            raise ValidationError(missing)

    def families(self):
        return [f.strip() for f in self.allowed_families.split(",") if f.strip()]

    def recipients(self):
        return [e.strip() for e in self.failure_emails.replace(",", "\n").split() if e.strip()]


class Contingent(models.Model):
    """The seats of one performance allotted to one reseller (R2)."""

    interface = models.ForeignKey(
        ResellerInterface, models.CASCADE, related_name="contingents", verbose_name=_("interface")
    )
    performance = models.ForeignKey(
        Performance, models.CASCADE, related_name="contingents", verbose_name=_("performance")
    )
    integrate_sales = models.BooleanField(_("integrate sales"), default=True)
    export_contingent = models.BooleanField(_("export contingent"), default=True)

    class Meta:
        verbose_name = _("contingent")
        verbose_name_plural = _("contingents")
        constraints = [
            models.UniqueConstraint(
                fields=["interface", "performance"], name="one_contingent_per_reseller"
            )
        ]

    def __str__(self):
        return f"{self.interface} — {self.performance}"


class ContingentSeat(models.Model):
    """One place of a contingent: a seat (numbered halls) or a place of the quota."""

    class State(models.TextChoices):
        TO_EXPORT = "TO_EXPORT", _("To export")
        EXPORTED = "EXPORTED", _("Exported")
        TO_TAKE_BACK = "TO_TAKE_BACK", _("To take back")
        SOLD = "SOLD", _("Sold by the reseller")
        RETURNED = "RETURNED", _("Taken back")
        SALE_CANCELLED = "SALE_CANCELLED", _("Sale cancelled (place held again)")

    LIVE = (State.TO_EXPORT, State.EXPORTED, State.TO_TAKE_BACK, State.SOLD)

    contingent = models.ForeignKey(Contingent, models.CASCADE, related_name="seats")
    reservation = models.OneToOneField(
        SeatReservation, models.PROTECT, related_name="contingent_seat"
    )
    seat = models.ForeignKey(Seat, models.PROTECT, null=True, blank=True, related_name="+")
    seat_category = models.ForeignKey(
        SeatCategory, models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=14, choices=State, default=State.TO_EXPORT)

    class Meta:
        verbose_name = _("contingent seat")
        verbose_name_plural = _("contingent seats")
        indexes = [models.Index(fields=["contingent", "state"], name="contingent_seat_state")]


class Mapping(models.Model):
    """Our object ↔ the reseller's id, per interface and season (R4). `|` in the external id
    means “or”: `0|44` maps both reseller categories to our object."""

    class Kind(models.TextChoices):
        EVENT = "EVENT", _("Event / pass → manifestation")
        TARIFF = "TARIFF", _("Tariff → customer category")
        SEAT_CATEGORY = "SEAT_CATEGORY", _("Logical seat category → tariff type")
        BLOCK = "BLOCK", _("Zone / block → block")
        CONFIGURATION = "CONFIGURATION", _("Logical configuration → hall")

    interface = models.ForeignKey(ResellerInterface, models.CASCADE, related_name="mappings")
    season = models.ForeignKey(
        "catalogue.Season", models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("data"), max_length=16, choices=Kind)
    object_id = models.PositiveBigIntegerField(
        _("our object (id)"),
        null=True,
        blank=True,
        help_text=_(
            "The id of our product, tariff, seat category, block or configuration "
            "(empty seat category: the places of an unnumbered hall)."
        ),
    )
    external_id = models.CharField(
        _("external id"),
        max_length=200,
        validators=[RegexValidator(r"^[^|\s]+(\|[^|\s]+)*$", _("Ids separated by “|”."))],
    )

    class Meta:
        verbose_name = _("mapping")
        verbose_name_plural = _("mappings")
        ordering = ["interface", "kind", "object_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["interface", "season", "kind", "object_id"], name="one_mapping_per_object"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.object_id} → {self.external_id}"

    def external_ids(self):
        return [part for part in self.external_id.split("|") if part]


class Run(models.Model):
    """One execution of an interface (R7): seed 004's “Exécutions”."""

    class Kind(models.TextChoices):
        EXPORT = "EXPORT", _("Export contingents")
        INTEGRATE = "INTEGRATE", _("Integrate sales")

    class State(models.TextChoices):
        RUNNING = "RUNNING", _("Running")
        OK = "OK", _("Succeeded")
        FAILED = "FAILED", _("Failed")
        REFUSED = "REFUSED", _("Refused (another run in progress)")
        INTERRUPTED = "INTERRUPTED", _("Interrupted (its process stopped)")

    interface = models.ForeignKey(ResellerInterface, models.CASCADE, related_name="runs")
    kind = models.CharField(_("function"), max_length=10, choices=Kind)
    dry_run = models.BooleanField(_("dry run"), default=False)
    product = models.ForeignKey(
        "catalogue.Product",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("A manual run for one product only."),
    )
    state = models.CharField(_("state"), max_length=12, choices=State, default=State.RUNNING)
    started_at = models.DateTimeField(_("start"), auto_now_add=True)
    ended_at = models.DateTimeField(_("end"), null=True, blank=True)
    window_start = models.DateTimeField(null=True, blank=True)
    window_end = models.DateTimeField(null=True, blank=True)
    exported = models.PositiveIntegerField(_("exported"), default=0)
    taken_back = models.PositiveIntegerField(_("taken back"), default=0)
    refused = models.PositiveIntegerField(_("take-back refused"), default=0)
    sales = models.PositiveIntegerField(_("sales"), default=0)
    cancellations = models.PositiveIntegerField(_("cancellations"), default=0)
    orders_created = models.PositiveIntegerField(_("orders created"), default=0)
    report = models.TextField(_("report"), blank=True)

    class Meta:
        verbose_name = _("run")
        verbose_name_plural = _("runs")
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return f"{self.interface} {self.kind} {self.state}"


class RunError(models.Model):
    class Kind(models.TextChoices):
        MAPPING = "MAPPING", _("Mapping: fix the mapping")
        EXTERNAL = "EXTERNAL", _("External: retry, then call the reseller")
        TECHNICAL = "TECHNICAL", _("Technical: call support")

    run = models.ForeignKey(Run, models.CASCADE, related_name="errors")
    kind = models.CharField(_("class"), max_length=10, choices=Kind)
    message = models.TextField(_("message"))

    class Meta:
        verbose_name = _("run error")
        verbose_name_plural = _("run errors")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.kind}: {self.message}"


class ResellerSale(models.Model):
    """A reseller's sale line integrated as one paid order (R6). The unique constraint on
    (interface, sale id) is what makes re-running never duplicate an order."""

    interface = models.ForeignKey(ResellerInterface, models.PROTECT, related_name="sales")
    sale_id = models.CharField(_("reseller sale id"), max_length=100)
    order = models.OneToOneField(Order, models.PROTECT, related_name="reseller_sale")
    line = models.OneToOneField(OrderLine, models.PROTECT, related_name="reseller_sale")
    contingent_seat = models.ForeignKey(ContingentSeat, models.PROTECT, related_name="sales")
    reseller_price = models.DecimalField(_("reseller's price"), max_digits=10, decimal_places=2)
    sold_at = models.DateTimeField(_("sold at"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reseller sale")
        verbose_name_plural = _("reseller sales")
        constraints = [
            models.UniqueConstraint(
                fields=["interface", "sale_id"], name="one_order_per_reseller_sale"
            )
        ]


class TicketScan(models.Model):
    """Access control (R6): a ticket (ours or a reseller's) let in once; the unique line is
    what refuses a second entry, even from two gates at once."""

    line = models.OneToOneField(OrderLine, models.CASCADE, related_name="scan")
    scanned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ticket scan")
        verbose_name_plural = _("ticket scans")


class Basket(models.Model):
    """A real-time reseller's hold (R9): places of its contingent kept for it until
    `expires_at`, then confirmed into one paid order on the waiting account. Its places stay
    reservations of the contingent (HELD, no expiry) while held: an expired basket gives them
    back to the contingent just by expiring. The unique sale reference per interface is what
    makes a confirm with the same reference twice return the one order."""

    class State(models.TextChoices):
        HELD = "HELD", _("Held")
        CONFIRMED = "CONFIRMED", _("Confirmed (sold)")
        EXPIRED = "EXPIRED", _("Expired")
        RELEASED = "RELEASED", _("Released by the reseller")

    interface = models.ForeignKey(
        ResellerInterface, models.PROTECT, related_name="baskets", verbose_name=_("interface")
    )
    contingent = models.ForeignKey(
        Contingent, models.PROTECT, related_name="baskets", verbose_name=_("contingent")
    )
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.HELD)
    expires_at = models.DateTimeField(_("expires at"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sale_reference = models.CharField(
        _("reseller's sale reference"), max_length=100, null=True, blank=True
    )
    order = models.OneToOneField(
        Order,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="reseller_basket",
        verbose_name=_("order"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("real-time basket")
        verbose_name_plural = _("real-time baskets")
        ordering = ["-pk"]
        indexes = [models.Index(fields=["state", "expires_at"], name="basket_state_expiry")]
        constraints = [
            models.UniqueConstraint(
                fields=["interface", "sale_reference"],
                condition=Q(sale_reference__isnull=False),
                name="one_order_per_realtime_sale_reference",
            )
        ]

    def __str__(self):
        return f"{self.interface.code} #{self.pk} {self.state}"


class BasketPlace(models.Model):
    """One place of a basket: a contingent place, at a tariff and a price (the price policy
    applied), and its ticket once the basket is confirmed."""

    basket = models.ForeignKey(Basket, models.CASCADE, related_name="places")
    contingent_seat = models.ForeignKey(
        ContingentSeat, models.PROTECT, related_name="basket_places"
    )
    tariff = models.ForeignKey("catalogue.Tariff", models.PROTECT, related_name="+")
    customer_category = models.CharField(_("customer category"), max_length=40)
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2)
    reseller_price = models.DecimalField(
        _("reseller's price"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    line = models.OneToOneField(
        OrderLine, models.PROTECT, null=True, blank=True, related_name="basket_place"
    )

    class Meta:
        verbose_name = _("basket place")
        verbose_name_plural = _("basket places")
        ordering = ["pk"]


class ResellerScan(models.Model):
    """Access control of a reseller's barcode not (yet) integrated as one of our tickets (R6):
    the reseller's GetCtrlAcces said it is valid; the unique (performance, barcode) lets it in
    once, and still refuses it once the sale is integrated later."""

    interface = models.ForeignKey(ResellerInterface, models.CASCADE, related_name="scans")
    performance = models.ForeignKey(Performance, models.CASCADE, related_name="+")
    barcode = models.CharField(_("barcode"), max_length=64)
    scanned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reseller barcode scan")
        verbose_name_plural = _("reseller barcode scans")
        constraints = [
            models.UniqueConstraint(
                fields=["performance", "barcode"], name="reseller_barcode_in_once"
            )
        ]
