"""The reseller sandbox's own tables: instances (one reseller each), their service users, the
seats they hold, the sales lines they report, and prepared access-control requests."""

from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# The four services of an instance (URL segment = spyne service name).
CONTINGENTEMENT = "Contingentement"
ETAT_VENTES = "EtatVentes"
PREPARE_CTRL_ACCES = "PrepareCtrlAcces"
GET_CTRL_ACCES = "GetCtrlAcces"
SERVICES = (CONTINGENTEMENT, ETAT_VENTES, PREPARE_CTRL_ACCES, GET_CTRL_ACCES)
# A real-time reseller's (Digitick, ClassicTic) "sales since" JSON endpoint (realtime_sales.py):
# the venue reads the reseller's own records of what it sold and cancelled there.
REALTIME_SALES = "RealtimeSales"


class SandboxInstance(models.Model):
    class Mode(models.TextChoices):
        NORMAL = "normal", _("Normal")
        DOWN = "down", _("Down (HTTP 503)")
        SLOW = "slow", _("Slow (sleeps, then answers)")
        GARBAGE = "garbage", _("Garbage (HTTP 200, not XML)")

    slug = models.SlugField(
        _("slug"), unique=True, help_text=_("In the URLs: /reseller-sandbox/<slug>/…")
    )
    name = models.CharField(_("name"), max_length=100)
    manager_code = models.CharField(_("manager code"), max_length=50)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.NORMAL)
    slow_seconds = models.FloatField(
        _("slow seconds"), default=5.0, help_text=_("How long the slow mode waits.")
    )

    class Meta:
        verbose_name = _("sandbox instance")
        verbose_name_plural = _("sandbox instances")
        ordering = ["slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(slow_seconds__gte=0) & Q(slow_seconds__lte=600),
                name="reseller_sandbox_slow_seconds_range",
            )
        ]

    def __str__(self):
        return self.name


class ServiceUser(models.Model):
    instance = models.ForeignKey(
        SandboxInstance, on_delete=models.CASCADE, related_name="users", verbose_name=_("instance")
    )
    username = models.CharField(_("username"), max_length=100)
    password = models.CharField(_("password"), max_length=256, editable=False)
    services = models.JSONField(_("allowed services"), default=list, blank=True)

    class Meta:
        verbose_name = _("service user")
        verbose_name_plural = _("service users")
        ordering = ["instance", "username"]
        constraints = [
            models.UniqueConstraint(
                fields=["instance", "username"], name="reseller_sandbox_user_unique"
            )
        ]

    def __str__(self):
        return self.username

    def set_password(self, raw):
        self.password = make_password(raw)

    def check_password(self, raw):
        return bool(self.password) and check_password(raw, self.password)

    def allowed(self, service):
        return service in (self.services or [])


