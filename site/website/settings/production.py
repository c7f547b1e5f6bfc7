"""Grown-up mode: PostgreSQL and Redis, several web and worker processes.

Reads DATABASE_URL, REDIS_URL, SECRET_KEY and ALLOWED_HOSTS from the environment.
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403


def _required(name):
    value = os.environ.get(name)
    if not value:
        raise ImproperlyConfigured(f"Set the {name} environment variable for production.")
    return value


DEBUG = False
SECRET_KEY = _required("SECRET_KEY")
ALLOWED_HOSTS = _required("ALLOWED_HOSTS").split(",")
DATABASES = {"default": dj_database_url.parse(_required("DATABASE_URL"), conn_max_age=60)}
REDIS_URL = _required("REDIS_URL")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
}
Q_CLUSTER = {k: v for k, v in Q_CLUSTER.items() if k != "orm"}  # noqa: F405
Q_CLUSTER.update({"redis": REDIS_URL, "workers": int(os.environ.get("Q_WORKERS", "4"))})
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


# --- Issue 15: HTTPS everywhere (behind a TLS-terminating proxy that sets X-Forwarded-Proto).
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") != "0"
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
# One session length for Django's session and the contact cookie (8 h, ticketshop/idp/cookie.py).
SESSION_COOKIE_AGE = 8 * 60 * 60
# The proxy in front: the IdP reads the visitor's address from its X-Forwarded-For.
IDP_TRUSTED_PROXIES = [
    p for p in os.environ.get("IDP_TRUSTED_PROXIES", "127.0.0.1,::1").split(",") if p
]

# --- Issue 15: Content-Security-Policy on every response: the middleware is in base.py.

# --- Issue 15: the public addresses are required (emails and SAML metadata name them).
SITE_URL = _required("SITE_URL")
SECUTIX = {  # noqa: F405
    **SECUTIX,  # noqa: F405
    "WEBSITE_URL": os.environ.get("SECUTIX_WEBSITE_URL") or SITE_URL,
    "API_BASE_URL": _required("SECUTIX_API_BASE_URL"),
}
WAGTAILADMIN_BASE_URL = SITE_URL
CSP_POLICY = {**CSP_POLICY, "form-action": ["'self'", SECUTIX["API_BASE_URL"].rstrip("/")]}  # noqa: F405

# X3, X4: the payments' production check (ticketshop/payments/checks.py) runs at start-up and
# refuses the test card provider and the demo secrets, unless SECUTIX_ALLOW_TEST_PAYMENTS=1.
SECUTIX_PRODUCTION = True
SECUTIX_ALLOW_TEST_PAYMENTS = os.environ.get("SECUTIX_ALLOW_TEST_PAYMENTS", "") == "1"
PAYMENT_PROVIDER = os.environ.get("PAYMENT_PROVIDER", "testcard")
PAYMENT_PROVIDERS = dict(
    item.split("=", 1) for item in os.environ.get("PAYMENT_PROVIDERS", "").split(",") if "=" in item
)
# Behind a reverse proxy, the header carrying the visitor's address (the hold limits count per
# address), e.g. HTTP_X_FORWARDED_FOR.
SHOP_CLIENT_IP_HEADER = os.environ.get("SHOP_CLIENT_IP_HEADER", "")
