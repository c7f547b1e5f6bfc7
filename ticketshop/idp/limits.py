"""Abuse limits on the IdP and the forms that send emails (S1, L3, X3).

Why not django-axes: axes guards Django's auth users and login views; the ticketshop's
visitors are contacts signed in by the IdP's own view (see session.py), so axes would need a
shadow backend and its own request parsing. The lockout stays here, extended, with:

- the client's address as a reverse proxy reports it: X-Forwarded-For is read only when the
  direct peer (REMOTE_ADDR) is one of IDP_TRUSTED_PROXIES (addresses or networks), walking the
  header right to left past trusted proxies — a visitor cannot choose their own address;
- a per-account back-off across addresses (IDP_ACCOUNT_BACKOFF_AFTER failures for an email,
  from anywhere, then a wait doubling from IDP_ACCOUNT_BACKOFF_SECONDS up to
  IDP_ACCOUNT_BACKOFF_MAX_SECONDS): guessing one account from many addresses is slowed, and
  its owner is delayed, never locked out for good;
- a fixed-window limiter on Django's cache for forms that send emails (forgotten password,
  registration): IDP_RATE_LIMITS = {"password_forgot": ..., "register": ...};
- the same windows counting FAILURES only, for guesses (gift-voucher codes at checkout):
  `failures_exceeded` before trying, `record_failure` after a refusal; per client address,
  per contact and per session, IDP_RATE_LIMITS["voucher"].
"""

import ipaddress
import time

from django.conf import settings
from django.core.cache import cache

DEFAULT_RATE_LIMITS = {
    # scope: (requests, per seconds) for one client address, and for one email address
    "password_forgot": {"address": (10, 3600), "email": (3, 3600)},
    "register": {"address": (10, 3600), "email": (3, 3600)},
    # failed gift-voucher codes: per address (a proxy's shared address: more), contact, session
    "voucher": {"address": (30, 3600), "email": (10, 3600), "session": (10, 3600)},
    # refused API secrets (SOAP and /auth): per address and per operator ("email" = username)
    "api_auth": {"address": (50, 3600), "email": (20, 3600)},
}


def setting(name, default):
    return getattr(settings, name, default)


def _trusted_networks():
    networks = []
    for value in setting("IDP_TRUSTED_PROXIES", ()):
        try:
            networks.append(ipaddress.ip_network(str(value).strip(), strict=False))
        except ValueError:
            continue
    return networks


def _is_trusted(address, networks):
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request):
    """The visitor's address: REMOTE_ADDR, or — from a trusted proxy only — the right-most
    X-Forwarded-For address that is not itself a trusted proxy."""
    remote = request.META.get("REMOTE_ADDR", "")
    networks = _trusted_networks()
    if not networks or not _is_trusted(remote, networks):
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for address in reversed([a for a in forwarded if a]):
        try:
            ipaddress.ip_address(address)
        except ValueError:
            return remote  # a garbled header: the proxy itself, as before
        if not _is_trusted(address, networks):
            return address
    return remote


# --- per-account back-off --------------------------------------------------------------------


def _account_key(email):
    return f"idp:account-failures:{(email or '').strip().lower()}"


def account_retry_after(email, now=None):
    """Seconds the account must wait before its password is checked again, or 0."""
    state = cache.get(_account_key(email))
    now = time.time() if now is None else now
    if not state:
        return 0
    return max(0, int(state["until"] - now + 0.999))


def record_account_failure(email, now=None):
    now = time.time() if now is None else now
    after = int(setting("IDP_ACCOUNT_BACKOFF_AFTER", 10))
    base = int(setting("IDP_ACCOUNT_BACKOFF_SECONDS", 30))
    ceiling = int(setting("IDP_ACCOUNT_BACKOFF_MAX_SECONDS", 15 * 60))
    state = cache.get(_account_key(email)) or {"count": 0, "until": 0}
    state["count"] += 1
    if state["count"] >= after:
        state["until"] = now + min(base * 2 ** (state["count"] - after), ceiling)
    cache.set(_account_key(email), state, ceiling * 4)


def clear_account_failures(email):
    cache.delete(_account_key(email))


# --- rate limits -----------------------------------------------------------------------------


def _limits(scope):
    return {**DEFAULT_RATE_LIMITS, **setting("IDP_RATE_LIMITS", {})}.get(scope, {})


def _hit(key, limit, period):
    window = int(time.time() // period)
    key = f"idp:rate:{key}:{window}"
    if cache.add(key, 1, period + 1):
        return 1 <= limit
    try:
        return cache.incr(key) <= limit
    except ValueError:
        cache.set(key, 1, period + 1)
        return True


def allow(scope, request, email=None):
    """Count one request of this scope from this client (and for this email); False once a
    limit is passed (the caller answers 429 and does nothing)."""
    limits = _limits(scope)
    allowed = True
    if "address" in limits:
        allowed &= _hit(f"{scope}:ip:{client_ip(request)}", *limits["address"])
    if email and "email" in limits:
        allowed &= _hit(f"{scope}:email:{email.strip().lower()}", *limits["email"])
    return allowed


# --- failures only (guessing) ----------------------------------------------------------------


def _failure_keys(scope, request, email):
    limits = _limits(scope)
    keys = []
    if "address" in limits:
        keys.append((f"{scope}:ip:{client_ip(request)}", *limits["address"]))
    if email and "email" in limits:
        keys.append((f"{scope}:email:{email.strip().lower()}", *limits["email"]))
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if session_key and "session" in limits:
        keys.append((f"{scope}:session:{session_key}", *limits["session"]))
    return keys


def _window_key(key, period, now):
    return f"idp:failures:{key}:{int(now // period)}", period - now % period


def failures_exceeded(scope, request, email=None):
    """Seconds to wait when this client, contact or session has used up its failures of
    `scope` in the current window, else 0. Counts nothing."""
    now = time.time()
    windows = [
        (*_window_key(key, period, now), limit)
        for key, limit, period in _failure_keys(scope, request, email)
    ]
    counts = cache.get_many([window_key for window_key, _left, _limit in windows])  # one trip
    wait = 0
    for window_key, left, limit in windows:
        if (counts.get(window_key) or 0) >= limit:
            wait = max(wait, int(left) + 1)
    return wait


def record_failure(scope, request, email=None):
    now = time.time()
    for key, _limit, period in _failure_keys(scope, request, email):
        window_key, _left = _window_key(key, period, now)
        if not cache.add(window_key, 1, period + 1):
            try:
                cache.incr(window_key)
            except ValueError:
                cache.set(window_key, 1, period + 1)