class HeldSeat(models.Model):
    """One seat (numbered: seat_id set) or one place (unnumbered: seat_id empty) the reseller
    holds for a performance, as the ticketshop allotted it."""

    instance = models.ForeignKey(
        SandboxInstance, on_delete=models.CASCADE, related_name="seats", verbose_name=_("instance")
    )
    performance_code = models.CharField(_("performance code"), max_length=50, db_index=True)
    manifestation_id = models.CharField(_("manifestation id"), max_length=50)
    performance_date = models.DateTimeField(_("performance date"))
    seat_id = models.CharField(_("seat id"), max_length=50, blank=True)
    block = models.CharField(_("block"), max_length=50, blank=True)
    row = models.CharField(_("row"), max_length=20, blank=True)
    number = models.CharField(_("number"), max_length=20, blank=True)
    category_id = models.CharField(_("category id (tariff type)"), max_length=50)
    sold = models.BooleanField(_("sold"), default=False)
    allotted_at = models.DateTimeField(_("allotted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("held seat")
        verbose_name_plural = _("held seats")
        ordering = ["instance", "performance_code", "block", "row", "number", "id"]
        # What every allotment call reads (P6: a season holds ~200 000 seats).
        indexes = [
            models.Index(fields=["instance", "performance_code"], name="sandbox_held_performance")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["instance", "performance_code", "seat_id"],
                condition=~Q(seat_id=""),
                name="reseller_sandbox_seat_held_once",
            )
        ]

    def __str__(self):
        place = f"{self.block} {self.row}-{self.number}" if self.seat_id else _("unnumbered")
        return f"{self.performance_code} · {place}"


class AllottedPrice(models.Model):
    """The ticketshop's price for a (reseller category, customer category) of a performance,
    as last sent with an allotment: what the counter sells at unless told otherwise."""

    instance = models.ForeignKey(SandboxInstance, on_delete=models.CASCADE, related_name="prices")
    performance_code = models.CharField(_("performance code"), max_length=50)
    category_id = models.CharField(_("category id"), max_length=50)
    customer_category_id = models.CharField(_("customer category id"), max_length=50)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("allotted price")
        verbose_name_plural = _("allotted prices")
        constraints = [
            models.UniqueConstraint(
                fields=["instance", "performance_code", "category_id", "customer_category_id"],
                name="reseller_sandbox_price_unique",
            )
        ]

    def __str__(self):
        return (
            f"{self.performance_code} {self.category_id}/{self.customer_category_id}: {self.amount}"
        )


class SaleLine(models.Model):
    class Kind(models.TextChoices):
        SALE = "SALE", _("Sale")
        CANCEL = "CANCEL", _("Cancellation")

    instance = models.ForeignKey(
        SandboxInstance, on_delete=models.CASCADE, related_name="sales", verbose_name=_("instance")
    )
    sale_id = models.CharField(_("sale id"), max_length=30)
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices, default=Kind.SALE)
    at = models.DateTimeField(_("at"), db_index=True)
    held_seat = models.ForeignKey(
        HeldSeat, null=True, blank=True, on_delete=models.SET_NULL, related_name="sale_lines"
    )
    manifestation_id = models.CharField(_("manifestation id"), max_length=50)
    performance_code = models.CharField(_("performance code"), max_length=50)
    seat_id = models.CharField(_("seat id"), max_length=50, blank=True)
    block = models.CharField(_("block"), max_length=50, blank=True)
    row = models.CharField(_("row"), max_length=20, blank=True)
    number = models.CharField(_("number"), max_length=20, blank=True)
    category_id = models.CharField(_("category id"), max_length=50)
    customer_category_id = models.CharField(_("customer category id"), max_length=50)
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    barcode = models.CharField(_("barcode"), max_length=40)

    class Meta:
        verbose_name = _("sale line")
        verbose_name_plural = _("sale lines")
        ordering = ["instance", "at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["instance", "sale_id", "kind"], name="reseller_sandbox_sale_line_unique"
            ),
            models.UniqueConstraint(
                fields=["barcode"],
                condition=Q(kind="SALE"),
                name="reseller_sandbox_barcode_unique",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.sale_id}"


class AccessControlRequest(models.Model):
    """A prepared access-control list: the barcodes issued for a performance, as they stood
    when prepared (fetched later with its request id)."""

    instance = models.ForeignKey(
        SandboxInstance, on_delete=models.CASCADE, related_name="access_requests"
    )
    request_id = models.CharField(_("request id"), max_length=40, unique=True)
    performance_code = models.CharField(_("performance code"), max_length=50)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    barcodes = models.JSONField(_("barcodes"), default=list)

    class Meta:
        verbose_name = _("access control request")
        verbose_name_plural = _("access control requests")
        ordering = ["-created_at"]

    def __str__(self):
        return self.request_id


class RealtimeSale(models.Model):
    """A real-time reseller's own record of one ticket it sold (SALE) or cancelled (CANCEL)
    through the ticketshop's real-time API: its sale reference, the place's number in that
    sale, the seat, the price its customer paid. Written by `realtime_reseller_sandbox` from
    the API's answers (or by hand in the admin, to plant a difference); read by the venue over
    HTTP (`/reseller-sandbox/<instance>/realtime/sales/`). Never read from the ticketshop."""

    class Kind(models.TextChoices):
        SALE = "SALE", _("Sale")
        CANCEL = "CANCEL", _("Cancellation")

    instance = models.ForeignKey(
        SandboxInstance,
        on_delete=models.CASCADE,
        related_name="realtime_sales",
        verbose_name=_("instance"),
    )
    line_id = models.CharField(
        _("line id"), max_length=120, help_text=_("<sale reference>#<place number in the sale>")
    )
    sale_reference = models.CharField(_("sale reference"), max_length=100)
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices, default=Kind.SALE)
    at = models.DateTimeField(_("at"), db_index=True)
    performance_code = models.CharField(_("performance code"), max_length=50)
    seat_id = models.CharField(_("seat id"), max_length=50, blank=True)
    block = models.CharField(_("block"), max_length=50, blank=True)
    row = models.CharField(_("row"), max_length=20, blank=True)
    number = models.CharField(_("number"), max_length=20, blank=True)
    category_id = models.CharField(_("category id"), max_length=50, blank=True)
    customer_category_id = models.CharField(_("customer category id"), max_length=50)
    price = models.DecimalField(_("price paid"), max_digits=10, decimal_places=2)
    barcode = models.CharField(_("barcode"), max_length=64, blank=True)
    holder = models.CharField(_("beneficiary"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("real-time sale line")
        verbose_name_plural = _("real-time sale lines")
        ordering = ["instance", "at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["instance", "line_id", "kind"], name="reseller_sandbox_realtime_line_once"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.line_id}"
