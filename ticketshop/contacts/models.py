"""Contacts (the shop's customers, never staff) and the links between them (F1)."""

from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ticketshop.contacts.numbering import (  # noqa: F401  (the counter is a model of this app)
    FIRST_CONTACT_NUMBER,
    ContactNumberCounter,
    next_contact_number,
)
from ticketshop.contacts.rules import check_link
from ticketshop.multilingual import LANGUAGES, NamedInLanguages
from ticketshop.organisation.models import Organisation, code_validator


class Criterion(NamedInLanguages):
    """An interest a contact may tick (a "criterion")."""

    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="criteria")
    code = models.CharField(_("code"), max_length=20, validators=[code_validator])

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="criterion_code_unique")
        ]


class LegalAuthorisation(NamedInLanguages):
    """Something a contact may consent to (newsletter, partners' offers…)."""

    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="authorisations")
    code = models.CharField(_("code"), max_length=20, validators=[code_validator])

    class Meta:
        verbose_name = _("legal authorisation")
        verbose_name_plural = _("legal authorisations")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="authorisation_code_unique"
            )
        ]


class Contact(models.Model):
    class Title(models.TextChoices):
        NONE = "", _("(none)")
        MR = "MR", _("Mr")
        MRS = "MRS", _("Mrs")
        MS = "MS", _("Ms")
        MX = "MX", _("Mx")
        DR = "DR", _("Dr")

    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="contacts")
    contact_number = models.CharField(
        _("contact number"), max_length=11, unique=True, editable=False
    )
    title = models.CharField(
        pgettext_lazy("form of address", "title"), max_length=5, choices=Title, blank=True
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("email address"))
    password = models.CharField(_("password"), max_length=128, editable=False)
    language = models.CharField(
        _("language"), max_length=2, choices=[(c, c) for c in LANGUAGES], default="en"
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email_confirmed = models.BooleanField(_("email confirmed"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    interests = models.ManyToManyField(Criterion, blank=True, related_name="contacts")
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    last_login = models.DateTimeField(_("last sign-in"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="contact_email_unique_ci",
                violation_error_message=_("A contact with this email address already exists."),
            ),
        ]

    def __str__(self):
        return f"{self.contact_number} {self.last_name.upper()} {self.first_name}"

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip()
        if not self.contact_number:
            self.contact_number = next_contact_number()
        if not self.password:
            self.password = make_password(None)  # unusable until the contact chooses one
        super().save(*args, **kwargs)

    def set_password(self, raw_password):
        self.password = make_password(raw_password)

    def check_password(self, raw_password):
        return check_password(raw_password, self.password)

    def has_usable_password(self):
        return not self.password.startswith("!")


class Address(models.Model):
    contact = models.ForeignKey(Contact, models.CASCADE, related_name="addresses")
    label = models.CharField(_("label"), max_length=50, blank=True)
    line1 = models.CharField(_("address"), max_length=200)
    line2 = models.CharField(_("address (continued)"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166 code, e.g. FR."))
    is_default = models.BooleanField(_("main address"), default=False)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        constraints = [
            models.UniqueConstraint(
                fields=["contact"], condition=Q(is_default=True), name="one_main_address"
            )
        ]

    def __str__(self):
        return f"{self.line1}, {self.postcode} {self.city}"


class Consent(models.Model):
    contact = models.ForeignKey(Contact, models.CASCADE, related_name="consents")
    authorisation = models.ForeignKey(LegalAuthorisation, models.CASCADE, related_name="consents")
    granted = models.BooleanField(_("granted"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(fields=["contact", "authorisation"], name="consent_unique")
        ]


class RelationKind(NamedInLanguages):
    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="relation_kinds")
    code = models.CharField(_("code"), max_length=20, validators=[code_validator])
    is_family = models.BooleanField(_("family relation"), default=False)

    class Meta:
        verbose_name = _("relation kind")
        verbose_name_plural = _("relation kinds")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="relation_code_unique")
        ]


class ContactLink(models.Model):
    """A directional link: the parent manages the child (friends and family, F1/F4)."""

    parent = models.ForeignKey(Contact, models.CASCADE, related_name="child_links")
    child = models.ForeignKey(Contact, models.CASCADE, related_name="parent_links")
    kind = models.ForeignKey(RelationKind, models.PROTECT, related_name="links")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    accepted_at = models.DateTimeField(
        _("accepted at"),
        null=True,
        blank=True,
        default=timezone.now,
        help_text=_("Empty while the child has not accepted the link (pending)."),
    )

    class Meta:
        verbose_name = _("link between contacts")
        verbose_name_plural = _("links between contacts")
        constraints = [
            models.UniqueConstraint(fields=["parent", "child"], name="contact_link_unique"),
            models.CheckConstraint(
                condition=~Q(parent=models.F("child")), name="contact_link_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.parent} → {self.child} ({self.kind.code})"

    @property
    def is_pending(self):
        return self.accepted_at is None

    def clean(self):
        if self.parent_id and self.child_id:
            check_link(self.parent, self.child, exclude_pk=self.pk)
