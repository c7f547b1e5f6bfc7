"""L5, X3: the cart cookie (stx_cartSummary_<org>_<channel>) is Secure under the production
settings (as the session cookie), HttpOnly (the website reads it server-side) and SameSite=Lax,
when set and when cleared; the website still shows the cart from it."""

import json
import subprocess
import sys

import pytest

from tests.deployment.test_production_security import ROOT, _production_env
from tests.fixtures.booking import hold

COOKIE = "stx_cartSummary_CUBE_WEB"


@pytest.mark.parametrize("secure", [True, False])
def test_the_cart_cookie_flags_when_set_and_cleared(client, shop, settings, secure):
    settings.SESSION_COOKIE_SECURE = secure
    held = hold(client, shop, {shop.full: 1}, shop.cat1)
    assert held.status_code == 302
    cookie = held.cookies[COOKIE]
    assert cookie.value and json.loads(__import__("urllib.parse").parse.unquote(cookie.value))
    assert bool(cookie["secure"]) is secure
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    cleared = client.post("/shop/en/cart/cancel/").cookies[COOKIE]
    assert cleared.value == "" and cleared["max-age"] == 0
    assert bool(cleared["secure"]) is secure and cleared["httponly"] is True
    assert cleared["samesite"] == "Lax"


def test_production_settings_make_the_cart_cookie_secure(tmp_path):
    """What the production settings give the shop's cart cookie (no database needed)."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, json; django.setup();"
            "from ticketshop.shop.cart import cookie_options;"
            "print(json.dumps(cookie_options()))",
        ],
        cwd=ROOT,
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    options = json.loads(done.stdout.strip().splitlines()[-1])
    assert options["secure"] is True and options["httponly"] is True
    assert options["samesite"] == "Lax"
