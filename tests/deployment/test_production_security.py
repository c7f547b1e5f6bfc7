"""Production hardening (issue 15): `check --deploy` clean, public addresses required, and a
Content-Security-Policy on every page that the IdP's SAML pages and the back office satisfy."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.identity import saml_form, sign_in_through_idp

pytestmark = pytest.mark.usefixtures("saml_settings")  # the IdP + account area's URLs

ROOT = Path(__file__).resolve().parents[2]


def _production_env(tmp_path, **overrides):
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "site"),
        "DJANGO_SETTINGS_MODULE": "website.settings.production",
        "DATABASE_URL": "postgres://user:password@127.0.0.1:1/unused",  # checks need no database
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "shop.example",
        "SITE_URL": "https://www.example",
        "SECUTIX_API_BASE_URL": "https://shop.example",
        "SECUTIX_KEYS_DIR": str(tmp_path),
        "TICKETSHOP_ALLOW_TEST_PAYMENTS": "1",  # the demo's test card provider, knowingly
        "DJANGO_ALLOW_ASYNC_UNSAFE": None,  # set by the browser tests in this process
        **overrides,
    }
    return {k: v for k, v in env.items() if v is not None}


def _manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    done = _manage(_production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "no issues" in done.stdout


@pytest.mark.parametrize("name", ["SITE_URL", "SECUTIX_API_BASE_URL"])
def test_production_requires_the_public_addresses(tmp_path, name):
    env = _production_env(tmp_path)
    del env[name]
    refused = _manage(env, "check")
    assert refused.returncode != 0 and name in refused.stderr


@pytest.fixture
def csp(settings):
    """The policy is on in every environment (base settings), as in production."""
    assert "website.csp.ContentSecurityPolicyMiddleware" in settings.MIDDLEWARE


@pytest.mark.django_db
def test_visitors_pages_carry_the_policy(client, csp, visitor):
    policy = client.get("/idp/login/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy and "'unsafe-eval'" not in policy
    script_src = next(d for d in policy.split("; ") if d.startswith("script-src "))
    assert script_src == "script-src 'self'"  # no inline script, no eval


@pytest.mark.django_db
def test_the_idps_saml_page_allows_only_its_own_handler_and_destination(client, csp, visitor):
    response = sign_in_through_idp(client)
    action, _fields = saml_form(response)
    policy = response["Content-Security-Policy"]
    assert "form-action http://testserver" in policy and "default-src 'none'" in policy
    assert "'unsafe-hashes' 'sha256-" in policy and "'unsafe-inline'" not in policy
    assert 'onload="document.forms[0].submit()"' in response.content.decode()


@pytest.mark.django_db
def test_the_back_office_gets_the_relaxed_policy_and_still_works(client, csp, settings):
    settings.ROOT_URLCONF = "website.urls"
    response = client.get("/backoffice/login/")
    assert response.status_code == 200
    assert "'unsafe-eval'" in response["Content-Security-Policy"]
