"""The ticketshop's settings: every one is read here, from its own `TICKETSHOP` block.

    TICKETSHOP = {"PUBLIC_URL": "https://tickets.example.org", "KEYS_DIR": "/srv/keys", ...}

So the ticketshop and a website can run on two hosts with two settings files: the ticketshop
never reads the plugin's `SECUTIX` block (nor the plugin this one). A name missing from
TICKETSHOP takes its default from DEFAULTS (a callable default is computed when read).
"""

import os
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
    # X3, X4: the production check (payments/checks.py) runs at every start-up when PRODUCTION,
    # and refuses the test card provider and the demo secrets unless ALLOW_TEST_PAYMENTS.
    "PRODUCTION": False,
    "ALLOW_TEST_PAYMENTS": lambda: os.environ.get("TICKETSHOP_ALLOW_TEST_PAYMENTS", "") == "1",
}


def get(name):
    """TICKETSHOP[name], else its default. An unknown name is a programming error (KeyError)."""
    block = getattr(settings, "TICKETSHOP", None) or {}
    if name in block:
        return block[name]
    default = DEFAULTS[name]
    return default() if callable(default) else default


def public_url():
    return str(get("PUBLIC_URL")).rstrip("/")
