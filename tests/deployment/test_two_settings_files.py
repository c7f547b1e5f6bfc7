"""X6: the ticketshop and the website can run on two hosts with two settings files. Each half
reads only its own block (TICKETSHOP through ticketshop/conf.py, SECUTIX through
secutix_integration/conf.py): each is started here with the other's block deleted."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from secutix_integration import conf as plugin_conf
from ticketshop import conf as shop_conf

ROOT = Path(__file__).resolve().parents[2]

SHOP = """
import django; django.setup()
from django.conf import settings
from django.core.management import call_command
assert not hasattr(settings, "SECUTIX")
call_command("check", "--fail-level", "ERROR")
call_command("generate_saml_keys")
from ticketshop import conf
from ticketshop.idp import saml
print("PUBLIC", conf.public_url(), "WEBSITE", saml.website_url(), "POS", conf.get("POINT_OF_SALES_CODE"))
"""

WEBSITE = """
import django; django.setup()
from django.conf import settings
from django.core.management import call_command
from saml2.metadata import entity_descriptor
assert not hasattr(settings, "TICKETSHOP")
call_command("check", "--fail-level", "ERROR")
from secutix_integration import conf
from secutix_integration.sso.config import sp_config
print("SERVICE", conf.service_url("x"), "SP", sp_config().entityid)
print("IDP", sorted(sp_config().metadata.identity_providers()))
"""


def run(code, settings_module, tmp_path, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SECUTIX_", "TICKETSHOP_", "DJANGO_ALLOW_ASYNC"))
    }
    environment.update(
        DJANGO_SETTINGS_MODULE=settings_module,
        PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "site")]),
        **env,
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_each_half_starts_without_the_others_block(tmp_path):
    shop_keys, site_keys = tmp_path / "shop-keys", tmp_path / "site-keys"
    out = run(
        SHOP,
        "tests.deployment.ticketshop_host_settings",
        tmp_path,
        TICKETSHOP_PUBLIC_URL="https://tickets.example.org",
        TICKETSHOP_WEBSITE_URL="https://www.example.org",
        TICKETSHOP_KEYS_DIR=str(shop_keys),
        TICKETSHOP_POINT_OF_SALES_CODE="WEBSHOP",
    )
    assert "PUBLIC https://tickets.example.org WEBSITE https://www.example.org POS WEBSHOP" in out
    metadata = (shop_keys / "idp_metadata.xml").read_text()
    assert "https://tickets.example.org/idp/sso/redirect/" in metadata
    # the website's host gets its SP key pair and the IdP's metadata (README, "Two hosts")
    site_keys.mkdir()
    for name in ("sp.key", "sp.crt", "idp_metadata.xml"):
        shutil.copy(shop_keys / name, site_keys / name)
    out = run(
        WEBSITE,
        "tests.deployment.website_host_settings",
        tmp_path,
        SECUTIX_API_BASE_URL="https://tickets.example.org",
        SECUTIX_WEBSITE_URL="https://www.example.org",
        SECUTIX_KEYS_DIR=str(site_keys),
    )
    assert "SERVICE https://tickets.example.org/tnseb/external-remoting/x.webservice" in out
    assert "SP https://www.example.org/" in out
    assert "https://tickets.example.org/idp/" in out.split("IDP", 1)[1]


def test_the_ticketshop_never_reads_the_plugins_block(settings, tmp_path):
    settings.SECUTIX = {
        "API_BASE_URL": "https://www.example.org",
        "KEYS_DIR": tmp_path / "website",
        "POINT_OF_SALES_CODE": "WEBSITE",
        "API_PASSWORD": "the-plugins",
        "PUBLIC_AVAILABILITY_CACHE_SECONDS": 99,
    }
    settings.TICKETSHOP = {}
    assert shop_conf.public_url() == "http://127.0.0.1:8000"
    assert shop_conf.get("POINT_OF_SALES_CODE") == ""
    assert shop_conf.get("API_PASSWORD") == ""
    assert shop_conf.get("PUBLIC_AVAILABILITY_CACHE_SECONDS") == 5
    assert shop_conf.get("PRODUCTION") is False


def test_the_plugin_never_reads_the_ticketshops_block(settings, tmp_path):
    settings.TICKETSHOP = {
        "PUBLIC_URL": "https://tickets.example.org",
        "KEYS_DIR": tmp_path / "shop",
        "API_USERNAME": "SHOP",
    }
    settings.SECUTIX = {}
    assert plugin_conf.base_url() == "http://127.0.0.1:8000"
    assert plugin_conf.get("API_USERNAME") == ""
    assert plugin_conf.get("KEYS_DIR") != tmp_path / "shop"
