"""Settings shared by every mode. The embedded default needs no environment variable."""

import os
import warnings
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from secutix_integration.sso.attributes import ATTRIBUTE_MAPPING as SSO_ATTRIBUTE_MAPPING

# pysaml2 still imports CFB from its old place in cryptography (kept below 51 in pyproject).
warnings.filterwarnings("ignore", message="CFB has been moved", module="saml2")

PROJECT_DIR = Path(__file__).resolve().parents[3]  # the checkout's root
VAR_DIR = Path(os.environ.get("VAR_DIR", PROJECT_DIR / "var"))  # database, keys, media

SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret-change-me-in-production")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h]

INSTALLED_APPS = [
    # the website
    "home",
    "events",
    # the Wagtail plugin
    "secutix_integration",
    # the ticketshop
    "ticketshop.organisation",
    "ticketshop.catalogue",
    "ticketshop.contacts",
    "ticketshop.sales",
    "ticketshop.api",
    "ticketshop.idp",
    "ticketshop.account",
    "ticketshop.shop",
    "ticketshop.payments",
    "ticketshop.resellers",
    # the bundled reseller sandbox (R8): plays FNAC's role over SOAP, its own tables
    "reseller_sandbox",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_q",
    "djangosaml2",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "djangosaml2.middleware.SamlSessionMiddleware",
    # Django's LocaleMiddleware, plus: the visitor's language kept in a cookie everywhere, and
    # a view's own 404 kept as a 404 (not redirected to Wagtail's catch-all).
    "website.middleware.VisitorLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Issue 12: the pages' old addresses (English slugs, product codes, the events index's
    # `events`) → 301 to the page in its language's slug, query string kept. Inside Wagtail's
    # redirects, so it answers first for the old slugs Wagtail recorded itself (those drop the
    # query string); an editor's own redirect still wins (legacy_slugs._editors_redirect).
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "website.legacy_slugs.LegacySlugRedirectMiddleware",
    # Issue 15: the Content-Security-Policy in every environment (the browser tests run under
    # the header production sends; policy below, relaxed for the admin and the back office)
    "website.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "website.urls"
CSRF_FAILURE_VIEW = "website.views.csrf_failure"  # the site's 403 page, in its language
WSGI_APPLICATION = "website.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "secutix_integration.context_processors.visitor",
                "secutix_integration.cart_cookie.cart",
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "db.sqlite3",
        "OPTIONS": {"timeout": 30, "transaction_mode": "IMMEDIATE"},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# django-q2: the ORM broker by default (no server needed); Redis in production.
Q_CLUSTER = {
    "name": "cube",
    "workers": 2,
    "timeout": 300,
    "retry": 600,
    "orm": "default",
    "catch_up": False,
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# X1: the shop's four languages.
LANGUAGE_CODE = "en"
LANGUAGES = [("fr", _("French")), ("en", _("English")), ("de", _("German")), ("es", _("Spanish"))]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAIL_I18N_ENABLED = True
LOCALE_PATHS = [PROJECT_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Paris"
USE_TZ = True

# The embedded default serves static files and media itself, with or without DEBUG.
SERVE_STATIC_FILES = False
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"

WAGTAIL_SITE_NAME = "The CUBE, Center for Performing Arts"
WAGTAILADMIN_BASE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = "The CUBE <tickets@thecube.example>"

LOGIN_URL = "/admin/login/"

# Two settings blocks, one per half, so that each can run on its own host with its own settings
# file (README, "Two hosts"): SECUTIX is the website's plugin's (secutix_integration/conf.py),
# TICKETSHOP the ticketshop's (ticketshop/conf.py); neither half reads the other's block.
# On this one host both halves share the organisation, channel, point of sales, API account,
# keys directory, xmlsec binary, website address and cookie domain: each shared value is read
# once (from SECUTIX_<NAME>) into both blocks; TICKETSHOP_<NAME> overrides the ticketshop's.
_SHARED = {
    "ORGANISATION_CODE": os.environ.get("SECUTIX_ORGANISATION_CODE", "CUBE"),
    "CHANNEL_CODE": os.environ.get("SECUTIX_CHANNEL_CODE", "WEB"),
    "POINT_OF_SALES_CODE": os.environ.get("SECUTIX_POINT_OF_SALES_CODE", "TICKETSHOP"),
    # the API account the website signs in with (`ensure_api_account` creates it by default)
    "API_USERNAME": os.environ.get("SECUTIX_API_USERNAME", "CUBE_WEBSITE"),
    "API_PASSWORD": os.environ.get("SECUTIX_API_PASSWORD", "website-demo-key"),
    # the SAML keys: the IdP's (idp.key, idp.crt) and the website's (sp.key, sp.crt)
    "KEYS_DIR": Path(os.environ.get("SECUTIX_KEYS_DIR", VAR_DIR / "keys")),
    # Debian's xmlsec1, which pysaml2 runs to sign and verify (the IdP and the website both).
    "XMLSEC_BINARY": os.environ.get("SECUTIX_XMLSEC_BINARY", "/usr/bin/xmlsec1"),
    # The website's own address (SAML service provider).
    "WEBSITE_URL": os.environ.get(
        "SECUTIX_WEBSITE_URL", os.environ.get("SITE_URL", "http://127.0.0.1:8000")
    ),
    "COOKIE_DOMAIN": os.environ.get("SECUTIX_COOKIE_DOMAIN", ""),
}

# The plugin's block: the ticketshop it talks to (the SecuTix role). Every name, with its
# default: secutix_integration/conf.py DEFAULTS and secutix_integration/README.md.
SECUTIX = {
    **_SHARED,
    "API_BASE_URL": os.environ.get("SECUTIX_API_BASE_URL", "http://127.0.0.1:8000"),
    "TIMEOUT_SECONDS": float(os.environ.get("SECUTIX_TIMEOUT_SECONDS", "3")),
    # if set, where the website fetches the IdP's metadata (otherwise KEYS_DIR/idp_metadata.xml,
    # written by generate_saml_keys)
    "IDP_METADATA_URL": os.environ.get("SECUTIX_IDP_METADATA_URL", ""),
}

# The ticketshop's block: every name, with its default, is in ticketshop/conf.py DEFAULTS.
TICKETSHOP = {
    **_SHARED,
    # its own public address (IdP, shop, APIs): on one host, the address the plugin calls
    "PUBLIC_URL": SECUTIX["API_BASE_URL"],
}
for _name in (*_SHARED, "PUBLIC_URL"):
    if os.environ.get(f"TICKETSHOP_{_name}"):
        TICKETSHOP[_name] = os.environ[f"TICKETSHOP_{_name}"]
if os.environ.get("TICKETSHOP_KEYS_DIR"):
    TICKETSHOP["KEYS_DIR"] = Path(os.environ["TICKETSHOP_KEYS_DIR"])
if os.environ.get("TICKETSHOP_CORS_ORIGINS"):  # comma-separated
    TICKETSHOP["CORS_ORIGINS"] = os.environ["TICKETSHOP_CORS_ORIGINS"].split(",")
for _name in ("PUBLIC_AVAILABILITY_CACHE_SECONDS", "API_TOKEN_SECONDS"):
    if os.environ.get(f"TICKETSHOP_{_name}"):
        TICKETSHOP[_name] = int(os.environ[f"TICKETSHOP_{_name}"])

# The website signs visitors in through the ticketshop's SAML IdP (djangosaml2, S1/S2).
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "secutix_integration.sso.backends.ContactSaml2Backend",
]
SAML_CONFIG_LOADER = "secutix_integration.sso.config.sp_config"
SAML_DJANGO_USER_MAIN_ATTRIBUTE = "username"
SAML_CREATE_UNKNOWN_USER = True
# The standard attribute profile (urn:oid names, uri format): see the plugin's sso/attributes.py.
SAML_ATTRIBUTE_MAPPING = SSO_ATTRIBUTE_MAPPING
# AuthnRequests by the redirect binding: the signature covers the query string and is made and
# checked in-process, where the POST binding runs xmlsec1 twice (issue 15, SSO speed).
SAML_DEFAULT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
SAML_SESSION_COOKIE_SAMESITE = "Lax"  # one host by default; "None" (+ HTTPS) across sites
ACS_DEFAULT_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
SAML_CSP_HANDLER = ""  # the CSP is set by the site, not by djangosaml2

# --- Issue 15: the IdP's request checks and abuse limits (ticketshop/idp/freshness.py, limits.py)
IDP_REQUEST_MAX_AGE_SECONDS = 300  # an AuthnRequest/LogoutRequest is used once, within this
IDP_REQUEST_CLOCK_SKEW_SECONDS = 60
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated).
IDP_TRUSTED_PROXIES = [p for p in os.environ.get("IDP_TRUSTED_PROXIES", "").split(",") if p]
IDP_MAX_FAILURES = 5  # one email from one address, then IDP_LOCKOUT_SECONDS
IDP_MAX_FAILURES_PER_ADDRESS = 50  # any emails from one address
IDP_LOCKOUT_SECONDS = 15 * 60
IDP_ACCOUNT_BACKOFF_AFTER = 10  # failures for one email from anywhere, then a doubling wait
IDP_ACCOUNT_BACKOFF_SECONDS = 30
IDP_ACCOUNT_BACKOFF_MAX_SECONDS = 15 * 60
IDP_RATE_LIMITS = {  # (requests, per seconds) per client address and per email address
    "password_forgot": {"address": (10, 3600), "email": (3, 3600)},
    "register": {"address": (10, 3600), "email": (3, 3600)},
    # REFUSED gift-voucher codes at checkout, per address, contact (email) and session
    "voucher": {"address": (30, 3600), "email": (10, 3600), "session": (10, 3600)},
    # REFUSED API secrets (SOAP, /tnai/backend-apis/v1/auth), per address and per operator
    "api_auth": {"address": (50, 3600), "email": (20, 3600)},
}

# --- Issue 15: Content-Security-Policy (website/csp.py; switched on in production.py)
CSP_POLICY = {
    "default-src": ["'self'"],
    # scripts: static files only (account/friends.js, shop/cart.js…), or a page's nonce;
    # styles: 'unsafe-inline' for the pages' few style attributes.
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "https:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    # the website's SAML form posts to the ticketshop's IdP (another origin when split)
    "form-action": ["'self'", SECUTIX["API_BASE_URL"].rstrip("/")],
}
CSP_RELAXED_PATHS = ["/admin/", "/backoffice/", "/cms/"]
CSP_RELAXED_POLICY = {
    **CSP_POLICY,
    "script-src": ["'self'", "'unsafe-inline'", "'unsafe-eval'"],
    "img-src": ["'self'", "data:", "blob:", "https:"],
    "frame-ancestors": ["'self'"],  # Wagtail's preview
    "frame-src": ["'self'"],
}
