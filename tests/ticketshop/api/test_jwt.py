"""Sign-in with SecuTix's HS256 JWT (C2, X6): issued by /tnai/backend-apis/v1/auth, or signed
by the client itself with its secret; sub = institution, aud = operator, iss = the partner's
free name. Wrong secret, wrong audience, expired or revoked tokens are refused."""

import json
import time

import jwt
import pytest

from tests.fixtures.venue import SECRET, USERNAME

pytestmark = pytest.mark.django_db

AUTH = "/tnai/backend-apis/v1/auth"
POS_CONFIG = "/tnseb/backend-apis/catalogService/v1_33/getPOSConfig"


def post(client, url, body, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


def self_signed(secret=SECRET, **claims):
    now = int(time.time())
    payload = {"sub": "CUBE", "aud": USERNAME, "iss": "my-integration", "iat": now}
    payload["exp"] = now + 600
    payload.update(claims)
    payload = {k: v for k, v in payload.items() if v is not None}
    return jwt.encode(payload, secret, algorithm="HS256")


def test_the_issued_token_is_an_hs256_jwt_for_any_partner_name(client, shop):
    response = post(
        client, AUTH, {"operator": USERNAME, "partner": "Acme reporting tool", "secret": SECRET}
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    claims = jwt.decode(token, SECRET, algorithms=["HS256"], audience=USERNAME)
    assert claims["sub"] == "CUBE" and claims["aud"] == USERNAME
    assert claims["iss"] == "Acme reporting tool" and claims["exp"] > time.time()
    answer = post(client, POS_CONFIG, {}, token)
    assert answer.status_code == 200 and answer.json()["posConfigData"]["posId"] == shop.pos.pk


def test_a_self_signed_token_is_accepted(client, shop):
    response = post(client, POS_CONFIG, {}, self_signed())
    assert response.status_code == 200
    assert response.json()["statusCode"] == "success"


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(lambda: self_signed(secret="not-the-secret"), id="wrong secret"),
        pytest.param(lambda: self_signed(aud="CUBE_OTHER"), id="unknown audience"),
        pytest.param(lambda: self_signed(aud="CUBE_BOXOFFICE"), id="another operator"),
        pytest.param(lambda: self_signed(sub="OTHER"), id="wrong institution"),
        pytest.param(lambda: self_signed(exp=int(time.time()) - 3600), id="expired"),
        pytest.param(lambda: self_signed(exp=int(time.time()) + 30 * 86400), id="too long"),
        pytest.param(lambda: self_signed(exp=None), id="no expiry"),
        pytest.param(lambda: self_signed(iss=None), id="no partner"),
        pytest.param(
            lambda: jwt.encode({"sub": "CUBE", "aud": USERNAME}, SECRET, algorithm="HS512"),
            id="another algorithm",
        ),
        pytest.param(
            lambda: jwt.encode(
                {"sub": "CUBE", "aud": USERNAME, "iss": "x", "exp": int(time.time()) + 60},
                key=None,
                algorithm="none",
            ),
            id="unsigned",
        ),
    ],
)
def test_bad_tokens_are_refused(client, shop, token):
    from ticketshop.api.auth import ensure_account

    ensure_account("CUBE_BOXOFFICE", "another-secret", shop.pos)
    response = post(client, POS_CONFIG, {}, token())
    assert response.status_code == 401
    assert response.json()["statusCode"] == "error.authentication"


def test_changing_the_secret_or_deactivating_revokes_tokens(client, shop):
    issued = post(client, AUTH, {"operator": USERNAME, "secret": SECRET}).json()["token"]
    signed = self_signed()
    assert post(client, POS_CONFIG, {}, issued).status_code == 200
    shop.account.set_secret("a-new-secret")
    shop.account.save()
    assert post(client, POS_CONFIG, {}, issued).status_code == 401
    assert post(client, POS_CONFIG, {}, signed).status_code == 401
    assert post(client, POS_CONFIG, {}, self_signed(secret="a-new-secret")).status_code == 200
    shop.account.active = False
    shop.account.save()
    assert post(client, POS_CONFIG, {}, self_signed(secret="a-new-secret")).status_code == 401


def test_operators_are_named_after_their_institution(shop):
    from ticketshop.api.auth import ensure_account

    with pytest.raises(ValueError, match="CUBE_<NAME>"):
        ensure_account("website", SECRET, shop.pos)
    account, created = ensure_account("CUBE_PARTNER", SECRET, shop.pos)
    assert created and account.institution == "CUBE"
