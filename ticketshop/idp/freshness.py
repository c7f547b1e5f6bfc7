"""Request checks (S1, S2): an AuthnRequest or LogoutRequest is used once, and only while fresh.

pysaml2 verifies the signature but neither remembers request ids nor enforces IssueInstant, so
a captured request could be replayed. Each id is remembered in Django's cache (shared by the
web processes in grown-up mode: Redis) for the request's validity window; IssueInstant must lie
within that window, give or take the clock skew. Both as settings:
- IDP_REQUEST_MAX_AGE_SECONDS (default 300): how long after its IssueInstant a request is used;
- IDP_REQUEST_CLOCK_SKEW_SECONDS (default 60): the clocks' allowed difference.
"""

import calendar
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from saml2.time_util import str_to_time


def max_age():
    return int(getattr(settings, "IDP_REQUEST_MAX_AGE_SECONDS", 300))


def clock_skew():
    return int(getattr(settings, "IDP_REQUEST_CLOCK_SKEW_SECONDS", 60))


def refusal(message, kind, now=None):
    """Why this request must be refused ("stale", "future", "replayed", "no id"), or None —
    in which case its id is now remembered and the same request will be refused."""
    now = time.time() if now is None else now
    request_id = getattr(message, "id", None)
    issuer = getattr(getattr(message, "issuer", None), "text", "") or ""
    if not request_id:
        return "no id"
    try:
        instant = calendar.timegm(str_to_time(message.issue_instant))
    except Exception:
        return "stale"
    if instant > now + clock_skew():
        return "future"
    if instant < now - max_age() - clock_skew():
        return "stale"
    digest = hashlib.sha256(f"{kind}\n{issuer}\n{request_id}".encode()).hexdigest()
    if not cache.add(f"idp:seen-request:{digest}", 1, max_age() + 2 * clock_skew()):
        return "replayed"
    return None
