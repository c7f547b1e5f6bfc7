"""S1/S2 request checks (issue 15): replayed or stale AuthnRequests and LogoutRequests are
refused, and the IdP's sign-out cannot be triggered across sites (logout CSRF)."""

import time

import pytest
from django.test import Client

from tests.fixtures.identity import (
    PASSWORD,
    follow,
    local,
    posted_authn_request,
    sign_in_through_idp,
)

pytestmark = pytest.mark.django_db

STALE = "has expired or was already used"


def _authn_request(client):
    return posted_authn_request(client)


def test_a_replayed_authn_request_is_refused(client, visitor):
    action, fields = _authn_request(client)
    first = client.post(action, fields)
    assert first.status_code == 302 and first["Location"].startswith("/idp/login/")
    again = Client().post(action, fields)  # the captured request, from another browser
    assert again.status_code == 400 and STALE in again.content.decode()


@pytest.mark.parametrize("offset", [-3600, 3600], ids=["issued-in-the-future", "stale"])
def test_an_authn_request_outside_its_window_is_refused(client, visitor, monkeypatch, offset):
    action, fields = _authn_request(client)
    from ticketshop.idp import freshness

    real = time.time
    monkeypatch.setattr(freshness.time, "time", lambda: real() + offset)
    response = client.post(action, fields)
    assert response.status_code == 400 and STALE in response.content.decode()
    monkeypatch.setattr(freshness.time, "time", real)
    # the same request, now in its window, was not remembered by the refusal: still usable
    assert client.post(action, fields).status_code == 302


def test_a_replayed_logout_request_is_refused(client, visitor):
    follow(client, sign_in_through_idp(client))
    logout_init = client.get(local(client.get("/saml2/signout/")["Location"]))
    slo_url = local(logout_init["Location"])
    assert slo_url.startswith("/idp/slo/redirect/")
    assert client.get(slo_url).status_code == 302  # answered: signed out
    # the visitor signs in again; the captured logout request must not sign them out
    client.post("/idp/login/", {"email": visitor.email, "password": PASSWORD})
    replay = client.get(slo_url)
    assert replay.status_code == 400 and STALE in replay.content.decode()
    assert client.get("/account/").status_code == 200


def test_get_on_the_idps_logout_only_asks(client, visitor):
    client.post("/idp/login/", {"email": visitor.email, "password": PASSWORD})
    page = client.get("/idp/logout/?next=/")
    assert page.status_code == 200 and 'method="post"' in page.content.decode()
    assert client.get("/account/").status_code == 200  # still signed in


def test_a_cross_site_logout_post_is_refused(visitor):
    browser = Client(enforce_csrf_checks=True)
    browser.get("/idp/login/")
    token = browser.cookies["csrftoken"].value
    browser.post(
        "/idp/login/",
        {"email": visitor.email, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert browser.get("/account/").status_code == 200
    assert browser.post("/idp/logout/").status_code == 403  # no CSRF token: another site
    assert browser.get("/account/").status_code == 200
    token = browser.cookies["csrftoken"].value
    done = browser.post("/idp/logout/", {"csrfmiddlewaretoken": token})
    assert done.status_code == 302
    assert browser.get("/account/").status_code == 302
