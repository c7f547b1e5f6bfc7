"""The ticketshop reads its settings through ticketshop/conf.py, from its own TICKETSHOP block
(two hosts, two settings files); it never reads the plugin's SECUTIX block
(tests/deployment/test_two_settings_files.py starts each half without the other's block)."""

import os
import subprocess
import sys
from pathlib import Path

from ticketshop import conf
from ticketshop.api.http import cors_origin
from ticketshop.idp import cookie, keys, saml

ROOT = Path(__file__).resolve().parents[2]


class Request:
    def __init__(self, origin):
        self.headers = {"Origin": origin}


def test_the_ticketshop_reads_its_own_block_not_the_plugins(settings, tmp_path):
    settings.SECUTIX = {
        **settings.SECUTIX,
        "API_BASE_URL": "https://www.example.org",
        "ORGANISATION_CODE": "WEBSITE",
        "KEYS_DIR": tmp_path / "website",
    }
    settings.TICKETSHOP = {
        "PUBLIC_URL": "https://tickets.example.org/",
        "WEBSITE_URL": "https://www.example.org",
        "ORGANISATION_CODE": "SHOP",
        "CHANNEL_CODE": "WEB",
        "KEYS_DIR": tmp_path / "shop",
        "CORS_ORIGINS": ["https://www.example.org"],
    }
    assert saml.ticketshop_url() == "https://tickets.example.org"
    assert keys.keys_dir() == tmp_path / "shop"
    assert cookie.cookie_name() == "stx_contact_SHOP_WEB_v1"
    assert cors_origin(Request("https://www.example.org"), set()) == "https://www.example.org"
    assert cors_origin(Request("http://127.0.0.1:8000"), set()) is None


def test_without_a_ticketshop_block_the_defaults_are_read(settings):
    settings.TICKETSHOP = {}
    settings.SECUTIX = {"API_BASE_URL": "https://shared.example.org", "COOKIE_DOMAIN": ".ex.org"}
    assert conf.public_url() == "http://127.0.0.1:8000"
    assert conf.get("WEBSITE_URL") == "http://127.0.0.1:8000"  # PUBLIC_URL's
    assert conf.get("COOKIE_DOMAIN") == ""
    assert conf.get("API_TOKEN_SECONDS") == 3600
    del settings.TICKETSHOP
    assert conf.public_url() == "http://127.0.0.1:8000"


def test_the_one_host_settings_file_shares_the_plugins_variables():
    """website.settings.base fills both blocks from one SECUTIX_<NAME> variable on one host."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "website.settings.dev",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "site")]),
        "SECUTIX_API_BASE_URL": "https://one.example.org",
        "SECUTIX_POINT_OF_SALES_CODE": "ONEHOST",
    }
    env.pop("TICKETSHOP_PUBLIC_URL", None)
    code = (
        "import django; django.setup(); from ticketshop import conf; "
        "print(conf.public_url(), conf.get('POINT_OF_SALES_CODE'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "https://one.example.org ONEHOST"


def test_ticketshop_environment_variables_fill_the_block():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "website.settings.dev",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "site")]),
        "TICKETSHOP_PUBLIC_URL": "https://tickets.example.org",
        "TICKETSHOP_CORS_ORIGINS": "https://a.example.org,https://b.example.org",
        "SECUTIX_API_BASE_URL": "https://www.example.org",
    }
    code = (
        "import django; django.setup(); from ticketshop import conf; "
        "print(conf.public_url(), conf.get('CORS_ORIGINS'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == (
        "https://tickets.example.org ['https://a.example.org', 'https://b.example.org']"
    )
