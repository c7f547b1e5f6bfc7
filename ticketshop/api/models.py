"""API accounts: who may call the SOAP and JSON services, and for which point of sales."""

from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.utils.translation import gettext_lazy as _

from ticketshop.organisation.models import PointOfSales


class ApiAccount(models.Model):
    """A technical account (the website, a partner). The point of sales comes from it, never
    from a request parameter. The secret is stored hashed, like a password."""

    username = models.CharField(_("username"), max_length=150, unique=True)
    secret = models.CharField(_("secret (hashed)"), max_length=256)
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

    def check_secret(self, raw_secret):
        return bool(raw_secret) and check_password(raw_secret, self.secret)
