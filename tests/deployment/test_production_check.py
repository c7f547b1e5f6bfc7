"""X3, X4: the production settings refuse the test card provider and the demo secrets, at
start-up and in `check --deploy`, unless TICKETSHOP_ALLOW_TEST_PAYMENTS=1 (a staging site)."""

import os
import subprocess
import sys
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from ticketshop.api.models import ApiAccount
from ticketshop.contacts.models import Contact
from ticketshop.organisation.models import PointOfSales
from ticketshop.payments.checks import DEMO_RESELLER_PASSWORDS
from ticketshop.payments.models import GiftVoucher
from ticketshop.resellers.models import ResellerInterface

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
        "TICKETSHOP_API_PASSWORD": "a-secret-of-our-own",
        "PAYMENT_PROVIDER": "acme",
        "PAYMENT_PROVIDERS": "acme=tests.deployment.fake_provider.AcmePay",
    }
    env.pop("SECUTIX_ALLOW_TEST_PAYMENTS", None)
    env.pop("TICKETSHOP_ALLOW_TEST_PAYMENTS", None)
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
        ({"TICKETSHOP_API_PASSWORD": "website-demo-key"}, "TICKETSHOP API_PASSWORD"),
    ],
)
def test_the_test_provider_or_a_demo_secret_stops_production(tmp_path, extra, named):
    env = production_env(tmp_path, **extra)
    if extra.get("PAYMENT_PROVIDER") == "":
        env.pop("PAYMENT_PROVIDER")
    done = manage(env, "check", "--deploy")
    assert done.returncode != 0
    assert named in done.stderr and "TICKETSHOP_ALLOW_TEST_PAYMENTS=1" in done.stderr


def test_start_up_refuses_and_a_staging_site_is_allowed(tmp_path):
    env = production_env(tmp_path, PAYMENT_PROVIDER="testcard")
    done = manage(env, "migrate", "--noinput")  # a start-up command, without --deploy
    assert done.returncode != 0 and "PAYMENT_PROVIDER" in done.stderr
    staging = manage({**env, "TICKETSHOP_ALLOW_TEST_PAYMENTS": "1"}, "check", "--deploy")
    assert "payments.E" not in staging.stderr
    # the old name of the variable is still read by the production settings
    old_name = manage({**env, "SECUTIX_ALLOW_TEST_PAYMENTS": "1"}, "check", "--deploy")
    assert "payments.E" not in old_name.stderr


def production_settings(settings):
    settings.TICKETSHOP = {
        **settings.TICKETSHOP,
        "PRODUCTION": True,
        "ALLOW_TEST_PAYMENTS": False,
        "API_PASSWORD": "not-the-demo",
    }
    settings.PAYMENT_PROVIDER = "acme"
    settings.PAYMENT_PROVIDERS = {"acme": "tests.deployment.fake_provider.AcmePay"}


def test_demo_admin_password_and_voucher_are_refused(db, settings, django_user_model):
    production_settings(settings)
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


def test_every_secret_the_demo_creates_is_refused_and_named(db, settings, tmp_path):
    """setup_demo's secrets (issue 11: the real-time resellers' API secrets among them) each stop
    production by name; once each is changed, the check passes."""
    settings.TICKETSHOP = {**settings.TICKETSHOP, "KEYS_DIR": tmp_path}
    settings.SECUTIX = {**settings.SECUTIX, "KEYS_DIR": tmp_path}
    call_command("setup_demo", stdout=StringIO())
    production_settings(settings)
    with pytest.raises(SystemCheckError) as error:
        call_command("check")
    found = str(error.value)
    for named in [
        "API account CUBE_WEBSITE still has the demo secret 'website-demo-key'",
        "API account CUBE_DIGITICK still has the demo secret 'digitick-demo-key'",
        "API account CUBE_CLASSICTIC still has the demo secret 'classictic-demo-key'",
        "'admin' still has the demo password",
        "CUBE-GIFT-50",
        "michel.shapira@secutixtest.com still has the demo password",
        *(
            f"reseller interface {code} still has the demo {field}"
            for code in ("fnac", "secutix-file", "ticketnet")
            for field in DEMO_RESELLER_PASSWORDS
        ),
    ]:
        assert named in found, named
    assert "payments.E003" not in found  # the settings' secret is not the demo's here
    # a demo secret reused by another account is found too
    pos = PointOfSales.objects.get(code="TICKETSHOP")
    call_command(
        "ensure_api_account",
        username="CUBE_PARTNER",
        secret="digitick-demo-key",
        point_of_sales=pos.code,
        stdout=StringIO(),
    )
    with pytest.raises(SystemCheckError, match="CUBE_PARTNER still has the demo secret"):
        call_command("check")

    # every one changed: production starts
    for account in ApiAccount.objects.all():
        account.set_secret(f"{account.username}-own-secret-2026")
        account.save()
    ResellerInterface.objects.update(
        allotment_password="real-1", sales_password="real-2", access_password="real-3"
    )
    visitor = Contact.objects.get(email="michel.shapira@secutixtest.com")
    visitor.set_password("Not-the-demo-2026")
    visitor.save()
    admin = get_user_model().objects.get(username="admin")
    admin.set_password("something-else-entirely")
    admin.save()
    GiftVoucher.objects.update(balance=0)
    call_command("check")
