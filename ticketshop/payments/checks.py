"""X3, X4: production refuses to start with test payments or demo secrets.

The check runs at every start-up command (`migrate`, `runserver`, `check`…) under the production
settings (`SECUTIX_PRODUCTION = True`), and with `manage.py check --deploy` under any settings.
It fails when the payment provider is the bundled test card provider, or a demo secret is in use
(the demo API secret, the demo back-office password, the demo gift voucher), unless
`SECUTIX_ALLOW_TEST_PAYMENTS=1` says the site is a staging site.
"""

import os

from django.conf import settings
from django.core import checks
from django.db import DatabaseError

from ticketshop import conf
from ticketshop.payments.providers import TestCardProvider, provider_codes

DEMO_API_SECRET = "website-demo-key"  # noqa: S105 — the demo's, refused in production
DEMO_ADMIN = ("admin", "cube-admin")
DEMO_VOUCHER = "CUBE-GIFT-50"
HINT = "Or set SECUTIX_ALLOW_TEST_PAYMENTS=1 if this is a staging site."


def test_payments_allowed():
    flag = getattr(settings, "SECUTIX_ALLOW_TEST_PAYMENTS", None)
    if flag is None:
        flag = os.environ.get("SECUTIX_ALLOW_TEST_PAYMENTS", "") == "1"
    return bool(flag)


def _database_problems():
    from django.contrib.auth import get_user_model

    from ticketshop.payments.models import GiftVoucher

    problems = []
    try:
        username, password = DEMO_ADMIN
        user = get_user_model().objects.filter(username=username).first()
        if user is not None and user.check_password(password):
            problems.append(
                checks.Error(
                    f"The back-office account '{username}' still has the demo password.",
                    hint=f"Change it: manage.py changepassword {username}. {HINT}",
                    id="payments.E004",
                )
            )
        if GiftVoucher.objects.filter(code__iexact=DEMO_VOUCHER, balance__gt=0).exists():
            problems.append(
                checks.Error(
                    f"The demo gift voucher {DEMO_VOUCHER} can still be spent.",
                    hint=f"Delete it in the back office (Payments › Gift vouchers). {HINT}",
                    id="payments.E005",
                )
            )
    except DatabaseError:  # not migrated yet: nothing to look at
        pass
    return problems


def production_problems():
    if test_payments_allowed():
        return []
    problems = []
    provider = getattr(settings, "PAYMENT_PROVIDER", TestCardProvider.code)
    if provider == TestCardProvider.code:
        problems.append(
            checks.Error(
                "PAYMENT_PROVIDER is the bundled test card provider ('testcard'): "
                "no real payment would be taken.",
                hint=f"Set PAYMENT_PROVIDER to a real provider. {HINT}",
                id="payments.E001",
            )
        )
    elif provider not in provider_codes():
        problems.append(
            checks.Error(
                f"PAYMENT_PROVIDER {provider!r} is not a known provider.",
                hint="Register it in PAYMENT_PROVIDERS (code: dotted path of its class).",
                id="payments.E002",
            )
        )
    if conf.get("API_PASSWORD") == DEMO_API_SECRET:
        problems.append(
            checks.Error(
                "SECUTIX_API_PASSWORD is the demo API secret.",
                hint=f"Set SECUTIX_API_PASSWORD to a secret of your own. {HINT}",
                id="payments.E003",
            )
        )
    return problems + _database_problems()


@checks.register("payments")
def production_check(app_configs, **kwargs):
    """At start-up under the production settings."""
    if not getattr(settings, "SECUTIX_PRODUCTION", False):
        return []
    return production_problems()


@checks.register("payments", deploy=True)
def deploy_check(app_configs, **kwargs):
    """`check --deploy` under other settings (production's own check already ran)."""
    if getattr(settings, "SECUTIX_PRODUCTION", False):
        return []
    return production_problems()
