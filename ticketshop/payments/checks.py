"""X3, X4: production refuses to start with test payments or demo secrets.

The check runs at every start-up command (`migrate`, `runserver`, `check`…) under the production
settings (`TICKETSHOP["PRODUCTION"] = True`), and with `manage.py check --deploy` under any
settings. It fails when the payment provider is the bundled test card provider, or a secret the
demo creates is still in use, unless `TICKETSHOP["ALLOW_TEST_PAYMENTS"]` (the production
settings read TICKETSHOP_ALLOW_TEST_PAYMENTS=1) says the site is a staging site.

The demo's secrets (`manage.py setup_demo`, fixtures/the_cube.json), each named when found:
- the API secret in the settings (TICKETSHOP API_PASSWORD, default of `ensure_api_account`);
- the API accounts' demo secrets: CUBE_WEBSITE (the website), CUBE_DIGITICK and
  CUBE_CLASSICTIC (the real-time resellers, ticketshop/resellers/demo.py);
- the back-office account admin / cube-admin (setup_demo);
- the gift voucher CUBE-GIFT-50 (payments/demo.py);
- the reseller interfaces' service passwords allot-secret, sales-secret, access-secret
  (resellers/demo.py, against the bundled reseller sandbox);
- the demo visitor's password (michel.shapira@secutixtest.com, fixtures/the_cube.json).
"""

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.db import DatabaseError

from ticketshop import conf
from ticketshop.payments.providers import TestCardProvider, provider_codes

DEMO_API_SECRET = "website-demo-key"  # noqa: S105 — the demo's, refused in production
# The demo's API accounts and their secrets (setup_demo: ensure_api_account, load_demo_resellers).
DEMO_API_ACCOUNTS = {
    "CUBE_WEBSITE": DEMO_API_SECRET,
    "CUBE_DIGITICK": "digitick-demo-key",
    "CUBE_CLASSICTIC": "classictic-demo-key",
}
DEMO_ADMIN = ("admin", "cube-admin")
DEMO_VOUCHER = "CUBE-GIFT-50"
# The reseller interfaces' passwords for the bundled reseller sandbox (load_demo_resellers).
DEMO_RESELLER_PASSWORDS = {
    "allotment_password": "allot-secret",
    "sales_password": "sales-secret",
    "access_password": "access-secret",
}
DEMO_VISITOR = ("michel.shapira@secutixtest.com", "Cube-demo-2026")  # fixtures/the_cube.json
HINT = "Or set TICKETSHOP_ALLOW_TEST_PAYMENTS=1 if this is a staging site."


def test_payments_allowed():
    return bool(conf.get("ALLOW_TEST_PAYMENTS"))


def _demo_api_accounts():
    """API accounts (active or not) whose secret is one of the demo's."""
    found = []
    ApiAccount = apps.get_model("ticketshop_api", "ApiAccount")
    demo_secrets = set(DEMO_API_ACCOUNTS.values())
    for account in ApiAccount.objects.order_by("username"):
        # the demo's own account first; any account against every demo secret (cheap digests)
        own = DEMO_API_ACCOUNTS.get(account.username)
        candidates = [own] if own else []
        if account.secret.startswith("hmac_sha256$"):
            candidates += sorted(demo_secrets - {own})
        for secret in candidates:
            if account.check_secret(secret):
                found.append((account.username, secret))
                break
    return found


def _demo_reseller_passwords():
    ResellerInterface = apps.get_model("resellers", "ResellerInterface")
    found = []
    for interface in ResellerInterface.objects.order_by("code"):
        for field, secret in DEMO_RESELLER_PASSWORDS.items():
            if getattr(interface, field) == secret:
                found.append((interface.code, field, secret))
    return found


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
        for username, secret in _demo_api_accounts():
            problems.append(
                checks.Error(
                    f"The API account {username} still has the demo secret '{secret}'.",
                    hint=(
                        f"Give it a secret of your own: manage.py ensure_api_account "
                        f"--username {username} --secret … --point-of-sales …, or switch it "
                        f"off in the back office. {HINT}"
                    ),
                    id="payments.E006",
                )
            )
        for code, field, secret in _demo_reseller_passwords():
            problems.append(
                checks.Error(
                    f"The reseller interface {code} still has the demo {field} '{secret}'.",
                    hint=f"Set the reseller's real password in the back office. {HINT}",
                    id="payments.E007",
                )
            )
        email, password = DEMO_VISITOR
        Contact = apps.get_model("contacts", "Contact")
        visitor = Contact.objects.filter(email__iexact=email).first()
        if visitor is not None and visitor.check_password(password):
            problems.append(
                checks.Error(
                    f"The demo visitor {email} still has the demo password.",
                    hint=f"Delete the demo contact or change its password. {HINT}",
                    id="payments.E008",
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
                f"TICKETSHOP API_PASSWORD is the demo API secret '{DEMO_API_SECRET}'.",
                hint=f"Set TICKETSHOP_API_PASSWORD to a secret of your own. {HINT}",
                id="payments.E003",
            )
        )
    return problems + _database_problems()


@checks.register("payments")
def production_check(app_configs, **kwargs):
    """At start-up under the production settings."""
    if not conf.get("PRODUCTION"):
        return []
    return production_problems()


@checks.register("payments", deploy=True)
def deploy_check(app_configs, **kwargs):
    """`check --deploy` under other settings (production's own check already ran)."""
    if conf.get("PRODUCTION"):
        return []
    return production_problems()
