"""S1 benchmark: a full SAML sign-in round trip against a plain Django password sign-in.

In one process (Django's test client, in-memory SQLite, real keys and real xmlsec1 signatures):
- SSO: website /saml2/login/ → signed AuthnRequest → IdP sign-in page → email + password →
  signed Response posted to the website's ACS → signed in on both sides;
- baseline: Django's own login form (username + password) for a staff user, in the same run.
Both use the same password hasher (the project's, PBKDF2), so the difference is the SAML work.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "site")]
os.environ["DJANGO_SETTINGS_MODULE"] = "website.settings.dev"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from tests.fixtures.identity import follow, local, saml_form  # noqa: E402 — browser-like hops
from ticketshop.contacts.models import Contact  # noqa: E402
from ticketshop.organisation.models import Organisation, PointOfSales, SalesChannel  # noqa: E402

PASSWORD = "Bench-pass-2026"
ROUNDS = 15


def prepare():
    setup_test_environment()
    connection.creation.create_test_db(verbosity=0)
    keys = Path(tempfile.mkdtemp(prefix="bench-sso-"))
    settings.SECUTIX = {
        **settings.SECUTIX,
        "KEYS_DIR": keys,
        "WEBSITE_URL": "http://testserver",
        "API_BASE_URL": "http://testserver",
    }
    settings.TICKETSHOP = {
        **settings.TICKETSHOP,
        "KEYS_DIR": keys,
        "WEBSITE_URL": "http://testserver",
        "PUBLIC_URL": "http://testserver",
    }
    settings.ALLOWED_HOSTS = ["*"]
    call_command("generate_saml_keys", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("register_website_sp", stdout=open(os.devnull, "w"))  # noqa: SIM115
    org = Organisation.objects.create(code="CUBE", name="The CUBE")
    channel = SalesChannel.objects.create(organisation=org, code="WEB", name="Web")
    PointOfSales.objects.create(channel=channel, code="TICKETSHOP", name="Ticketshop")
    contact = Contact(organisation=org, email="bench@example.com", first_name="B", last_name="B")
    contact.set_password(PASSWORD)
    contact.email_confirmed = True
    contact.save()
    get_user_model().objects.create_superuser("staff", "staff@example.com", PASSWORD)


def sso_round_trip():
    """Up to the ACS's redirect: signed in on both sides. The page it redirects to is not
    fetched, as the baseline does not fetch the page after its login redirect either."""
    client = Client()
    follow(client, client.get("/saml2/login/?next=/en/"))
    response = client.post("/idp/login/", {"email": "bench@example.com", "password": PASSWORD})
    response = follow(client, response, stop_at_saml_response=True)
    action, fields = saml_form(response)
    response = client.post(local(action), fields)
    assert response.status_code == 302 and "_auth_user_id" in client.session, response.status_code


def django_login():
    client = Client()
    client.get("/backoffice/login/")
    client.post("/backoffice/login/", {"username": "staff", "password": PASSWORD})
    assert "_auth_user_id" in client.session


def _cpu():
    """CPU seconds of this process and of its finished children (xmlsec1): on a shared, busy
    machine a steadier measure than the wall clock."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def timed(call):
    call()  # warm-up
    walls, cpus = [], []
    for _ in range(ROUNDS):
        begin, begin_cpu = time.perf_counter(), _cpu()
        call()
        walls.append(time.perf_counter() - begin)
        cpus.append(_cpu() - begin_cpu)
    return statistics.median(walls), statistics.median(cpus)


def api_auth_costs(rounds=20):
    """X3: what checking an API secret costs per call, before (PBKDF2, the password hasher the
    secrets were stored with) and after (salted HMAC-SHA256), and a bearer token's check
    first (decrypt the key, verify the signature) and then from the token cache."""
    from django.contrib.auth.hashers import check_password, make_password
    from django.core.cache import cache

    from ticketshop.api.auth import account_from_token, issue_token
    from ticketshop.api.models import ApiAccount

    secret = "bench-" + "x" * 40
    hashed = make_password(secret, hasher="pbkdf2_sha256")
    account = ApiAccount(username="CUBE_BENCH", point_of_sales=PointOfSales.objects.get())
    account.set_secret(secret)
    account.save()

    def per_call(call):
        begin = time.perf_counter()
        for _ in range(rounds):
            call()
        return (time.perf_counter() - begin) / rounds

    token = issue_token(account)

    def uncached():
        cache.clear()
        account_from_token(token)

    return {
        "secret, before (PBKDF2)": per_call(lambda: check_password(secret, hashed)),
        "secret, after (HMAC-SHA256)": per_call(lambda: account.check_secret(secret)),
        "token, first check": per_call(uncached),
        "token, from the cache": per_call(lambda: account_from_token(token)),
    }


if __name__ == "__main__":
    prepare()
    print("API authentication per call (wall, mean of 20):")
    for name, seconds in api_auth_costs().items():
        print(f"  {name:32} {seconds * 1000:8.3f} ms")
    if os.environ.get("BENCH_API_ONLY"):
        sys.exit(0)
    (sso, sso_cpu), (plain, plain_cpu) = timed(sso_round_trip), timed(django_login)
    print(f"{'':34} {'wall':>9} {'CPU':>9}   (medians of {ROUNDS})")
    print(f"SSO round trip (SP → IdP → ACS)    {sso * 1000:6.1f} ms {sso_cpu * 1000:6.1f} ms")
    print(f"plain Django password sign-in      {plain * 1000:6.1f} ms {plain_cpu * 1000:6.1f} ms")
    print(f"ratio                              {sso / plain:8.2f}× {sso_cpu / plain_cpu:8.2f}×")
