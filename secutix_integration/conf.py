"""The plugin's settings: every one is read here, from the one `SECUTIX` block, with defaults.

    SECUTIX = {"API_BASE_URL": "https://tickets.example.org", ...}

A name missing from the block takes its default from DEFAULTS (a callable default is computed
from the others, at the time it is read). The plugin's README lists them all.
"""

from pathlib import Path

from django.conf import settings


def _keys_dir():
    return Path(getattr(settings, "BASE_DIR", ".")) / "var" / "keys"


DEFAULTS = {
    # The ticketshop (the SecuTix role) the website talks to
    "API_BASE_URL": "http://127.0.0.1:8000",
    "API_USERNAME": "",
    "API_PASSWORD": "",
    "TIMEOUT_SECONDS": 3.0,
    "ORGANISATION_CODE": "",
    "CHANNEL_CODE": "",
    "POINT_OF_SALES_CODE": "",
    # Availability badges (C5)
    "AVAILABILITY_CACHE_SECONDS": 30,
    "AVAILABILITY_TIMEOUT_SECONDS": 1.5,
    # The catalogue import (C4)
    "IMPORT_IN_PROGRESS_RETRIES": 10,
    "IMPORT_IN_PROGRESS_WAIT_SECONDS": 2.0,
    "IMPORT_MAX_UNPUBLISH_RATIO": 0.5,  # more is refused as suspicious (unless --force)
    "IMPORT_LOCK_SECONDS": 2 * 3600,  # the lease, on databases other than PostgreSQL/SQLite
    "EVENT_PAGE_MODEL": "events.EventPage",
    # Sign-in through the ticketshop's SAML IdP, and its contact cookie (S1, S2, L4)
    "KEYS_DIR": _keys_dir,  # sp.key, sp.crt and (without IDP_METADATA_URL) idp_metadata.xml
    "WEBSITE_URL": lambda: get("API_BASE_URL"),  # the website's own address (SAML SP)
    "IDP_METADATA_URL": "",  # empty: KEYS_DIR/idp_metadata.xml
    "IDP_METADATA_FAILURE_SECONDS": 60,  # a failed metadata fetch is not tried again before
    "IDP_METADATA_REFRESH_MINUTES": 60,  # the django-q2 schedule that fetches it again
    "SP_NAME": "Website",
    "XMLSEC_BINARY": "",  # empty: xmlsec1 on the PATH
    "COOKIE_DOMAIN": "",  # the domain of the stx_* cookies shared with the ticketshop
}

CATALOGUE_SERVICE = "com.secutix.service.realtime.catalog.v1_33.CatalogService"


def get(name):
    """SECUTIX[name], else its default. An unknown name is a programming error (KeyError)."""
    block = getattr(settings, "SECUTIX", None) or {}
    if name in block:
        return block[name]
    default = DEFAULTS[name]
    return default() if callable(default) else default


def base_url():
    return str(get("API_BASE_URL")).rstrip("/")


def service_url(service):
    return f"{base_url()}/tnseb/external-remoting/{service}.webservice"


def public_availability_url():
    return f"{base_url()}/tnseb/public/availability"


def redirect_url(path, **params):
    """A link into the ticketshop through its redirect API (L1)."""
    from urllib.parse import urlencode

    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"{base_url()}/api/1/redirect/{path}" + (f"?{query}" if query else "")
