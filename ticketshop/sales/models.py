"""Sales: what is held or sold of a performance (B2). The seam the availability rule reads."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ticketshop.catalogue.models import Performance, Seat


class SeatReservation(models.Model):
    """Places taken in a performance: one seat (seated products) or a quantity (unseated).

    A seat is held by at most one live reservation (HELD or SOLD) per performance: the database
    constraint below is what guarantees a seat is never sold twice, whatever the caller checked.
    """

    class Status(models.TextChoices):
        HELD = "HELD", _("Held")
        SOLD = "SOLD", _("Sold")
        RELEASED = "RELEASED", _("Released")

    performance = models.ForeignKey(Performance, models.CASCADE, related_name="reservations")
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
        ]

    def __str__(self):
        return f"{self.performance_id} {self.seat_id or '-'} x{self.quantity} {self.status}"
