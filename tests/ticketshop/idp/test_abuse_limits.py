"""Abuse limits (issue 15): the sign-in lockout behind a reverse proxy, the per-account back-off
across addresses, and the rate limits on the forms that send emails (S1, L3)."""

import pytest
from django.core import mail
from django.test import Client

from tests.fixtures.identity import PASSWORD
from tests.fixtures.identity import registration_data as _data

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"


def _sign_in(email, password, remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client(**headers).post("/idp/login/", {"email": email, "password": password})


def test_behind_a_trusted_proxy_the_lockout_is_per_visitor_address(visitor, settings):
    settings.IDP_TRUSTED_PROXIES = ["10.0.0.0/24"]
    for _ in range(5):
        _sign_in(visitor.email, "wrong", PROXY, "203.0.113.5")
    locked = _sign_in(visitor.email, PASSWORD, PROXY, "203.0.113.5")
    assert locked.status_code == 429 and locked["Retry-After"]
    assert "Too many failed sign-in attempts" in locked.content.decode()
    # the visitor, through the same proxy from their own address, is not locked out
    assert _sign_in(visitor.email, PASSWORD, PROXY, "198.51.100.7").status_code == 302


def test_x_forwarded_for_from_anyone_else_is_ignored(visitor, settings):
    settings.IDP_TRUSTED_PROXIES = ["10.0.0.0/24"]
    for i in range(5):  # a new made-up address each time, straight from the attacker
        _sign_in(visitor.email, "wrong", "192.0.2.9", f"198.51.100.{i}")
    assert _sign_in(visitor.email, PASSWORD, "192.0.2.9", "198.51.100.99").status_code == 429
    # the forged header did not lock out the address it named
    assert _sign_in(visitor.email, PASSWORD, PROXY, "198.51.100.0").status_code == 302


def test_a_client_behind_a_chain_of_proxies_is_found(visitor, settings):
    settings.IDP_TRUSTED_PROXIES = ["10.0.0.0/24", "10.1.0.1"]
    for _ in range(5):  # the left-most value is the visitor's to forge: ignored
        _sign_in(visitor.email, "wrong", PROXY, "1.2.3.4, 203.0.113.5, 10.1.0.1")
    assert _sign_in(visitor.email, PASSWORD, PROXY, "9.9.9.9, 203.0.113.5").status_code == 429
    assert _sign_in(visitor.email, PASSWORD, PROXY, "203.0.113.6").status_code == 302


def test_failures_from_many_addresses_back_the_account_off(visitor, settings, monkeypatch):
    from ticketshop.idp import limits

    settings.IDP_ACCOUNT_BACKOFF_AFTER = 3
    settings.IDP_ACCOUNT_BACKOFF_SECONDS = 30
    for i in range(3):
        assert _sign_in(visitor.email, "wrong", f"203.0.113.{i}").status_code in (400, 429)
    waiting = _sign_in(visitor.email, PASSWORD, "198.51.100.1")
    assert waiting.status_code == 429 and int(waiting["Retry-After"]) <= 30
    assert "please try again in" in waiting.content.decode()
    real = limits.time.time
    monkeypatch.setattr(limits.time, "time", lambda: real() + 31)
    assert _sign_in(visitor.email, PASSWORD, "198.51.100.1").status_code == 302


def test_forgotten_password_emails_are_limited(client, visitor, settings):
    settings.IDP_RATE_LIMITS = {"password_forgot": {"address": (10, 3600), "email": (2, 3600)}}
    for _ in range(2):
        assert client.post("/idp/password/forgot/", {"email": visitor.email}).status_code == 302
    limited = client.post("/idp/password/forgot/", {"email": visitor.email})
    assert limited.status_code == 429 and "Too many requests" in limited.content.decode()
    assert len(mail.outbox) == 2


def test_registrations_from_one_address_are_limited(point_of_sales, settings):
    from ticketshop.contacts.models import Contact

    settings.IDP_RATE_LIMITS = {"register": {"address": (2, 3600)}}
    for i in range(2):
        Client().post("/account/register/", _data(email=f"new{i}@example.com"))
    limited = Client().post("/account/register/", _data(email="new9@example.com"))
    assert limited.status_code == 429 and "Too many requests" in limited.content.decode()
    assert not Contact.objects.filter(email="new9@example.com").exists()
    assert Contact.objects.filter(email__startswith="new").count() == 2
