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
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))  # noqa: F405
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

# The ticketshop's block (one host: its public address is the one the plugin calls, unless
# TICKETSHOP_PUBLIC_URL says otherwise). X3, X4: its production check
# (ticketshop/payments/checks.py) runs at start-up and refuses the test card provider and the
# demo secrets, unless TICKETSHOP_ALLOW_TEST_PAYMENTS=1 (SECUTIX_ALLOW_TEST_PAYMENTS=1, its old
# name, is still read here).
TICKETSHOP = {  # noqa: F405
    **TICKETSHOP,  # noqa: F405
    "WEBSITE_URL": os.environ.get("TICKETSHOP_WEBSITE_URL") or SECUTIX["WEBSITE_URL"],
    "PUBLIC_URL": os.environ.get("TICKETSHOP_PUBLIC_URL") or SECUTIX["API_BASE_URL"],
    "PRODUCTION": True,
    "ALLOW_TEST_PAYMENTS": "1"
    in (
        os.environ.get("TICKETSHOP_ALLOW_TEST_PAYMENTS", ""),
        os.environ.get("SECUTIX_ALLOW_TEST_PAYMENTS", ""),
    ),
}
PAYMENT_PROVIDER = os.environ.get("PAYMENT_PROVIDER", "testcard")
PAYMENT_PROVIDERS = dict(
    item.split("=", 1) for item in os.environ.get("PAYMENT_PROVIDERS", "").split(",") if "=" in item
)
# Behind a reverse proxy, the header carrying the visitor's address (the hold limits count per
# address), e.g. HTTP_X_FORWARDED_FOR.
SHOP_CLIENT_IP_HEADER = os.environ.get("SHOP_CLIENT_IP_HEADER", "")

# --- Issue 16 (X2, X5): grown-up mode under load and faults.
# PostgreSQL: a persistent connection per worker, checked before reuse (a restarted server is
# noticed at the next request, without restarting the workers), and a bounded connect: while the
# server is down, requests fail fast with the 503 page (website/views.py) instead of hanging.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if "postgresql" in DATABASES["default"]["ENGINE"]:
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = int(
        os.environ.get("DATABASE_CONNECT_TIMEOUT", "3")
    )
# Redis: a cache that tolerates an outage (a miss, logged) with short socket timeouts.
CACHES["default"].update(
    {
        "BACKEND": "website.cache.TolerantRedisCache",
        "OPTIONS": {
            "socket_connect_timeout": float(os.environ.get("REDIS_TIMEOUT", "1")),
            "socket_timeout": float(os.environ.get("REDIS_TIMEOUT", "1")),
        },
    }
)
# Static files served by each web process itself, compressed, with far-future caching of the
# collected files (whitenoise): no separate file server needed behind the load balancer.
MIDDLEWARE.insert(  # noqa: F405
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,  # noqa: F405
    "whitenoise.middleware.WhiteNoiseMiddleware",
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# The load balancers' health checks answer over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
# HTTPS is the rule; a loopback trial without TLS (scripts/grownup.sh) turns it off explicitly.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = os.environ.get("SECURE_COOKIES", "1") != "0"
# Behind a load balancer, a sale-day venue tunes the hold limits (ticketshop/shop/cart.py).
SHOP_MAX_HOLDS_PER_HOUR = int(os.environ.get("SHOP_MAX_HOLDS_PER_HOUR", "12"))
SHOP_MAX_SEATS_HELD = int(os.environ.get("SHOP_MAX_SEATS_HELD", "10"))

# Structured logs: one JSON line per request and per django-q2 job (website/observability.py).
INSTALLED_APPS = [*INSTALLED_APPS, "website.observability.ObservabilityConfig"]  # noqa: F405
MIDDLEWARE.insert(0, "website.observability.RequestLogMiddleware")  # noqa: F405
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "website.observability.JsonFormatter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stderr"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},  # the request line says it already
        "django_q": {"level": "WARNING"},  # the job line says it already
        "django_tasks": {"level": "WARNING"},  # Wagtail's background tasks, one line each
        "spyne": {"level": "WARNING"},  # start-up chatter
        "xmlschema": {"level": "WARNING"},
    },
}

# Errors to Sentry when SENTRY_DSN is set (off by default; no personal data sent).
if os.environ.get("SENTRY_DSN"):
    import sentry_sdk

    sentry_sdk.init(
        dsn=os.environ["SENTRY_DSN"],
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
        send_default_pii=False,
    )
