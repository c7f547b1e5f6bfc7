"""API accounts: who may call the SOAP and JSON services, and for which point of sales."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.utils.translation import gettext_lazy as _

from ticketshop.organisation.models import PointOfSales


class ApiAccount(models.Model):
    """A technical account (the website, a partner). The point of sales comes from it, never
    from a request parameter. The secret is stored hashed, like a password."""

    username = models.CharField(_("username"), max_length=150, unique=True)
    secret = models.CharField(_("secret (hashed)"), max_length=256)
    # HS256 JWTs (issued, or signed by the client itself) are checked with the secret itself:
    # kept encrypted with a key derived from SECRET_KEY, never shown.
    signing_key = models.TextField(_("signing key (encrypted)"), blank=True, editable=False)
    point_of_sales = models.ForeignKey(PointOfSales, models.CASCADE, related_name="api_accounts")
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("API account")
        verbose_name_plural = _("API accounts")
        ordering = ["username"]

    def __str__(self):
        return self.username

    def set_secret(self, raw_secret):
        self.secret = make_password(raw_secret)
        self.signing_key = _fernet().encrypt(raw_secret.encode()).decode()

    def jwt_key(self):
        """The raw secret, to check HS256 signatures (None when unreadable: set it again)."""
        try:
            return (
                _fernet().decrypt(self.signing_key.encode()).decode() if self.signing_key else None
            )
        except InvalidToken:
            return None

    @property
    def institution(self):
        """The institution code an operator `<INSTITUTION>_<NAME>` belongs to."""
        return self.username.split("_", 1)[0] if "_" in self.username else ""

    def check_secret(self, raw_secret):
        return bool(raw_secret) and check_password(raw_secret, self.secret)


def _fernet():
    digest = hashlib.sha256(f"ticketshop.api.signing-key:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))
