"""The ticketshop's settings: every one is read here, from its own `TICKETSHOP` block.

    TICKETSHOP = {"PUBLIC_URL": "https://tickets.example.org", "KEYS_DIR": "/srv/keys", ...}

So the ticketshop and a website can run on two hosts with two settings files. A name missing
from TICKETSHOP is read, for backwards compatibility, from the `SECUTIX` block that both halves
shared before (PUBLIC_URL under its old name API_BASE_URL), then from DEFAULTS (a callable
default is computed when read).
"""

from pathlib import Path

from django.conf import settings


def _keys_dir():
    return Path(getattr(settings, "BASE_DIR", ".")) / "var" / "keys"


DEFAULTS = {
    "PUBLIC_URL": "http://127.0.0.1:8000",  # the ticketshop's own address (IdP, shop, APIs)
    "WEBSITE_URL": lambda: get("PUBLIC_URL"),  # the bundled website (registered as an SP)
    "KEYS_DIR": _keys_dir,  # the IdP's key and certificate, and the bundled website's
    "XMLSEC_BINARY": "",  # empty: xmlsec1 on the PATH
    "ORGANISATION_CODE": "",
    "CHANNEL_CODE": "",
    "POINT_OF_SALES_CODE": "",  # the web point of sales every channel sells through
    "COOKIE_DOMAIN": "",  # of the stx_contact… and stx_cartSummary… cookies
    "CORS_ORIGINS": ["http://127.0.0.1:8000", "http://localhost:8000"],  # public availability
    "PUBLIC_AVAILABILITY_CACHE_SECONDS": 5,
    "API_TOKEN_SECONDS": 3600,
    "API_CATALOGUE_IN_PROGRESS_FROM": 20_000,
    "API_USERNAME": "",  # the API account `ensure_api_account` creates by default
    "API_PASSWORD": "",
}

# Names the SECUTIX block used for the same setting, read when TICKETSHOP lacks it.
LEGACY_NAMES = {"PUBLIC_URL": "API_BASE_URL"}


def get(name):
    """TICKETSHOP[name], else the legacy SECUTIX entry, else its default (KeyError: unknown)."""
    block = getattr(settings, "TICKETSHOP", None) or {}
    if name in block:
        return block[name]
    legacy = getattr(settings, "SECUTIX", None) or {}
    legacy_name = LEGACY_NAMES.get(name, name)
    if legacy_name in legacy:
        return legacy[legacy_name]
    default = DEFAULTS[name]
    return default() if callable(default) else default


def public_url():
    return str(get("PUBLIC_URL")).rstrip("/")
