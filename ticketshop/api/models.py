"""API accounts: who may call the SOAP and JSON services, and for which point of sales."""

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.db import models
from django.utils.translation import gettext_lazy as _

from ticketshop.organisation.models import PointOfSales


class ApiAccount(models.Model):
    """A technical account (the website, a partner). The point of sales comes from it, never
    from a request parameter. The secret is stored as a salted HMAC-SHA256 digest: API secrets
    are long random strings, not passwords, so a slow hash (PBKDF2, ~0.4 s of CPU on a busy
    machine) bought nothing but a cheap denial of service on every SOAP call (X3)."""

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
        salt = secrets.token_hex(16)
        self.secret = f"{DIGEST}${salt}${secret_digest(raw_secret, salt)}"
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
        if not raw_secret:
            return False
        if self.secret.startswith(f"{DIGEST}$"):
            _name, salt, digest = self.secret.split("$", 2)
            return hmac.compare_digest(digest, secret_digest(raw_secret, salt))
        if not check_password(raw_secret, self.secret):  # stored before: a password hash
            return False
        if self.pk:  # upgraded once, on its first right answer
            self.set_secret(raw_secret)
            ApiAccount.objects.filter(pk=self.pk).update(
                secret=self.secret, signing_key=self.signing_key
            )
        return True


DIGEST = "hmac_sha256"


def secret_digest(raw_secret, salt):
    return hmac.new(salt.encode(), raw_secret.encode(), hashlib.sha256).hexdigest()


def _fernet():
    digest = hashlib.sha256(f"ticketshop.api.signing-key:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))
