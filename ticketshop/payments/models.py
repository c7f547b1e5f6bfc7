"""Payments of orders: by card (through a provider), gift voucher or the contact's credit."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

money = {"max_digits": 10, "decimal_places": 2}


class GiftVoucher(models.Model):
    """A code with a balance; partly usable: each payment takes what it needs of it."""

    organisation = models.ForeignKey(
        "organisation.Organisation", models.CASCADE, related_name="gift_vouchers"
    )
    code = models.CharField(_("code"), max_length=40, unique=True)
    balance = models.DecimalField(_("balance"), validators=[MinValueValidator(0)], **money)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("gift voucher")
        verbose_name_plural = _("gift vouchers")
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="voucher_balance_positive")
        ]

    def __str__(self):
        return f"{self.code} ({self.balance} {self.currency})"


class CreditAccount(models.Model):
    """The credit a contact holds with the organisation (refunds, goodwill…)."""

    contact = models.OneToOneField("contacts.Contact", models.CASCADE, related_name="credit")
    balance = models.DecimalField(
        _("balance"), default=Decimal("0.00"), validators=[MinValueValidator(0)], **money
    )

    class Meta:
        verbose_name = _("credit account")
        verbose_name_plural = _("credit accounts")
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="credit_balance_positive")
        ]

    def __str__(self):
        return f"{self.contact_id}: {self.balance}"


class Payment(models.Model):
    class Method(models.TextChoices):
        CARD = "CARD", _("Card")
        VOUCHER = "VOUCHER", _("Gift voucher")
        CREDIT = "CREDIT", _("Credit balance")

    class Status(models.TextChoices):
        PENDING = "PENDING", _("Pending")
        CAPTURED = "CAPTURED", _("Paid")
        REFUSED = "REFUSED", _("Refused")
        ABANDONED = "ABANDONED", _("Abandoned")
        REVERSED = "REVERSED", _("Reversed")
        REFUNDED = "REFUNDED", _("Refunded")

    order = models.ForeignKey("sales.Order", models.PROTECT, related_name="payments")
    method = models.CharField(_("method"), max_length=10, choices=Method)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    amount = models.DecimalField(_("amount"), validators=[MinValueValidator(0)], **money)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    reference = models.CharField(_("reference"), max_length=64, unique=True)
    provider = models.CharField(_("provider"), max_length=30, blank=True)
    voucher = models.ForeignKey(
        GiftVoucher, models.PROTECT, null=True, blank=True, related_name="payments"
    )
    refunded_amount = models.DecimalField(_("refunded"), default=Decimal("0.00"), **money)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.reference} {self.method} {self.amount} {self.status}"


class Refund(models.Model):
    """Money paid back on a captured payment: by its provider (card), to the voucher or credit."""

    payment = models.ForeignKey(Payment, models.PROTECT, related_name="refunds")
    amount = models.DecimalField(_("amount"), validators=[MinValueValidator(0)], **money)
    provider_reference = models.CharField(_("provider's reference"), max_length=64, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.payment_id} -{self.amount}"


class TestCardOperation(models.Model):
    """The bundled test card provider's own books (its side, not the shop's): every capture and
    refund it made, shown on its operations page like a real provider's dashboard."""

    class Kind(models.TextChoices):
        CAPTURE = "CAPTURE", _("Capture")
        REFUND = "REFUND", _("Refund")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    payment_reference = models.CharField(_("payment reference"), max_length=64, db_index=True)
    amount = models.DecimalField(_("amount"), **money)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("test card operation")
        verbose_name_plural = _("test card operations")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.kind} {self.payment_reference} {self.amount}"
