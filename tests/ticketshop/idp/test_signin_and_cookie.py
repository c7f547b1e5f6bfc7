"""The IdP's sign-in page (lockout, forgotten password) and the contact cookie (L4)."""

import base64
import json
import re
from urllib.parse import quote, unquote

import pytest
from django.core import mail
from django.test import Client

from secutix_integration.contact_cookie import read_contact_cookie
from tests.fixtures.identity import PASSWORD

pytestmark = pytest.mark.django_db

COOKIE = "stx_contact_CUBE_WEB_v1"


def _sign_in(client, visitor, password=PASSWORD, ip="10.0.0.1"):
    return client.post(
        "/idp/login/", {"email": visitor.email, "password": password}, REMOTE_ADDR=ip
    )


def test_wrong_password_is_refused_with_a_clear_message(client, visitor):
    response = _sign_in(client, visitor, password="wrong")
    assert response.status_code == 400
    assert "The email address or the password is wrong." in response.content.decode()
    assert client.get("/account/").status_code == 302


def test_staff_users_cannot_sign_in_on_the_idp(client, django_user_model, visitor):
    django_user_model.objects.create_superuser("admin", "admin@example.com", PASSWORD)
    response = client.post("/idp/login/", {"email": "admin@example.com", "password": PASSWORD})
    assert response.status_code == 400


def test_five_failures_lock_the_email_and_address_out(client, visitor):
    for _ in range(4):
        assert _sign_in(client, visitor, password="wrong").status_code == 400
    locked = _sign_in(client, visitor, password="wrong")
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    # even the right password is refused while locked out…
    assert _sign_in(client, visitor).status_code == 429
    assert client.get("/account/").status_code == 302
    # …from that address only
    assert _sign_in(Client(), visitor, ip="10.0.0.2").status_code == 302


def test_many_emails_from_one_address_are_locked_out_too(client, visitor):
    for n in range(50):
        client.post(
            "/idp/login/",
            {"email": f"guess{n}@example.com", "password": "x"},
            REMOTE_ADDR="10.9.9.9",
        )
    assert _sign_in(client, visitor, ip="10.9.9.9").status_code == 429
    assert _sign_in(Client(), visitor, ip="10.9.9.8").status_code == 302


def test_forgot_password_sends_a_reset_link_in_the_contacts_language(client, visitor):
    response = client.post("/idp/password/forgot/", {"email": visitor.email.upper()})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert mail.outbox[0].to == [visitor.email]
    assert mail.outbox[0].subject == "Choisissez un nouveau mot de passe"  # the contact's language
    assert f"contactNumber={visitor.contact_number}" in body and "token=" in body
    assert PASSWORD not in body
    # unknown addresses get the same answer and no email
    assert client.post("/idp/password/forgot/", {"email": "nobody@example.com"}).status_code == 302
    assert len(mail.outbox) == 1
    url = re.search(r"http://testserver(/idp/password/reset/\S+)", body).group(1)
    query = dict(p.split("=", 1) for p in url.split("?", 1)[1].split("&"))
    assert (
        client.post(
            "/idp/password/reset/",
            {**query, "password1": "New-Secret-99", "password2": "New-Secret-99"},
        ).status_code
        == 302
    )
    assert _sign_in(client, visitor, password="New-Secret-99").status_code == 302
    assert client.get(url).status_code == 400  # used


def test_sign_in_sets_the_contact_cookie_and_the_website_reads_it(client, visitor):
    _sign_in(client, visitor)
    raw = client.cookies[COOKIE].value
    value = json.loads(unquote(raw))
    assert value["individualFirstname"] == "Michel"
    assert value["individualLastname"] == "Shapira"
    assert value["individualTitle"] == "MR" and value["lang"] == "fr"
    assert set(value["additionalData"]) == {"key", "data", "digest"}
    assert visitor.email not in unquote(raw) and visitor.contact_number not in unquote(raw)
    read = read_contact_cookie(raw)
    assert read["contactNumber"] == visitor.contact_number
    assert read["email"] == visitor.email
    assert "Hello Michel" in client.get("/").content.decode()


def _tamper(raw, change):
    value = json.loads(unquote(raw))
    change(value)
    return quote(json.dumps(value), safe="")


def test_a_forged_or_tampered_cookie_is_ignored(client, visitor):
    _sign_in(client, visitor)
    raw = client.cookies[COOKIE].value

    def rename(value):
        value["individualFirstname"] = "Mallory"

    def swap_data(value):
        blob = bytearray(base64.b64decode(value["additionalData"]["data"]))
        blob[-1] ^= 1
        value["additionalData"]["data"] = base64.b64encode(bytes(blob)).decode()

    def drop_digest(value):
        del value["additionalData"]["digest"]

    for change in (rename, swap_data, drop_digest):
        forged = _tamper(raw, change)
        assert read_contact_cookie(forged) is None
        browser = Client()
        browser.cookies[COOKIE] = forged
        page = browser.get("/")
        assert page.status_code == 200
        assert "Mallory" not in page.content.decode() and "Hello" not in page.content.decode()
    assert read_contact_cookie("not json at all") is None


def test_a_cookie_for_another_website_key_is_refused(client, visitor, tmp_path, settings):
    """Wrapped for another public key: the website cannot unwrap it."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    _sign_in(client, visitor)
    raw = client.cookies[COOKIE].value
    keys_dir = settings.SECUTIX["KEYS_DIR"]
    other = tmp_path / "keys"
    other.mkdir()
    (other / "idp_metadata.xml").write_bytes((keys_dir / "idp_metadata.xml").read_bytes())
    (other / "sp.key").write_bytes(
        rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    settings.SECUTIX = {**settings.SECUTIX, "KEYS_DIR": other}
    assert read_contact_cookie(raw) is None


def test_an_expired_cookie_is_ignored(client, visitor):
    import time

    _sign_in(client, visitor)
    raw = client.cookies[COOKIE].value
    assert read_contact_cookie(raw, now=time.time() + 9 * 3600) is None


def test_sign_out_on_the_idp_clears_the_cookie(client, visitor):
    _sign_in(client, visitor)
    response = client.post("/idp/logout/")
    assert response.status_code == 302
    assert client.cookies[COOKIE].value == ""
    assert client.get("/account/").status_code == 302
