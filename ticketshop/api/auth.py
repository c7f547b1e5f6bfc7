"""Who is calling: API accounts checked by username and secret, and the signed bearer tokens of
the JSON services. The point of sales always comes from here, never from a request parameter."""

import hashlib
import time

import jwt
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from ticketshop import conf
from ticketshop.api.models import ApiAccount, secret_digest
from ticketshop.idp import limits

DEFAULT_TOKEN_SECONDS = 3600


class AuthenticationFailed(Exception):
    def __init__(self, message=None):
        super().__init__(str(message or _("Invalid credentials.")))


def token_lifetime():
    return int(conf.get("API_TOKEN_SECONDS"))


def authenticate(username, secret, partner=None):
    """The active ApiAccount for these credentials (with its point of sales), or raise.

    `partner` is the integrator's free name (SecuTix's): any string is accepted.
    """
    if not isinstance(username, str) or not isinstance(secret, str) or not username or not secret:
        raise AuthenticationFailed(_("Username and secret are required."))
    account = (
        ApiAccount.objects.select_related("point_of_sales__channel__organisation")
        .filter(username=username, active=True)
        .first()
    )
    if account is None:
        secret_digest(secret, "0" * 32)  # the same work as a wrong secret: no timing hint
        raise AuthenticationFailed()
    if not account.check_secret(secret):
        raise AuthenticationFailed()
    if partner is not None and not isinstance(partner, str):
        raise AuthenticationFailed(_("partner must be a string."))
    return account


class TooManyAttempts(AuthenticationFailed):
    def __init__(self, retry_after):
        super().__init__(
            _("Too many failed sign-ins. Try again in %(seconds)s seconds.")
            % {"seconds": retry_after}
        )
        self.retry_after = retry_after


def authenticate_request(request, username, secret, partner=None):
    """`authenticate`, with refused secrets counted per client address and per operator
    (IDP_RATE_LIMITS["api_auth"]): past the limit, TooManyAttempts and no secret is checked."""
    name = username if isinstance(username, str) else ""
    wait = limits.failures_exceeded("api_auth", request, name)
    if wait:
        raise TooManyAttempts(wait)
    try:
        return authenticate(username, secret, partner=partner)
    except AuthenticationFailed:
        limits.record_failure("api_auth", request, name)
        raise


ALGORITHM = "HS256"
LEEWAY_SECONDS = 30


def issue_token(account, partner=None):
    """An HS256 JWT: sub = institution, aud = operator, iss = the partner's free name."""
    now = int(time.time())
    claims = {
        "sub": account.institution,
        "aud": account.username,
        "iss": partner or account.username,
        "iat": now,
        "exp": now + token_lifetime(),
    }
    return jwt.encode(claims, account.jwt_key(), algorithm=ALGORITHM)


def _token_cache_key(token):
    return "api:token:" + hashlib.sha256(token.encode()).hexdigest()


def _cached_account(token):
    """The account of a token verified before, if it still holds: same stored secret (a
    changed secret revokes it), active, not expired. None when unknown or no longer valid."""
    entry = cache.get(_token_cache_key(token))
    if not entry or entry["exp"] + LEEWAY_SECONDS < time.time():
        return None
    account = (
        ApiAccount.objects.select_related("point_of_sales__channel__organisation")
        .filter(pk=entry["account"], active=True)
        .first()
    )
    if account is None or (account.secret, account.username) != (entry["secret"], entry["aud"]):
        cache.delete(_token_cache_key(token))
        return None
    return account


def account_from_token(token):
    """The active account a bearer JWT is for, or raise AuthenticationFailed. A verified token
    is remembered for its lifetime (keyed by its SHA-256) with the account's stored secret
    digest, so later calls skip decrypting the key and checking the signature.

    The JWT may come from the auth call or be signed by the client itself with its secret
    (HS256): `aud` names the operator, `sub` its institution, `iss` the partner (any name),
    `exp` is required and at most the token lifetime away. Changing the secret or deactivating
    the account revokes every token.
    """
    invalid = AuthenticationFailed(_("Invalid token."))
    if token and isinstance(token, str):
        account = _cached_account(token)
        if account is not None:
            return account
    try:
        claims = jwt.decode(token or "", options={"verify_signature": False})
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise invalid from exc
    if header.get("alg") != ALGORITHM:
        raise invalid
    operator = claims.get("aud")
    if isinstance(operator, list) and len(operator) == 1:
        operator = operator[0]
    if not isinstance(operator, str) or not operator:
        raise invalid
    account = (
        ApiAccount.objects.select_related("point_of_sales__channel__organisation")
        .filter(username=operator, active=True)
        .first()
    )
    key = account.jwt_key() if account else None
    if account is None or not key:
        raise invalid
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            audience=account.username,
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "sub", "aud", "iss"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise AuthenticationFailed(_("The token has expired.")) from exc
    except jwt.PyJWTError as exc:
        raise invalid from exc
    if claims["sub"] != account.institution or not str(claims["iss"]).strip():
        raise invalid
    if claims["exp"] > time.time() + token_lifetime() + LEEWAY_SECONDS:
        raise AuthenticationFailed(_("The token lives longer than allowed."))
    remaining = int(claims["exp"] - time.time()) + 1
    if remaining > 0:
        entry = {"account": account.pk, "aud": account.username, "secret": account.secret}
        entry["exp"] = claims["exp"]
        cache.set(_token_cache_key(token), entry, remaining)
    return account


def ensure_account(username, secret, point_of_sales):
    """Make the API account `username` exist, active, for `point_of_sales`, with `secret`.

    Idempotent: a second run with the same values writes nothing. Returns (account, created).
    Operators are named `<INSTITUTION>_<NAME>` after the organisation's code (CUBE_WEBSITE).
    """
    institution = point_of_sales.channel.organisation.code
    if not username.startswith(f"{institution}_") or username == f"{institution}_":
        raise ValueError(f"An operator is named {institution}_<NAME>, not {username!r}.")
    account = ApiAccount.objects.filter(username=username).first()
    created = account is None
    if created:
        account = ApiAccount(username=username)
    changed = created or account.point_of_sales_id != point_of_sales.pk or not account.active
    account.point_of_sales = point_of_sales
    account.active = True
    if created or not account.check_secret(secret) or account.jwt_key() != secret:
        account.set_secret(secret)
        changed = True
    if changed:
        account.save()
    return account, created
