"""X3, X4: the production settings refuse the test card provider and the demo secrets, at
start-up and in `check --deploy`, unless SECUTIX_ALLOW_TEST_PAYMENTS=1 (a staging site)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from ticketshop.payments.models import GiftVoucher

pytestmark = pytest.mark.usefixtures("booking_settings")

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path, **extra):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "website.settings.production",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "SECRET_KEY": uuid.uuid4().hex * 2,
        "ALLOWED_HOSTS": "tickets.example.org",
        "SECUTIX_KEYS_DIR": str(tmp_path),
        "SITE_URL": "https://tickets.example.org",  # required in production (issue 15)
        "SECUTIX_API_BASE_URL": "https://shop.tickets.example.org",
        "SECUTIX_API_PASSWORD": "a-secret-of-our-own",
        "PAYMENT_PROVIDER": "acme",
        "PAYMENT_PROVIDERS": "acme=tests.deployment.fake_provider.AcmePay",
    }
    env.pop("SECUTIX_ALLOW_TEST_PAYMENTS", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests; deploy refuses it
    env.update(extra)
    return env


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_real_provider_configuration_passes(tmp_path):
    done = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "ERROR")
    assert "payments.E" not in done.stderr + done.stdout
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ({"PAYMENT_PROVIDER": "testcard"}, "PAYMENT_PROVIDER"),
        ({"PAYMENT_PROVIDER": ""}, "PAYMENT_PROVIDER"),  # the default: the test card provider
        ({"SECUTIX_API_PASSWORD": "website-demo-key"}, "SECUTIX_API_PASSWORD"),
    ],
)
def test_the_test_provider_or_a_demo_secret_stops_production(tmp_path, extra, named):
    env = production_env(tmp_path, **extra)
    if extra.get("PAYMENT_PROVIDER") == "":
        env.pop("PAYMENT_PROVIDER")
    done = manage(env, "check", "--deploy")
    assert done.returncode != 0
    assert named in done.stderr and "SECUTIX_ALLOW_TEST_PAYMENTS=1" in done.stderr


def test_start_up_refuses_and_a_staging_site_is_allowed(tmp_path):
    env = production_env(tmp_path, PAYMENT_PROVIDER="testcard")
    done = manage(env, "migrate", "--noinput")  # a start-up command, without --deploy
    assert done.returncode != 0 and "PAYMENT_PROVIDER" in done.stderr
    staging = manage({**env, "SECUTIX_ALLOW_TEST_PAYMENTS": "1"}, "check", "--deploy")
    assert "payments.E" not in staging.stderr


def test_demo_admin_password_and_voucher_are_refused(db, settings, django_user_model):
    settings.SECUTIX_PRODUCTION = True
    settings.SECUTIX_ALLOW_TEST_PAYMENTS = False
    settings.PAYMENT_PROVIDER = "acme"
    settings.PAYMENT_PROVIDERS = {"acme": "tests.deployment.fake_provider.AcmePay"}
    settings.SECUTIX = {**settings.SECUTIX, "API_PASSWORD": "not-the-demo"}
    call_command("check")  # nothing of the demo: passes
    user = django_user_model.objects.create_superuser("admin", "a@example.com", "cube-admin")
    from ticketshop.organisation.models import Organisation

    org = Organisation.objects.create(code="ORG", name="Org", currency="EUR")
    GiftVoucher.objects.create(organisation=org, code="CUBE-GIFT-50", balance="50.00")
    with pytest.raises(SystemCheckError) as error:
        call_command("check")
    assert "'admin' still has the demo password" in str(error.value)
    assert "CUBE-GIFT-50" in str(error.value)
    user.set_password("something-else-entirely")
    user.save()
    GiftVoucher.objects.update(balance=0)
    call_command("check")
