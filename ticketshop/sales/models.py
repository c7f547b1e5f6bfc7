"""Sales: what is held or sold of a performance (B2). The seam the availability rule reads."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ticketshop.catalogue.models import Performance, Product, Seat


class SeatReservation(models.Model):
    """Places taken in a performance: one seat (seated products) or a quantity (unseated).

    A seat is held by at most one live reservation (HELD or SOLD) per performance: the database
    constraint below is what guarantees a seat is never sold twice, whatever the caller checked.
    """

    class Status(models.TextChoices):
        HELD = "HELD", _("Held")
        SOLD = "SOLD", _("Sold")
        RELEASED = "RELEASED", _("Released")

    performance = models.ForeignKey(
        Performance,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="reservations",
        help_text=_("Empty for places of an undated product (pass, subscription) on its quota."),
    )
    product = models.ForeignKey(
        Product,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="product_reservations",
        help_text=_("Set for places of an undated product (no performance)."),
    )
    seat = models.ForeignKey(
        Seat,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="reservations",
        help_text=_("Empty for unseated products."),
    )
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.HELD)
    expires_at = models.DateTimeField(
        _("expires at"), null=True, blank=True, help_text=_("When a held place returns to sale.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("seat reservation")
        verbose_name_plural = _("seat reservations")
        indexes = [models.Index(fields=["performance", "status"], name="reservation_perf_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["performance", "seat"],
                condition=Q(status__in=["HELD", "SOLD"], seat__isnull=False),
                name="seat_taken_once_per_performance",
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="reservation_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(performance__isnull=False)
                | Q(product__isnull=False, seat__isnull=True),
                name="reservation_of_a_performance_or_an_undated_product",
            ),
        ]

    def __str__(self):
        return f"{self.performance_id} {self.seat_id or '-'} x{self.quantity} {self.status}"


class Order(models.Model):
    """A cart until it is paid; then an order whose lines are tickets (B1, B3)."""

    class Status(models.TextChoices):
        CART = "CART", _("Cart")
        PAYING = "PAYING", _("Payment in progress")
        PAID = "PAID", _("Paid")
        EXPIRED = "EXPIRED", _("Expired")
        CANCELLED = "CANCELLED", _("Cancelled")
        REFUNDED = "REFUNDED", _("Refunded")
        PARTLY_REFUNDED = "PARTLY_REFUNDED", _("Partly refunded")

    point_of_sales = models.ForeignKey(
        "organisation.PointOfSales", models.PROTECT, related_name="orders"
    )
    contact = models.ForeignKey(
        "contacts.Contact", models.PROTECT, null=True, blank=True, related_name="orders"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.CART)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    # L6 (issue 12): the terms of sale the buyer accepted at checkout — when, and the address
    # of the text shown (the point of sales' terms URL in the buyer's language; a new version
    # of the terms is published at a new address or dated on its page).
    terms_accepted_at = models.DateTimeField(_("terms of sale accepted at"), null=True, blank=True)
    terms_url = models.CharField(_("terms of sale accepted (URL)"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "expires_at"], name="order_status_expiry")]

    def __str__(self):
        return f"#{self.pk} {self.status}"

    @property
    def total(self):
        from decimal import Decimal

        return sum((line.price for line in self.lines.all()), Decimal("0.00"))


class OrderLine(models.Model):
    """One place in an order: a seat (or a place of a quota) at a tariff; a ticket once paid."""

    order = models.ForeignKey(Order, models.CASCADE, related_name="lines")
    reservation = models.OneToOneField(SeatReservation, models.PROTECT, related_name="line")
    product = models.ForeignKey(Product, models.PROTECT, related_name="order_lines")
    performance = models.ForeignKey(
        Performance, models.PROTECT, null=True, blank=True, related_name="order_lines"
    )
    seat_category = models.ForeignKey(
        "catalogue.SeatCategory", models.PROTECT, null=True, blank=True, related_name="+"
    )
    tariff = models.ForeignKey("catalogue.Tariff", models.PROTECT, related_name="+")
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2)
    holder = models.ForeignKey(
        "contacts.Contact", models.PROTECT, null=True, blank=True, related_name="held_tickets"
    )
    holder_name = models.CharField(_("ticket holder"), max_length=220, blank=True)
    barcode = models.CharField(_("barcode"), max_length=40, null=True, blank=True, unique=True)
    cancelled_at = models.DateTimeField(
        _("cancelled at"),
        null=True,
        blank=True,
        help_text=_("Set when the ticket was cancelled and refunded: it is no longer valid."),
    )

    class Meta:
        verbose_name = _("order line / ticket")
        verbose_name_plural = _("order lines / tickets")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.order_id}/{self.pk} {self.barcode or '-'}"

    @property
    def seat(self):
        return self.reservation.seat


class OrderMessage(models.Model):
    """The outbox of the emails an order owes its buyer: written in the transaction that changes
    the order, sent after it commits and, if that fails, by the release task (never lost)."""

    class Kind(models.TextChoices):
        CONFIRMATION = "CONFIRMATION", _("Confirmation")
        LATE_PAYMENT_REFUNDED = "LATE_REFUNDED", _("Late payment refunded")
        REFUND = "REFUND", _("Refund")

    order = models.ForeignKey(Order, models.CASCADE, related_name="messages")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2, null=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("order email")
        verbose_name_plural = _("order emails")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.order_id} {self.kind} {'sent' if self.sent_at else 'to send'}"
