"""C2, X3: an API call does not pay a slow password hash. API secrets are long random strings,
kept as a salted HMAC-SHA256 digest (not PBKDF2, ~0.4 s of CPU per call on a busy machine);
an account stored before with a password hash still signs in and is upgraded on its first
right answer. A verified bearer token is remembered for its lifetime: later calls neither
decrypt the signing key nor check the signature again; changing the secret or deactivating
the account still revokes it at once."""

import json

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password

from tests.fixtures.venue import SECRET, USERNAME
from tests.ticketshop.api.test_soap import AVAILABILITY, ENVELOPE
from ticketshop.api.models import ApiAccount

pytestmark = pytest.mark.django_db

AUTH = "/tnai/backend-apis/v1/auth"
POS_CONFIG = "/tnseb/backend-apis/catalogService/v1_33/getPOSConfig"


def post(client, url, body, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


def soap(client, secret=SECRET, ids=1):
    return client.post(
        AVAILABILITY,
        data=ENVELOPE.format(user=USERNAME, secret=secret, ids=ids),
        content_type="text/xml; charset=utf-8",
    )


@pytest.fixture
def pbkdf2_calls(monkeypatch):
    calls = []
    for name in ("encode", "verify"):
        original = getattr(PBKDF2PasswordHasher, name)

        def counted(self, *args, _original=original, _name=name, **kwargs):
            calls.append(_name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(PBKDF2PasswordHasher, name, counted)
    return calls


def test_soap_and_json_sign_ins_run_no_password_hash(client, shop, pbkdf2_calls):
    for _ in range(5):
        assert soap(client, ids=shop.concert.pk).status_code == 200
        assert post(client, AUTH, {"operator": USERNAME, "secret": SECRET}).status_code == 200
    # refusals are as cheap: a wrong secret, an unknown operator
    assert soap(client, secret="wrong").status_code == 500
    assert post(client, AUTH, {"operator": USERNAME, "secret": "wrong"}).status_code == 401
    assert post(client, AUTH, {"operator": "CUBE_NOBODY", "secret": SECRET}).status_code == 401
    assert pbkdf2_calls == []
    stored = ApiAccount.objects.get(username=USERNAME).secret
    assert stored.startswith("hmac_sha256$") and SECRET not in stored


def test_a_secret_stored_as_a_password_hash_is_upgraded_once(client, shop, pbkdf2_calls, settings):
    settings.PASSWORD_HASHERS = [
        *settings.PASSWORD_HASHERS,
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    ApiAccount.objects.filter(pk=shop.account.pk).update(
        secret=make_password(SECRET, hasher="pbkdf2_sha256")
    )
    pbkdf2_calls.clear()
    assert soap(client, secret="wrong").status_code == 500  # still refused, nothing upgraded
    assert ApiAccount.objects.get(pk=shop.account.pk).secret.startswith("pbkdf2_")
    assert soap(client, ids=shop.concert.pk).status_code == 200
    assert ApiAccount.objects.get(pk=shop.account.pk).secret.startswith("hmac_sha256$")
    pbkdf2_calls.clear()
    for _ in range(3):
        assert soap(client, ids=shop.concert.pk).status_code == 200
    assert post(client, AUTH, {"operator": USERNAME, "secret": SECRET}).status_code == 200
    assert pbkdf2_calls == []


def test_a_verified_token_is_not_verified_again_until_revoked(client, shop, monkeypatch):
    token = post(client, AUTH, {"operator": USERNAME, "secret": SECRET}).json()["token"]
    decrypted = []
    original = ApiAccount.jwt_key

    def counted(self):
        decrypted.append(self.pk)
        return original(self)

    monkeypatch.setattr(ApiAccount, "jwt_key", counted)
    for _ in range(10):
        assert post(client, POS_CONFIG, {}, token).status_code == 200
    assert decrypted == [shop.account.pk]  # the first call only
    # a tampered copy of the token is not the cached one
    assert post(client, POS_CONFIG, {}, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
    assert post(client, POS_CONFIG, {}, token[:-2] + "xx").status_code == 401
    account = ApiAccount.objects.get(pk=shop.account.pk)
    account.set_secret("a-new-secret")
    account.save()
    assert post(client, POS_CONFIG, {}, token).status_code == 401  # revoked despite the cache
    new = post(client, AUTH, {"operator": USERNAME, "secret": "a-new-secret"}).json()["token"]
    assert post(client, POS_CONFIG, {}, new).status_code == 200
    ApiAccount.objects.filter(pk=account.pk).update(active=False)
    assert post(client, POS_CONFIG, {}, new).status_code == 401


@pytest.fixture
def few_attempts(settings):
    settings.IDP_RATE_LIMITS = {"api_auth": {"address": (5, 3600), "email": (3, 3600)}}


def test_api_secrets_cannot_be_guessed_without_limit(client, shop, few_attempts):
    """3 refused secrets for one operator (SOAP and JSON together), then 429 — even with the
    right secret — with Retry-After; another operator is refused on the address's 5th."""
    assert soap(client, secret="guess-1").status_code == 500
    assert post(client, AUTH, {"operator": USERNAME, "secret": "guess-2"}).status_code == 401
    assert soap(client, secret="guess-3").status_code == 500
    blocked = post(client, AUTH, {"operator": USERNAME, "secret": SECRET})
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) > 0
    assert blocked.json()["statusCode"] == "error.authentication.tooManyAttempts"
    fault = soap(client, ids=shop.concert.pk)
    assert fault.status_code == 429 and b"Too many failed sign-ins" in fault.content
    other = {"operator": "CUBE_OTHER", "secret": "x"}
    assert [post(client, AUTH, other).status_code for _ in range(3)] == [401, 401, 429]
