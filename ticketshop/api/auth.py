"""Who is calling: API accounts checked by username and secret, and the signed bearer tokens of
the JSON services. The point of sales always comes from here, never from a request parameter."""

import hashlib

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.utils.translation import gettext_lazy as _

from ticketshop.api.models import ApiAccount

TOKEN_SALT = "ticketshop.api.token"
DEFAULT_TOKEN_SECONDS = 3600


class AuthenticationFailed(Exception):
    def __init__(self, message=None):
        super().__init__(str(message or _("Invalid credentials.")))


def token_lifetime():
    return int(getattr(settings, "SECUTIX", {}).get("API_TOKEN_SECONDS", DEFAULT_TOKEN_SECONDS))


def authenticate(username, secret, partner=None):
    """The active ApiAccount for these credentials (with its point of sales), or raise.

    `partner`, when given, must be the code of the account's point of sales.
    """
    if not isinstance(username, str) or not isinstance(secret, str) or not username or not secret:
        raise AuthenticationFailed(_("Username and secret are required."))
    account = (
        ApiAccount.objects.select_related("point_of_sales__channel__organisation")
        .filter(username=username, active=True)
        .first()
    )
    if account is None:
        make_password(secret)  # the same work as a wrong secret: no timing hint on usernames
        raise AuthenticationFailed()
    if not account.check_secret(secret):
        raise AuthenticationFailed()
    if partner not in (None, "") and partner != account.point_of_sales.code:
        raise AuthenticationFailed()
    return account


def _secret_mark(account):
    """A short digest of the stored secret: changing the secret revokes the tokens."""
    return hashlib.sha256(account.secret.encode()).hexdigest()[:16]


def issue_token(account):
    return signing.dumps({"a": account.pk, "s": _secret_mark(account)}, salt=TOKEN_SALT)


def account_from_token(token):
    """The active account a bearer token was issued to, or raise AuthenticationFailed."""
    try:
        data = signing.loads(token or "", salt=TOKEN_SALT, max_age=token_lifetime())
    except signing.SignatureExpired as exc:
        raise AuthenticationFailed(_("The token has expired.")) from exc
    except signing.BadSignature as exc:
        raise AuthenticationFailed(_("Invalid token.")) from exc
    account = (
        ApiAccount.objects.select_related("point_of_sales__channel__organisation")
        .filter(pk=data.get("a"), active=True)
        .first()
    )
    if account is None or data.get("s") != _secret_mark(account):
        raise AuthenticationFailed(_("Invalid token."))
    return account


def ensure_account(username, secret, point_of_sales):
    """Make the API account `username` exist, active, for `point_of_sales`, with `secret`.

    Idempotent: a second run with the same values writes nothing. Returns (account, created).
    """
    account = ApiAccount.objects.filter(username=username).first()
    created = account is None
    if created:
        account = ApiAccount(username=username)
    changed = created or account.point_of_sales_id != point_of_sales.pk or not account.active
    account.point_of_sales = point_of_sales
    account.active = True
    if created or not account.check_secret(secret):
        account.set_secret(secret)
        changed = True
    if changed:
        account.save()
    return account, created
